DROP TRIGGER IF EXISTS {{.Prefix}}tickets_complaint_copy;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}complaints_copy_update;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}complaints_copy_ticket;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}complaints_status_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}complaints_priority_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}complaints_customer_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}complaints_issued_cover_idx;

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
