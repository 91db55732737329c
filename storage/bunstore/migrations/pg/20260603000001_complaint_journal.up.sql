-- The complaint journal (storage.ComplaintFilter) filters on values of the
-- complaint section: copies of them become columns, filled from the
-- details JSON for the complaints stored before, each with an index that
-- starts with the tenant and reads rows in page order (date of issue).
-- Status, priority, customer and subject filters use the tickets table's
-- own indexes. {{.Prefix}} is the table prefix.
ALTER TABLE {{.Prefix}}complaints
    ADD COLUMN IF NOT EXISTS reason        text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS severity      text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS counterparty  text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS business_unit text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS employee      text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS salesperson   text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS source_kind   text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS source_id     text COLLATE "C" NOT NULL DEFAULT '';

--bun:split

UPDATE {{.Prefix}}complaints AS c SET
    reason        = t.reason,
    severity      = coalesce(c.details->>'severity', ''),
    counterparty  = coalesce(c.details->'accounting'->>'counterparty', ''),
    business_unit = coalesce(c.details->'responsibility'->>'business_unit', ''),
    employee      = coalesce(c.details->'responsibility'->>'employee', ''),
    salesperson   = coalesce(c.details->'responsibility'->>'salesperson', ''),
    source_kind   = coalesce(c.details->'source'->>'kind', ''),
    source_id     = coalesce(c.details->'source'->>'id', '')
FROM {{.Prefix}}tickets AS t WHERE t.id = c.ticket_id;

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_reason_idx ON {{.Prefix}}complaints (tenant_id, reason, issued_at, ticket_id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_severity_idx ON {{.Prefix}}complaints (tenant_id, severity, issued_at, ticket_id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_counterparty_idx ON {{.Prefix}}complaints (tenant_id, counterparty, issued_at, ticket_id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_unit_idx ON {{.Prefix}}complaints (tenant_id, business_unit, issued_at, ticket_id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_employee_idx ON {{.Prefix}}complaints (tenant_id, employee, issued_at, ticket_id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_salesperson_idx ON {{.Prefix}}complaints (tenant_id, salesperson, issued_at, ticket_id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_source_idx ON {{.Prefix}}complaints (tenant_id, source_id, source_kind);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_amount_idx ON {{.Prefix}}complaints (tenant_id, amount, ticket_id);
