--ticketkit:unless-column {{.Prefix}}tickets priority_rank
-- Sort keys the database orders by directly (ticket.SortKeys and
-- ticket.SLAState.DueKey): the priority's rank and the status's and
-- category's positions in the tenant's catalog, which the Desk writes with
-- every ticket, and the SLA due time in Unix microseconds (the largest
-- bigint when no target runs). Tickets stored before this migration hold
-- the rank -1000 ("not ranked yet", never a catalog position) and "no due
-- time" until ticketkit's Desk.RerankTickets rewrites them; while a tenant
-- has such tickets, TicketList does not narrow a search by a range of
-- ranks (storage.TicketListParams.SortRanks), so none is missed.
-- The indexes serve the sorts on a tenant, alone or with the filters
-- agents combine with them (see BENCHMARKS.md, "Sorted searches").
-- {{.Prefix}} is the table prefix.
ALTER TABLE {{.Prefix}}tickets ADD COLUMN priority_rank integer NOT NULL DEFAULT -1000;

--bun:split

--ticketkit:unless-column {{.Prefix}}tickets status_rank
ALTER TABLE {{.Prefix}}tickets ADD COLUMN status_rank integer NOT NULL DEFAULT -1000;

--bun:split

--ticketkit:unless-column {{.Prefix}}tickets category_rank
ALTER TABLE {{.Prefix}}tickets ADD COLUMN category_rank integer NOT NULL DEFAULT -1000;

--bun:split

--ticketkit:unless-column {{.Prefix}}tickets sla_due
ALTER TABLE {{.Prefix}}tickets ADD COLUMN sla_due bigint NOT NULL DEFAULT 9223372036854775807;

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_prank_idx ON {{.Prefix}}tickets (tenant_id, priority_rank, id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_srank_idx ON {{.Prefix}}tickets (tenant_id, status_rank, id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_crank_idx ON {{.Prefix}}tickets (tenant_id, category_rank, id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_due_idx ON {{.Prefix}}tickets (tenant_id, sla_due, id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_dept_prank_idx ON {{.Prefix}}tickets (tenant_id, department, priority_rank, id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_assignee_prank_idx ON {{.Prefix}}tickets (tenant_id, assignee, priority_rank, id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_assignee_due_idx ON {{.Prefix}}tickets (tenant_id, assignee, sla_due, id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_dept_updated_idx ON {{.Prefix}}tickets (tenant_id, department, updated_at, id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_assignee_status_idx ON {{.Prefix}}tickets (tenant_id, assignee, status);
