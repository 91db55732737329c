-- The complaint journal filters on values of the complaint's ticket:
-- status, priority, customer and subject. Read through a join, a filter
-- on them cannot use an index in page order (the plan walks the date
-- index and checks every joined ticket), so the complaints table gets
-- copies, each with an index that starts with the tenant and reads rows
-- in page order, and a trigram index of the subject for rare terms.
--
-- Triggers keep the copies (and the reason, copied by migration
-- 20260603000001) equal to the ticket row in the transaction that writes
-- it, whatever path writes it: the store's single and batch updates, the
-- escalation sweep, a host's own transaction or SQL. The complaint row
-- takes them from its ticket when it is inserted. The triggers come
-- before the backfill, in the same transaction: CREATE TRIGGER locks the
-- tickets table against writes until the migration commits, so no ticket
-- write falls between the two. {{.Prefix}} is the table prefix.
ALTER TABLE {{.Prefix}}complaints
    ADD COLUMN IF NOT EXISTS status        text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS priority      text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS customer_id   text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS subject_lower text NOT NULL DEFAULT '';

--bun:split

-- SET search_path FROM CURRENT: the function finds the tables of the
-- schema it was migrated in, whatever the search path of the session
-- that writes a ticket.
CREATE OR REPLACE FUNCTION {{.Prefix}}complaints_copy_ticket() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
DECLARE
    t record;
BEGIN
    IF TG_TABLE_NAME = '{{.Prefix}}complaints' THEN
        -- A complaint row without its ticket keeps what it was given.
        SELECT tk.status, tk.priority, tk.customer_id, tk.subject_lower, tk.reason INTO t
            FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id;
        IF FOUND THEN
            NEW.status := t.status;
            NEW.priority := t.priority;
            NEW.customer_id := t.customer_id;
            NEW.subject_lower := t.subject_lower;
            NEW.reason := t.reason;
        END IF;
        RETURN NEW;
    END IF;
    UPDATE {{.Prefix}}complaints SET status = NEW.status, priority = NEW.priority,
        customer_id = NEW.customer_id, subject_lower = NEW.subject_lower, reason = NEW.reason
        WHERE ticket_id = NEW.id AND tenant_id = NEW.tenant_id;
    RETURN NULL;
END
$$;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}complaints_copy_ticket ON {{.Prefix}}complaints;

--bun:split

CREATE TRIGGER {{.Prefix}}complaints_copy_ticket BEFORE INSERT OR UPDATE OF status, priority, customer_id, subject_lower, reason
    ON {{.Prefix}}complaints FOR EACH ROW EXECUTE FUNCTION {{.Prefix}}complaints_copy_ticket();

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_complaint_copy ON {{.Prefix}}tickets;

--bun:split

CREATE TRIGGER {{.Prefix}}tickets_complaint_copy AFTER UPDATE OF status, priority, customer_id, subject_lower, reason
    ON {{.Prefix}}tickets FOR EACH ROW
    WHEN (NEW.kind = 'complaint' AND (OLD.status, OLD.priority, OLD.customer_id, OLD.subject_lower, OLD.reason)
        IS DISTINCT FROM (NEW.status, NEW.priority, NEW.customer_id, NEW.subject_lower, NEW.reason))
    EXECUTE FUNCTION {{.Prefix}}complaints_copy_ticket();

--bun:split

UPDATE {{.Prefix}}complaints AS c SET
    status = t.status, priority = t.priority, customer_id = t.customer_id, subject_lower = t.subject_lower, reason = t.reason
FROM {{.Prefix}}tickets AS t
WHERE t.id = c.ticket_id AND t.tenant_id = c.tenant_id
    AND (c.status, c.priority, c.customer_id, c.subject_lower, c.reason)
        IS DISTINCT FROM (t.status, t.priority, t.customer_id, t.subject_lower, t.reason);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_status_idx ON {{.Prefix}}complaints (tenant_id, status, issued_at, ticket_id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_priority_idx ON {{.Prefix}}complaints (tenant_id, priority, issued_at, ticket_id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_customer_idx ON {{.Prefix}}complaints (tenant_id, customer_id, issued_at, ticket_id);

--bun:split

-- The date index with the subject and the amount: a search for a common
-- term, or an amount range, walks it in page order and checks each
-- subject or amount without reading the table (ComplaintList selects
-- the page's keys first). At 1M complaints an amount range reads 62
-- buffers instead of 828 heap pages (1.8 ms against 8.3 ms cold).
CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_issued_cover_idx ON {{.Prefix}}complaints (tenant_id, issued_at, ticket_id) INCLUDE (subject_lower, amount);

--bun:split

-- The planner tells a rare term (trigram index) from a common one (the
-- walk above) by the share of the subject histogram that holds it: at
-- the default 100 entries a term in 1 % of the subjects often matches
-- none, and 27 of 97 such terms read ~10k rows from the trigram index
-- at 1M complaints (hundreds of ms) instead of walking 5k index entries
-- (6 ms); with 1,000 entries none did, and rare terms still read the
-- trigram index (BENCHMARKS.md).
ALTER TABLE {{.Prefix}}complaints ALTER COLUMN subject_lower SET STATISTICS 1000;

--bun:split

-- A rare term is found from the trigram index instead (pg_trgm is
-- installed by migration 20260601000002, in whatever schema).
DO $$
DECLARE
    ext_schema name;
BEGIN
    SELECT n.nspname INTO ext_schema
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    EXECUTE 'CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_subject_trgm_idx ON {{.Prefix}}complaints USING gin (subject_lower '
        || quote_ident(ext_schema) || '.gin_trgm_ops) WITH (fastupdate = off)';
END
$$;
