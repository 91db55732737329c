-- The Text filter's index of TicketList, tenant by tenant and for terms of
-- any length (issue 22): {{.Prefix}}text_grams(tenant, subject) returns the
-- subject's distinct substrings of one, two and three characters, each
-- prefixed with the tenant and chr(1), and a GIN index holds them. A
-- search asks for the keys of its term (the term itself when it has three
-- characters or fewer, else its trigrams) with @>, and still checks the
-- exact substring with strpos. Because the keys carry the tenant, the
-- index answers "which of this tenant's tickets hold this gram" without
-- reading other tenants' tickets, and the planner's statistics of the
-- index (most common elements) count each gram per tenant: a term rare
-- in one tenant and frequent elsewhere is rare here. It replaces the
-- pg_trgm index of 20260601000002, which held no tenant, no term shorter
-- than three characters, and whose statistics were the whole table's.
--
-- The function is IMMUTABLE (it reads nothing but its arguments) and
-- uses only pg_catalog functions; length and substr count characters.
-- It may repeat a key (GIN stores each once); a PL/pgSQL loop computes
-- a subject's keys about twice as fast as one SQL query with DISTINCT.
-- Each key costs a GIN insertion when a ticket row is written (about
-- 65 per subject, against about 28 trigrams for the pg_trgm index):
-- see BENCHMARKS.md for the write cost.
-- fastupdate = on with a small pending list (256 kB): a ticket row's
-- keys are appended to the pending list and merged into the index in
-- batches (when the list is full, or by VACUUM/ANALYZE), so a write pays
-- about what the pg_trgm index cost (with fastupdate off, each key's
-- own GIN insertion made Desk.Open 1.5-1.6x and an update 1.3-1.4x as
-- slow: BenchmarkTextIndexCost), and a search reads at most 256 kB of
-- pending keys besides the index. {{.Prefix}} is the table prefix.
CREATE OR REPLACE FUNCTION {{.Prefix}}text_grams(tenant text, s text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    grams text[] := '{}';
    n int := length(s);
    key text := tenant || chr(1);
BEGIN
    FOR i IN 1..n LOOP
        grams := grams || (key || substr(s, i, 1));
        IF i < n THEN
            grams := grams || (key || substr(s, i, 2));
        END IF;
        IF i < n - 1 THEN
            grams := grams || (key || substr(s, i, 3));
        END IF;
    END LOOP;
    RETURN grams;
END
$$;

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_text_grams_idx ON {{.Prefix}}tickets
    USING gin ({{.Prefix}}text_grams(tenant_id, subject_lower)) WITH (fastupdate = on, gin_pending_list_limit = 256);

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}tickets_subject_trgm_idx;

--bun:split

-- The Text filter chooses between the index and a read in page order
-- from the index's statistics (the most common keys: see ticketTextPlan):
-- 1000 keeps up to 10,000 keys, every key a few thousand tickets hold in
-- a table of a million, where the default (100) keeps 1,000.
ALTER INDEX {{.Prefix}}tickets_text_grams_idx ALTER COLUMN 1 SET STATISTICS 1000;
