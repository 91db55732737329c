-- Presence leases (storage.PresenceStore): who of the staff is viewing or
-- replying to a ticket, each row until expires_at. The primary key serves
-- a ticket's listing; presence_expires_idx serves the purge of expired
-- leases (declared in CREATE TABLE, as MySQL 8 has no CREATE INDEX IF NOT
-- EXISTS). IDs are VARBINARY, compared byte-wise (see 20260601000001_init).
-- {{.Prefix}} is the table prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}presence (
    tenant_id  VARBINARY(255) NOT NULL,
    ticket_id  VARBINARY(255) NOT NULL,
    user_id    VARBINARY(255) NOT NULL,
    activity   VARBINARY(255) NOT NULL,
    since      DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, ticket_id, user_id),
    INDEX {{.Prefix}}presence_expires_idx (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
