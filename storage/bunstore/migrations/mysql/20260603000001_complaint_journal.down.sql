--ticketkit:if-index {{.Prefix}}complaints {{.Prefix}}complaints_reason_idx
DROP INDEX {{.Prefix}}complaints_reason_idx ON {{.Prefix}}complaints;

--bun:split

--ticketkit:if-index {{.Prefix}}complaints {{.Prefix}}complaints_severity_idx
DROP INDEX {{.Prefix}}complaints_severity_idx ON {{.Prefix}}complaints;

--bun:split

--ticketkit:if-index {{.Prefix}}complaints {{.Prefix}}complaints_counterparty_idx
DROP INDEX {{.Prefix}}complaints_counterparty_idx ON {{.Prefix}}complaints;

--bun:split

--ticketkit:if-index {{.Prefix}}complaints {{.Prefix}}complaints_unit_idx
DROP INDEX {{.Prefix}}complaints_unit_idx ON {{.Prefix}}complaints;

--bun:split

--ticketkit:if-index {{.Prefix}}complaints {{.Prefix}}complaints_employee_idx
DROP INDEX {{.Prefix}}complaints_employee_idx ON {{.Prefix}}complaints;

--bun:split

--ticketkit:if-index {{.Prefix}}complaints {{.Prefix}}complaints_salesperson_idx
DROP INDEX {{.Prefix}}complaints_salesperson_idx ON {{.Prefix}}complaints;

--bun:split

--ticketkit:if-index {{.Prefix}}complaints {{.Prefix}}complaints_source_idx
DROP INDEX {{.Prefix}}complaints_source_idx ON {{.Prefix}}complaints;

--bun:split

--ticketkit:if-index {{.Prefix}}complaints {{.Prefix}}complaints_amount_idx
DROP INDEX {{.Prefix}}complaints_amount_idx ON {{.Prefix}}complaints;

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
