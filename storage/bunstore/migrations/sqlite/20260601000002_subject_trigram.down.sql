DROP TRIGGER IF EXISTS {{.Prefix}}tickets_fts_update;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_fts_delete;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_fts_insert;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}tickets_fts;
