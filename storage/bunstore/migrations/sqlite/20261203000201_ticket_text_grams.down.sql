DROP TRIGGER IF EXISTS {{.Prefix}}tickets_grams_update;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_grams_delete;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_grams_insert;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}tickets_grams_fts;

--bun:split

DROP VIEW IF EXISTS {{.Prefix}}tickets_text_grams;
