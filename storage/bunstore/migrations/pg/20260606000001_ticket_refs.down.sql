DROP TRIGGER IF EXISTS {{.Prefix}}tickets_refs_insert ON {{.Prefix}}tickets;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_refs_update ON {{.Prefix}}tickets;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_refs_delete ON {{.Prefix}}tickets;

--bun:split

DROP FUNCTION IF EXISTS {{.Prefix}}ticket_refs_sync();

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}ticket_refs;
