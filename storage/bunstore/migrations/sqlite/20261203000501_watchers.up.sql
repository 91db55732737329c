-- Watchers of tickets (ticketkit's Desk.Watch, AddCC;
-- storage.WatcherStore): agents following a ticket (kind 'agent', the
-- key a user ID) and addresses copied on it (kind 'cc', the key a
-- lower-cased email), read by ticket through the primary key.
-- {{.Prefix}} is the table prefix.
CREATE TABLE IF NOT EXISTS {{.Prefix}}watchers (
    tenant_id   text NOT NULL,
    ticket_id   text NOT NULL,
    kind        text NOT NULL,
    watcher_key text NOT NULL,
    created_by  text NOT NULL DEFAULT '',
    created_at  text NOT NULL,
    PRIMARY KEY (tenant_id, ticket_id, kind, watcher_key)
) WITHOUT ROWID;
