--ticketkit:if-index {{.Prefix}}messages {{.Prefix}}messages_words_fts_idx
DROP INDEX {{.Prefix}}messages_words_fts_idx ON {{.Prefix}}messages;

--bun:split

--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_description_fts_idx
DROP INDEX {{.Prefix}}tickets_description_fts_idx ON {{.Prefix}}tickets;

--bun:split

--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_subject_fts_idx
DROP INDEX {{.Prefix}}tickets_subject_fts_idx ON {{.Prefix}}tickets;

--bun:split

ALTER TABLE {{.Prefix}}messages MODIFY body MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;

--bun:split

ALTER TABLE {{.Prefix}}tickets MODIFY description MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT ('');
