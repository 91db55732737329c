--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_assignee_status_idx
DROP INDEX {{.Prefix}}tickets_assignee_status_idx ON {{.Prefix}}tickets;

--bun:split

--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_prank_idx
DROP INDEX {{.Prefix}}tickets_prank_idx ON {{.Prefix}}tickets;

--bun:split

--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_srank_idx
DROP INDEX {{.Prefix}}tickets_srank_idx ON {{.Prefix}}tickets;

--bun:split

--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_crank_idx
DROP INDEX {{.Prefix}}tickets_crank_idx ON {{.Prefix}}tickets;

--bun:split

--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_due_idx
DROP INDEX {{.Prefix}}tickets_due_idx ON {{.Prefix}}tickets;

--bun:split

--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_dept_prank_idx
DROP INDEX {{.Prefix}}tickets_dept_prank_idx ON {{.Prefix}}tickets;

--bun:split

--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_assignee_prank_idx
DROP INDEX {{.Prefix}}tickets_assignee_prank_idx ON {{.Prefix}}tickets;

--bun:split

--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_assignee_due_idx
DROP INDEX {{.Prefix}}tickets_assignee_due_idx ON {{.Prefix}}tickets;

--bun:split

--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_dept_updated_idx
DROP INDEX {{.Prefix}}tickets_dept_updated_idx ON {{.Prefix}}tickets;

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
