-- Retention of closed tickets (storage.TicketPurger): tickets_closed_idx
-- orders the closed tickets by closing time, so that TicketClaimClosed
-- finds the batch closed first without reading open tickets or the whole
-- table. {{.Prefix}} is the table prefix.
CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_closed_idx ON {{.Prefix}}tickets (closed_at, id)
    WHERE closed_at IS NOT NULL;
