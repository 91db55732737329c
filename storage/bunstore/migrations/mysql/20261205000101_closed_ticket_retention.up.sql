--ticketkit:unless-index {{.Prefix}}tickets {{.Prefix}}tickets_closed_idx
-- Retention of closed tickets (storage.TicketPurger): tickets_closed_idx
-- orders the tickets by closing time, so that TicketClaimClosed finds the
-- batch closed first (open tickets, NULL, sort first and are passed over
-- by the range). {{.Prefix}} is the table prefix.
CREATE INDEX {{.Prefix}}tickets_closed_idx ON {{.Prefix}}tickets (closed_at, id);
