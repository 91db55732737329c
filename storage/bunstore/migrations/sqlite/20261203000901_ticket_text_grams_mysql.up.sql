-- MySQL's gram table of the Text filter (issue 20 item 4): PostgreSQL and
-- SQLite got theirs in 20261203000201. This version exists so that the
-- versions match the other dialects.
SELECT 1;
