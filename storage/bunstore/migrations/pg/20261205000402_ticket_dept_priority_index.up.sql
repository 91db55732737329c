--ticketkit:unless-index {{.Prefix}}tickets {{.Prefix}}tickets_dept_priority_idx
-- A department's tickets of one priority, newest or oldest first, with
-- filters the index cannot check (a word common in the tenant, a
-- status): read in the page's order from the department's and the
-- priority's tickets only, where the department's (or the priority's)
-- index read the other priorities' (departments') tickets too, each
-- fetched to be rejected (see BENCHMARKS.md, "Session 9 re-measure and
-- residual shapes"). {{.Prefix}} is the table prefix.
CREATE INDEX {{.Prefix}}tickets_dept_priority_idx ON {{.Prefix}}tickets (tenant_id, department, priority, created_at, id);
