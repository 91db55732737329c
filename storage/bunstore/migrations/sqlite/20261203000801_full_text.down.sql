DROP TRIGGER IF EXISTS {{.Prefix}}messages_words_fts_update;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}messages_words_fts_delete;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}messages_words_fts_insert;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}messages_words_fts;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_words_fts_update;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_words_fts_delete;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_words_fts_insert;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}tickets_words_fts;
