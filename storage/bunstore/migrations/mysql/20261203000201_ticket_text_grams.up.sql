-- The Text filter's per-tenant gram index of PostgreSQL and SQLite
-- (issue 22). MySQL keeps reading the tenant's tickets in page order with
-- LIKE (see 20260601000002); this version exists so that the versions
-- match the other dialects. {{.Prefix}} is the table prefix.
SELECT 1;
