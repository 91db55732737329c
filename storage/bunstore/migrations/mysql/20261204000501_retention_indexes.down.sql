--ticketkit:if-index {{.Prefix}}inbound {{.Prefix}}inbound_at_idx
DROP INDEX {{.Prefix}}inbound_at_idx ON {{.Prefix}}inbound;

--bun:split

--ticketkit:if-index {{.Prefix}}outbox {{.Prefix}}outbox_delivered_idx
DROP INDEX {{.Prefix}}outbox_delivered_idx ON {{.Prefix}}outbox;
