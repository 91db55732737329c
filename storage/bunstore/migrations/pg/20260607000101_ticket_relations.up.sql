--ticketkit:unless-column {{.Prefix}}tickets merged_into
-- Ticket relations (ticketkit's Desk.Merge, Split, Link). merged_into is
-- the ID of the ticket a merged ticket was merged into (ticket.Ticket
-- MergedInto), '' for the others. The links table keeps the typed links
-- between tickets (storage.LinkStore), read from either end: by its
-- primary key from the "from" ticket, by links_to_idx from the "to"
-- ticket. Messages move between tickets through messages_ticket_idx
-- (storage.MessageMover). {{.Prefix}} is the table prefix.
ALTER TABLE {{.Prefix}}tickets ADD COLUMN merged_into text COLLATE "C" NOT NULL DEFAULT '';

--bun:split

CREATE TABLE IF NOT EXISTS {{.Prefix}}links (
    tenant_id   text COLLATE "C" NOT NULL,
    from_id     text COLLATE "C" NOT NULL,
    type        text COLLATE "C" NOT NULL,
    to_id       text COLLATE "C" NOT NULL,
    from_number text COLLATE "C" NOT NULL,
    to_number   text COLLATE "C" NOT NULL,
    created_by  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, from_id, type, to_id)
);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}links_to_idx ON {{.Prefix}}links (tenant_id, to_id, type, from_id);
