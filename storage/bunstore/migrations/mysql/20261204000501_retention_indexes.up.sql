--ticketkit:unless-index {{.Prefix}}outbox {{.Prefix}}outbox_delivered_idx
-- Retention (storage.Pruner): outbox_delivered_idx orders the outbox by
-- delivery time, so that OutboxPrune finds the oldest delivered batch
-- without reading the whole table (pending entries, NULL, sort first and
-- are passed over by the range). inbound_at_idx serves InboundPrune the
-- same way. {{.Prefix}} is the table prefix.
CREATE INDEX {{.Prefix}}outbox_delivered_idx ON {{.Prefix}}outbox (delivered_at);

--bun:split

--ticketkit:unless-index {{.Prefix}}inbound {{.Prefix}}inbound_at_idx
CREATE INDEX {{.Prefix}}inbound_at_idx ON {{.Prefix}}inbound (at);
