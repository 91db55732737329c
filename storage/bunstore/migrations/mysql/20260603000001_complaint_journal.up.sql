--ticketkit:unless-column {{.Prefix}}complaints reason
-- The complaint journal (storage.ComplaintFilter) filters on values of the
-- complaint section: copies of them become columns, filled from the
-- details JSON for the complaints stored before, each with an index that
-- starts with the tenant and reads rows in page order (date of issue).
-- Each column and index is added only while missing (MySQL 8 has no ADD
-- COLUMN IF NOT EXISTS nor CREATE INDEX IF NOT EXISTS), so the migration
-- can run again. {{.Prefix}} is the table prefix.
ALTER TABLE {{.Prefix}}complaints ADD COLUMN reason VARBINARY(255) NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints severity
ALTER TABLE {{.Prefix}}complaints ADD COLUMN severity VARBINARY(255) NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints counterparty
ALTER TABLE {{.Prefix}}complaints ADD COLUMN counterparty VARBINARY(800) NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints business_unit
ALTER TABLE {{.Prefix}}complaints ADD COLUMN business_unit VARBINARY(800) NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints employee
ALTER TABLE {{.Prefix}}complaints ADD COLUMN employee VARBINARY(800) NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints salesperson
ALTER TABLE {{.Prefix}}complaints ADD COLUMN salesperson VARBINARY(800) NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints source_kind
ALTER TABLE {{.Prefix}}complaints ADD COLUMN source_kind VARBINARY(255) NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints source_id
ALTER TABLE {{.Prefix}}complaints ADD COLUMN source_id VARBINARY(800) NOT NULL DEFAULT '';

--bun:split

UPDATE {{.Prefix}}complaints AS c JOIN {{.Prefix}}tickets AS t ON t.id = c.ticket_id SET
    c.reason        = t.reason,
    c.severity      = coalesce(JSON_UNQUOTE(JSON_EXTRACT(c.details, '$.severity')), ''),
    c.counterparty  = coalesce(JSON_UNQUOTE(JSON_EXTRACT(c.details, '$.accounting.counterparty')), ''),
    c.business_unit = coalesce(JSON_UNQUOTE(JSON_EXTRACT(c.details, '$.responsibility.business_unit')), ''),
    c.employee      = coalesce(JSON_UNQUOTE(JSON_EXTRACT(c.details, '$.responsibility.employee')), ''),
    c.salesperson   = coalesce(JSON_UNQUOTE(JSON_EXTRACT(c.details, '$.responsibility.salesperson')), ''),
    c.source_kind   = coalesce(JSON_UNQUOTE(JSON_EXTRACT(c.details, '$.source.kind')), ''),
    c.source_id     = coalesce(JSON_UNQUOTE(JSON_EXTRACT(c.details, '$.source.id')), '');

--bun:split

--ticketkit:unless-index {{.Prefix}}complaints {{.Prefix}}complaints_reason_idx
CREATE INDEX {{.Prefix}}complaints_reason_idx ON {{.Prefix}}complaints (tenant_id, reason, issued_at, ticket_id);

--bun:split

--ticketkit:unless-index {{.Prefix}}complaints {{.Prefix}}complaints_severity_idx
CREATE INDEX {{.Prefix}}complaints_severity_idx ON {{.Prefix}}complaints (tenant_id, severity, issued_at, ticket_id);

--bun:split

--ticketkit:unless-index {{.Prefix}}complaints {{.Prefix}}complaints_counterparty_idx
CREATE INDEX {{.Prefix}}complaints_counterparty_idx ON {{.Prefix}}complaints (tenant_id, counterparty, issued_at, ticket_id);

--bun:split

--ticketkit:unless-index {{.Prefix}}complaints {{.Prefix}}complaints_unit_idx
CREATE INDEX {{.Prefix}}complaints_unit_idx ON {{.Prefix}}complaints (tenant_id, business_unit, issued_at, ticket_id);

--bun:split

--ticketkit:unless-index {{.Prefix}}complaints {{.Prefix}}complaints_employee_idx
CREATE INDEX {{.Prefix}}complaints_employee_idx ON {{.Prefix}}complaints (tenant_id, employee, issued_at, ticket_id);

--bun:split

--ticketkit:unless-index {{.Prefix}}complaints {{.Prefix}}complaints_salesperson_idx
CREATE INDEX {{.Prefix}}complaints_salesperson_idx ON {{.Prefix}}complaints (tenant_id, salesperson, issued_at, ticket_id);

--bun:split

--ticketkit:unless-index {{.Prefix}}complaints {{.Prefix}}complaints_source_idx
CREATE INDEX {{.Prefix}}complaints_source_idx ON {{.Prefix}}complaints (tenant_id, source_id, source_kind);

--bun:split

--ticketkit:unless-index {{.Prefix}}complaints {{.Prefix}}complaints_amount_idx
CREATE INDEX {{.Prefix}}complaints_amount_idx ON {{.Prefix}}complaints (tenant_id, amount, ticket_id);
