DROP INDEX IF EXISTS {{.Prefix}}tickets_assignee_status_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}tickets_prank_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}tickets_srank_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}tickets_crank_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}tickets_due_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}tickets_dept_prank_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}tickets_assignee_prank_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}tickets_assignee_due_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}tickets_dept_updated_idx;

--bun:split

--ticketkit:if-column {{.Prefix}}tickets priority_rank
ALTER TABLE {{.Prefix}}tickets DROP COLUMN priority_rank;

--bun:split

--ticketkit:if-column {{.Prefix}}tickets status_rank
ALTER TABLE {{.Prefix}}tickets DROP COLUMN status_rank;

--bun:split

--ticketkit:if-column {{.Prefix}}tickets category_rank
ALTER TABLE {{.Prefix}}tickets DROP COLUMN category_rank;

--bun:split

--ticketkit:if-column {{.Prefix}}tickets sla_due
ALTER TABLE {{.Prefix}}tickets DROP COLUMN sla_due;
