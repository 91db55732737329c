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

--ticketkit:if-column {{.Prefix}}complaints reason
ALTER TABLE {{.Prefix}}complaints DROP COLUMN reason;

--bun:split

--ticketkit:if-column {{.Prefix}}complaints severity
ALTER TABLE {{.Prefix}}complaints DROP COLUMN severity;

--bun:split

--ticketkit:if-column {{.Prefix}}complaints counterparty
ALTER TABLE {{.Prefix}}complaints DROP COLUMN counterparty;

--bun:split

--ticketkit:if-column {{.Prefix}}complaints business_unit
ALTER TABLE {{.Prefix}}complaints DROP COLUMN business_unit;

--bun:split

--ticketkit:if-column {{.Prefix}}complaints employee
ALTER TABLE {{.Prefix}}complaints DROP COLUMN employee;

--bun:split

--ticketkit:if-column {{.Prefix}}complaints salesperson
ALTER TABLE {{.Prefix}}complaints DROP COLUMN salesperson;

--bun:split

--ticketkit:if-column {{.Prefix}}complaints source_kind
ALTER TABLE {{.Prefix}}complaints DROP COLUMN source_kind;

--bun:split

--ticketkit:if-column {{.Prefix}}complaints source_id
ALTER TABLE {{.Prefix}}complaints DROP COLUMN source_id;
