-- Watchers of tickets (ticketkit's Desk.Watch, AddCC;
-- storage.WatcherStore): agents following a ticket (kind 'agent', the
-- key a user ID) and addresses copied on it (kind 'cc', the key a
-- lower-cased email), read by ticket through the primary key. IDs,
-- kinds and keys are VARBINARY, compared byte-wise (see
-- 20260601000001_init). {{.Prefix}} is the table prefix.
CREATE TABLE IF NOT EXISTS {{.Prefix}}watchers (
    tenant_id   VARBINARY(255) NOT NULL,
    ticket_id   VARBINARY(255) NOT NULL,
    kind        VARBINARY(255) NOT NULL,
    watcher_key VARBINARY(255) NOT NULL,
    created_by  TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT (''),
    created_at  DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, ticket_id, kind, watcher_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
