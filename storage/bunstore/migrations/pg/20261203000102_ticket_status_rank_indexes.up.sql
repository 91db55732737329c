--ticketkit:unless-index {{.Prefix}}tickets {{.Prefix}}tickets_dept_srank_idx
-- Indexes (tenant, filter, status_rank, id) for a department's or an
-- assignee's tickets sorted by status in the catalog's order (and a
-- status filter on them, as a range of status_rank): the page is read
-- in order, where the tenant's srank index skipped the other
-- departments' and assignees' tickets one row at a time (see
-- BENCHMARKS.md, "Sorted searches"). {{.Prefix}} is the table prefix.
CREATE INDEX {{.Prefix}}tickets_dept_srank_idx ON {{.Prefix}}tickets (tenant_id, department, status_rank, id);

--bun:split

--ticketkit:unless-index {{.Prefix}}tickets {{.Prefix}}tickets_assignee_srank_idx
CREATE INDEX {{.Prefix}}tickets_assignee_srank_idx ON {{.Prefix}}tickets (tenant_id, assignee, status_rank, id);

--bun:split

--ticketkit:unless-index {{.Prefix}}tickets {{.Prefix}}tickets_queue_prank_idx
-- An assignee's queue, one page per status merged (bunstore's
-- queueSplit): by priority rank and oldest or newest first.
CREATE INDEX {{.Prefix}}tickets_queue_prank_idx ON {{.Prefix}}tickets (tenant_id, assignee, status, priority_rank, id);

--bun:split

--ticketkit:unless-index {{.Prefix}}tickets {{.Prefix}}tickets_queue_created_idx
CREATE INDEX {{.Prefix}}tickets_queue_created_idx ON {{.Prefix}}tickets (tenant_id, assignee, status, created_at, id);

--bun:split

--ticketkit:unless-index {{.Prefix}}tickets {{.Prefix}}tickets_number_created_idx
-- A number prefix sorted by creation: the page's IDs from the index
-- alone (bunstore's prefixByCreation).
CREATE INDEX {{.Prefix}}tickets_number_created_idx ON {{.Prefix}}tickets (tenant_id, number, created_at, id);

--bun:split

--ticketkit:unless-index {{.Prefix}}tickets {{.Prefix}}tickets_dept_status_prank_idx
-- A department's tickets of several statuses by priority rank, one page
-- per status merged (bunstore's queueSplit).
CREATE INDEX {{.Prefix}}tickets_dept_status_prank_idx ON {{.Prefix}}tickets (tenant_id, department, status, priority_rank, id);
