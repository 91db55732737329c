--ticketkit:unless-column {{.Prefix}}complaints reason
-- The complaint journal (storage.ComplaintFilter) filters on values of the
-- complaint section: copies of them become columns, filled from the
-- details JSON for the complaints stored before, each with an index that
-- starts with the tenant and reads rows in page order (date of issue).
-- Status, priority, customer and subject filters use the tickets table's
-- own indexes. The claimed amount is TEXT on SQLite, which no index
-- orders by value: SQLite checks amount ranges row by row.
-- {{.Prefix}} is the table prefix.
ALTER TABLE {{.Prefix}}complaints ADD COLUMN reason text NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints severity
ALTER TABLE {{.Prefix}}complaints ADD COLUMN severity text NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints counterparty
ALTER TABLE {{.Prefix}}complaints ADD COLUMN counterparty text NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints business_unit
ALTER TABLE {{.Prefix}}complaints ADD COLUMN business_unit text NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints employee
ALTER TABLE {{.Prefix}}complaints ADD COLUMN employee text NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints salesperson
ALTER TABLE {{.Prefix}}complaints ADD COLUMN salesperson text NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints source_kind
ALTER TABLE {{.Prefix}}complaints ADD COLUMN source_kind text NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints source_id
ALTER TABLE {{.Prefix}}complaints ADD COLUMN source_id text NOT NULL DEFAULT '';

--bun:split

UPDATE {{.Prefix}}complaints SET
    reason        = coalesce((SELECT t.reason FROM {{.Prefix}}tickets AS t WHERE t.id = {{.Prefix}}complaints.ticket_id), ''),
    severity      = coalesce(json_extract(details, '$.severity'), ''),
    counterparty  = coalesce(json_extract(details, '$.accounting.counterparty'), ''),
    business_unit = coalesce(json_extract(details, '$.responsibility.business_unit'), ''),
    employee      = coalesce(json_extract(details, '$.responsibility.employee'), ''),
    salesperson   = coalesce(json_extract(details, '$.responsibility.salesperson'), ''),
    source_kind   = coalesce(json_extract(details, '$.source.kind'), ''),
    source_id     = coalesce(json_extract(details, '$.source.id'), '');

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

