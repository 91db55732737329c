DROP INDEX IF EXISTS {{.Prefix}}tickets_text_grams_idx;

--bun:split

DROP FUNCTION IF EXISTS {{.Prefix}}text_grams(text, text);

--bun:split

-- The pg_trgm index of 20260601000002, as that migration builds it.
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
