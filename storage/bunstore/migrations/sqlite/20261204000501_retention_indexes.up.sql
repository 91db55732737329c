-- Retention (storage.Pruner): outbox_delivered_idx holds the delivered
-- outbox entries by delivery time, so that OutboxPrune finds the oldest
-- batch without reading pending entries or the whole table; pending and
-- dead entries stay out of it. inbound_at_idx serves InboundPrune the same
-- way. {{.Prefix}} is the table prefix.
CREATE INDEX IF NOT EXISTS {{.Prefix}}outbox_delivered_idx ON {{.Prefix}}outbox (delivered_at)
    WHERE delivered_at IS NOT NULL;

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}inbound_at_idx ON {{.Prefix}}inbound (at);
