--ticketkit:unless-column {{.Prefix}}tickets merged_into
-- Ticket relations (ticketkit's Desk.Merge, Split, Link). merged_into is
-- the ID of the ticket a merged ticket was merged into (ticket.Ticket
-- MergedInto), '' for the others. The links table keeps the typed links
-- between tickets (storage.LinkStore), read from either end: by its
-- primary key from the "from" ticket, by links_to_idx from the "to"
-- ticket (declared in CREATE TABLE, as MySQL 8 has no CREATE INDEX IF
-- NOT EXISTS). Messages move between tickets through messages_ticket_idx
-- (storage.MessageMover). IDs, numbers and types are VARBINARY, compared
-- byte-wise (see 20260601000001_init). {{.Prefix}} is the table prefix.
ALTER TABLE {{.Prefix}}tickets ADD COLUMN merged_into VARBINARY(255) NOT NULL DEFAULT '';

--bun:split

CREATE TABLE IF NOT EXISTS {{.Prefix}}links (
    tenant_id   VARBINARY(255) NOT NULL,
    from_id     VARBINARY(255) NOT NULL,
    type        VARBINARY(255) NOT NULL,
    to_id       VARBINARY(255) NOT NULL,
    from_number VARBINARY(255) NOT NULL,
    to_number   VARBINARY(255) NOT NULL,
    created_by  TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT (''),
    created_at  DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, from_id, type, to_id),
    INDEX {{.Prefix}}links_to_idx (tenant_id, to_id, type, from_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
