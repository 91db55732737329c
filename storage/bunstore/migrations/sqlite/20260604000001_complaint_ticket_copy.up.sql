--ticketkit:unless-column {{.Prefix}}complaints status
-- The complaint journal filters on values of the complaint's ticket:
-- status, priority, customer and subject. The complaints table gets
-- copies, each with an index that starts with the tenant and reads rows
-- in page order. Triggers keep the copies (and the reason, copied by
-- migration 20260603000001) equal to the ticket row in the transaction
-- that writes it, whatever path writes it; the complaint row takes them
-- from its ticket when it is inserted. The triggers come before the
-- backfill, in the same transaction (SQLite's write lock is held from
-- the first statement). {{.Prefix}} is the table prefix.
ALTER TABLE {{.Prefix}}complaints ADD COLUMN status text NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints priority
ALTER TABLE {{.Prefix}}complaints ADD COLUMN priority text NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints customer_id
ALTER TABLE {{.Prefix}}complaints ADD COLUMN customer_id text NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints subject_lower
ALTER TABLE {{.Prefix}}complaints ADD COLUMN subject_lower text NOT NULL DEFAULT '';

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}complaints_copy_ticket;

--bun:split

CREATE TRIGGER {{.Prefix}}complaints_copy_ticket AFTER INSERT ON {{.Prefix}}complaints BEGIN
    UPDATE {{.Prefix}}complaints SET
        (status, priority, customer_id, subject_lower, reason) = (
            SELECT t.status, t.priority, t.customer_id, t.subject_lower, t.reason
            FROM {{.Prefix}}tickets AS t WHERE t.id = new.ticket_id AND t.tenant_id = new.tenant_id)
    WHERE ticket_id = new.ticket_id AND tenant_id = new.tenant_id
        AND EXISTS (SELECT 1 FROM {{.Prefix}}tickets AS t WHERE t.id = new.ticket_id AND t.tenant_id = new.tenant_id);
END;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}complaints_copy_update;

--bun:split

CREATE TRIGGER {{.Prefix}}complaints_copy_update AFTER UPDATE OF status, priority, customer_id, subject_lower, reason ON {{.Prefix}}complaints
    WHEN EXISTS (SELECT 1 FROM {{.Prefix}}tickets AS t WHERE t.id = new.ticket_id AND t.tenant_id = new.tenant_id
        AND (t.status, t.priority, t.customer_id, t.subject_lower, t.reason)
            IS NOT (new.status, new.priority, new.customer_id, new.subject_lower, new.reason)) BEGIN
    UPDATE {{.Prefix}}complaints SET
        (status, priority, customer_id, subject_lower, reason) = (
            SELECT t.status, t.priority, t.customer_id, t.subject_lower, t.reason
            FROM {{.Prefix}}tickets AS t WHERE t.id = new.ticket_id AND t.tenant_id = new.tenant_id)
    WHERE ticket_id = new.ticket_id AND tenant_id = new.tenant_id;
END;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_complaint_copy;

--bun:split

CREATE TRIGGER {{.Prefix}}tickets_complaint_copy AFTER UPDATE OF status, priority, customer_id, subject_lower, reason ON {{.Prefix}}tickets
    WHEN new.kind = 'complaint' AND (old.status, old.priority, old.customer_id, old.subject_lower, old.reason)
        IS NOT (new.status, new.priority, new.customer_id, new.subject_lower, new.reason) BEGIN
    UPDATE {{.Prefix}}complaints SET status = new.status, priority = new.priority,
        customer_id = new.customer_id, subject_lower = new.subject_lower, reason = new.reason
    WHERE ticket_id = new.id AND tenant_id = new.tenant_id;
END;

--bun:split

UPDATE {{.Prefix}}complaints SET
    (status, priority, customer_id, subject_lower, reason) = (
        SELECT t.status, t.priority, t.customer_id, t.subject_lower, t.reason
        FROM {{.Prefix}}tickets AS t WHERE t.id = {{.Prefix}}complaints.ticket_id AND t.tenant_id = {{.Prefix}}complaints.tenant_id)
WHERE EXISTS (
    SELECT 1 FROM {{.Prefix}}tickets AS t WHERE t.id = {{.Prefix}}complaints.ticket_id AND t.tenant_id = {{.Prefix}}complaints.tenant_id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_status_idx ON {{.Prefix}}complaints (tenant_id, status, issued_at, ticket_id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_priority_idx ON {{.Prefix}}complaints (tenant_id, priority, issued_at, ticket_id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_customer_idx ON {{.Prefix}}complaints (tenant_id, customer_id, issued_at, ticket_id);

--bun:split

-- The date index with the subject and the amount (SQLite has no
-- INCLUDE): an amount range walks it in page order and checks each
-- amount without reading the table. SQLite has no trigram index on
-- complaints: a text is found through the tickets' FTS5 table (see
-- filterText).
CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_issued_cover_idx ON {{.Prefix}}complaints (tenant_id, issued_at, ticket_id, subject_lower, amount);
