-- The subject search index of PostgreSQL (pg_trgm) and SQLite (FTS5
-- trigram). MySQL has no trigram index that both MySQL 8 and MariaDB
-- offer (MariaDB has no ngram FULLTEXT parser), so the Text filter reads
-- the tenant's tickets in page order and checks each subject with LIKE;
-- this version exists so that the versions match the other dialects.
-- {{.Prefix}} is the table prefix.
SELECT 1;
