DROP INDEX IF EXISTS {{.Prefix}}inbound_at_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}outbox_delivered_idx;
