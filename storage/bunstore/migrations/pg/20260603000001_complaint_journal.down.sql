DROP INDEX IF EXISTS {{.Prefix}}complaints_reason_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}complaints_severity_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}complaints_counterparty_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}complaints_unit_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}complaints_employee_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}complaints_salesperson_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}complaints_source_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}complaints_amount_idx;

--bun:split

ALTER TABLE {{.Prefix}}complaints DROP COLUMN IF EXISTS reason, DROP COLUMN IF EXISTS severity,
    DROP COLUMN IF EXISTS counterparty, DROP COLUMN IF EXISTS business_unit, DROP COLUMN IF EXISTS employee,
    DROP COLUMN IF EXISTS salesperson, DROP COLUMN IF EXISTS source_kind, DROP COLUMN IF EXISTS source_id;
