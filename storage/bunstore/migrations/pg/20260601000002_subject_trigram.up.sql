-- Trigram index of ticket subjects, for the Text filter of TicketList:
-- subject_lower LIKE '%term%' reads the index instead of every ticket
-- of the tenant. pg_trgm is a trusted extension (PostgreSQL 13+):
-- installing it needs CREATE on the database, unless a DBA installed it
-- already, in any schema.
--
-- An extension belongs to the whole database, not to a schema's tables,
-- and dropping its schema with CASCADE drops every index that uses it.
-- So it goes to the public schema when there is one, not to the schema
-- being migrated (which may be one of several), and the index names its
-- operator class in whatever schema the extension lives. The advisory
-- lock keeps two migrations (such as two table prefixes) from installing
-- it at once. fastupdate = off: new tickets go straight into the index
-- instead of a pending list that every search would read (and that
-- makes the planner shun the index) until a vacuum; tickets arrive at a
-- human pace, and bulk loads drop and rebuild the index. Every statement
-- is idempotent.

DO $$
DECLARE
    ext_schema name;
BEGIN
    PERFORM pg_advisory_xact_lock(7405935625913479442);
    SELECT n.nspname INTO ext_schema
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    IF ext_schema IS NULL THEN
        IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'public') THEN
            CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
        ELSE
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
        END IF;
        SELECT n.nspname INTO ext_schema
            FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
            WHERE e.extname = 'pg_trgm';
    END IF;
    EXECUTE 'CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_subject_trgm_idx ON {{.Prefix}}tickets USING gin (subject_lower '
        || quote_ident(ext_schema) || '.gin_trgm_ops) WITH (fastupdate = off)';
END
$$;
