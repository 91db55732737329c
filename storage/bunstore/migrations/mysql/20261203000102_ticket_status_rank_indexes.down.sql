--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_dept_status_prank_idx
DROP INDEX {{.Prefix}}tickets_dept_status_prank_idx ON {{.Prefix}}tickets;

--bun:split

--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_number_created_idx
DROP INDEX {{.Prefix}}tickets_number_created_idx ON {{.Prefix}}tickets;

--bun:split

--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_queue_created_idx
DROP INDEX {{.Prefix}}tickets_queue_created_idx ON {{.Prefix}}tickets;

--bun:split

--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_queue_prank_idx
DROP INDEX {{.Prefix}}tickets_queue_prank_idx ON {{.Prefix}}tickets;

--bun:split

--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_assignee_srank_idx
DROP INDEX {{.Prefix}}tickets_assignee_srank_idx ON {{.Prefix}}tickets;

--bun:split

--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_dept_srank_idx
DROP INDEX {{.Prefix}}tickets_dept_srank_idx ON {{.Prefix}}tickets;
