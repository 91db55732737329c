DROP TRIGGER IF EXISTS {{.Prefix}}tickets_refs_insert;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_refs_update;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_refs_delete;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}ticket_refs;
