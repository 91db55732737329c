-- Presence leases (storage.PresenceStore): who of the staff is viewing or
-- replying to a ticket, each row until expires_at. The primary key serves
-- a ticket's listing; presence_expires_idx serves the purge of expired
-- leases. {{.Prefix}} is the table prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}presence (
    tenant_id  text COLLATE "C" NOT NULL,
    ticket_id  text COLLATE "C" NOT NULL,
    user_id    text COLLATE "C" NOT NULL,
    activity   text NOT NULL,
    since      timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, ticket_id, user_id)
);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}presence_expires_idx ON {{.Prefix}}presence (expires_at);
