--ticketkit:unless-index {{.Prefix}}tickets {{.Prefix}}tickets_dept_cat_updated_idx
-- A department's tickets of one category sorted by last update, with or
-- without a creation range: the page's IDs are read from this covering
-- index alone (bunstore's idsFromIndex), in order, the range checked on
-- the index entries, so the tickets created outside it are skipped as
-- index entries, never fetched (see BENCHMARKS.md, "Session 9 re-measure
-- and residual shapes"). {{.Prefix}} is the table prefix.
CREATE INDEX {{.Prefix}}tickets_dept_cat_updated_idx ON {{.Prefix}}tickets (tenant_id, department, category, updated_at, id, created_at);
