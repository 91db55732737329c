-- Presence leases (storage.PresenceStore): who of the staff is viewing or
-- replying to a ticket, each row until expires_at. The primary key serves
-- a ticket's listing; presence_expires_idx serves the purge of expired
-- leases. {{.Prefix}} is the table prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}presence (
    tenant_id  text NOT NULL,
    ticket_id  text NOT NULL,
    user_id    text NOT NULL,
    activity   text NOT NULL,
    since      text NOT NULL,
    expires_at text NOT NULL,
    PRIMARY KEY (tenant_id, ticket_id, user_id)
) WITHOUT ROWID;

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}presence_expires_idx ON {{.Prefix}}presence (expires_at);
