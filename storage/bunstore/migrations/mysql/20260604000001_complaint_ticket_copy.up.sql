--ticketkit:unless-column {{.Prefix}}complaints status
-- The complaint journal filters on values of the complaint's ticket:
-- status, priority, customer and subject. The complaints table gets
-- copies, each with an index that starts with the tenant and reads rows
-- in page order. Triggers keep the copies (and the reason, copied by
-- migration 20260603000001) equal to the ticket row in the statement
-- that writes it, whatever path writes it; the complaint row takes them
-- from its ticket when it is inserted. MySQL triggers have no WHEN
-- clause and no UPDATE OF list: each body compares OLD and NEW itself.
-- The backfill runs after the triggers exist (MySQL commits DDL at once,
-- so a ticket written between the two is copied by its trigger).
-- {{.Prefix}} is the table prefix.
ALTER TABLE {{.Prefix}}complaints ADD COLUMN status VARBINARY(255) NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints priority
ALTER TABLE {{.Prefix}}complaints ADD COLUMN priority VARBINARY(255) NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints customer_id
ALTER TABLE {{.Prefix}}complaints ADD COLUMN customer_id VARBINARY(255) NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints subject_lower
ALTER TABLE {{.Prefix}}complaints ADD COLUMN subject_lower TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT ('');

--bun:split

--ticketkit:unless-trigger {{.Prefix}}complaints {{.Prefix}}complaints_copy_ticket
CREATE TRIGGER {{.Prefix}}complaints_copy_ticket BEFORE INSERT ON {{.Prefix}}complaints FOR EACH ROW
BEGIN
    -- A complaint row without its ticket keeps what it was given.
    IF EXISTS (SELECT 1 FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id) THEN
        SET NEW.status = (SELECT tk.status FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id),
            NEW.priority = (SELECT tk.priority FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id),
            NEW.customer_id = (SELECT tk.customer_id FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id),
            NEW.subject_lower = (SELECT tk.subject_lower FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id),
            NEW.reason = (SELECT tk.reason FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id);
    END IF;
END

--bun:split

--ticketkit:unless-trigger {{.Prefix}}complaints {{.Prefix}}complaints_copy_update
CREATE TRIGGER {{.Prefix}}complaints_copy_update BEFORE UPDATE ON {{.Prefix}}complaints FOR EACH ROW
BEGIN
    IF NOT (OLD.status <=> NEW.status AND OLD.priority <=> NEW.priority AND OLD.customer_id <=> NEW.customer_id
            AND OLD.subject_lower <=> NEW.subject_lower AND OLD.reason <=> NEW.reason)
        AND EXISTS (SELECT 1 FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id) THEN
        SET NEW.status = (SELECT tk.status FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id),
            NEW.priority = (SELECT tk.priority FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id),
            NEW.customer_id = (SELECT tk.customer_id FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id),
            NEW.subject_lower = (SELECT tk.subject_lower FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id),
            NEW.reason = (SELECT tk.reason FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id);
    END IF;
END

--bun:split

--ticketkit:unless-trigger {{.Prefix}}tickets {{.Prefix}}tickets_complaint_copy
CREATE TRIGGER {{.Prefix}}tickets_complaint_copy AFTER UPDATE ON {{.Prefix}}tickets FOR EACH ROW
BEGIN
    IF NEW.kind = 'complaint' AND NOT (OLD.status <=> NEW.status AND OLD.priority <=> NEW.priority
            AND OLD.customer_id <=> NEW.customer_id AND OLD.subject_lower <=> NEW.subject_lower AND OLD.reason <=> NEW.reason) THEN
        UPDATE {{.Prefix}}complaints SET status = NEW.status, priority = NEW.priority,
            customer_id = NEW.customer_id, subject_lower = NEW.subject_lower, reason = NEW.reason
        WHERE ticket_id = NEW.id AND tenant_id = NEW.tenant_id;
    END IF;
END

--bun:split

UPDATE {{.Prefix}}complaints AS c JOIN {{.Prefix}}tickets AS t ON t.id = c.ticket_id AND t.tenant_id = c.tenant_id SET
    c.status = t.status, c.priority = t.priority, c.customer_id = t.customer_id, c.subject_lower = t.subject_lower, c.reason = t.reason
WHERE NOT (c.status <=> t.status AND c.priority <=> t.priority AND c.customer_id <=> t.customer_id
    AND c.subject_lower <=> t.subject_lower AND c.reason <=> t.reason);

--bun:split

--ticketkit:unless-index {{.Prefix}}complaints {{.Prefix}}complaints_status_idx
CREATE INDEX {{.Prefix}}complaints_status_idx ON {{.Prefix}}complaints (tenant_id, status, issued_at, ticket_id);

--bun:split

--ticketkit:unless-index {{.Prefix}}complaints {{.Prefix}}complaints_priority_idx
CREATE INDEX {{.Prefix}}complaints_priority_idx ON {{.Prefix}}complaints (tenant_id, priority, issued_at, ticket_id);

--bun:split

--ticketkit:unless-index {{.Prefix}}complaints {{.Prefix}}complaints_customer_idx
CREATE INDEX {{.Prefix}}complaints_customer_idx ON {{.Prefix}}complaints (tenant_id, customer_id, issued_at, ticket_id);

--bun:split

--ticketkit:unless-index {{.Prefix}}complaints {{.Prefix}}complaints_issued_cover_idx
-- The date index with the amount (MySQL has no INCLUDE, and a TEXT
-- subject cannot be a key part whole): an amount range walks it in page
-- order and checks each amount without reading the table.
CREATE INDEX {{.Prefix}}complaints_issued_cover_idx ON {{.Prefix}}complaints (tenant_id, issued_at, ticket_id, amount);
