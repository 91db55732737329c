DROP TRIGGER IF EXISTS {{.Prefix}}tickets_tags_insert ON {{.Prefix}}tickets;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_tags_update ON {{.Prefix}}tickets;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_tags_delete ON {{.Prefix}}tickets;

--bun:split

DROP FUNCTION IF EXISTS {{.Prefix}}ticket_tags_sync();

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}ticket_tags;
