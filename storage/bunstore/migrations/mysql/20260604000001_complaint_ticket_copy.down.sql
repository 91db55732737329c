DROP TRIGGER IF EXISTS {{.Prefix}}tickets_complaint_copy;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}complaints_copy_update;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}complaints_copy_ticket;

--bun:split

--ticketkit:if-index {{.Prefix}}complaints {{.Prefix}}complaints_status_idx
DROP INDEX {{.Prefix}}complaints_status_idx ON {{.Prefix}}complaints;

--bun:split

--ticketkit:if-index {{.Prefix}}complaints {{.Prefix}}complaints_priority_idx
DROP INDEX {{.Prefix}}complaints_priority_idx ON {{.Prefix}}complaints;

--bun:split

--ticketkit:if-index {{.Prefix}}complaints {{.Prefix}}complaints_customer_idx
DROP INDEX {{.Prefix}}complaints_customer_idx ON {{.Prefix}}complaints;

--bun:split

--ticketkit:if-index {{.Prefix}}complaints {{.Prefix}}complaints_issued_cover_idx
DROP INDEX {{.Prefix}}complaints_issued_cover_idx ON {{.Prefix}}complaints;

--bun:split

--ticketkit:if-column {{.Prefix}}complaints status
ALTER TABLE {{.Prefix}}complaints DROP COLUMN status;

--bun:split

--ticketkit:if-column {{.Prefix}}complaints priority
ALTER TABLE {{.Prefix}}complaints DROP COLUMN priority;

--bun:split

--ticketkit:if-column {{.Prefix}}complaints customer_id
ALTER TABLE {{.Prefix}}complaints DROP COLUMN customer_id;

--bun:split

--ticketkit:if-column {{.Prefix}}complaints subject_lower
ALTER TABLE {{.Prefix}}complaints DROP COLUMN subject_lower;
