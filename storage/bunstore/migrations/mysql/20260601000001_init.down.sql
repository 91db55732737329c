-- Drops the tables of the init migration (the triggers go with them).
-- {{.Prefix}} is the table prefix.

DROP TABLE IF EXISTS {{.Prefix}}ticket_tags;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}ticket_refs;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}idempotency;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}attachment_refs;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}ticket_sla;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}inbound;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}complaints;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}outbox;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}events;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}messages;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}tickets;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}counters;
