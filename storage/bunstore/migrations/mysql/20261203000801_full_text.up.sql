-- Full-text indexes for TicketFilter.Query (issue 16 item 4): InnoDB
-- FULLTEXT indexes over the tickets' subject_lower and description and
-- the messages' body, read with MATCH ... AGAINST in BOOLEAN MODE, one
-- required quoted word at a time. A FULLTEXT index compares by its
-- column's collation, and the binary one would make the search
-- case-sensitive: description and body are compared with
-- utf8mb4_unicode_ci from here on (they round-trip unchanged; nothing
-- else compares them), subject_lower is lower-cased by the store.
-- InnoDB leaves out words shorter than innodb_ft_min_token_size (3) and
-- its stop words: the store drops those words from a query.
-- {{.Prefix}} is the table prefix.
ALTER TABLE {{.Prefix}}tickets MODIFY description MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT ('');

--bun:split

ALTER TABLE {{.Prefix}}messages MODIFY body MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL;

--bun:split

--ticketkit:unless-index {{.Prefix}}tickets {{.Prefix}}tickets_subject_fts_idx
CREATE FULLTEXT INDEX {{.Prefix}}tickets_subject_fts_idx ON {{.Prefix}}tickets (subject_lower);

--bun:split

--ticketkit:unless-index {{.Prefix}}tickets {{.Prefix}}tickets_description_fts_idx
CREATE FULLTEXT INDEX {{.Prefix}}tickets_description_fts_idx ON {{.Prefix}}tickets (description);

--bun:split

--ticketkit:unless-index {{.Prefix}}messages {{.Prefix}}messages_words_fts_idx
CREATE FULLTEXT INDEX {{.Prefix}}messages_words_fts_idx ON {{.Prefix}}messages (body);
