DROP TRIGGER IF EXISTS {{.Prefix}}tickets_text_grams_update;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_text_grams_delete;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_text_grams_insert;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}ticket_text_grams;
