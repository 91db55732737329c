DROP INDEX IF EXISTS {{.Prefix}}messages_words_fts_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}tickets_words_fts_idx;
