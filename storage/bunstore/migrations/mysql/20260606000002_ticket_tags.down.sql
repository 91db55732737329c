DROP TRIGGER IF EXISTS {{.Prefix}}tickets_tags_insert;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_tags_update;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_tags_delete;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}ticket_tags;
