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
