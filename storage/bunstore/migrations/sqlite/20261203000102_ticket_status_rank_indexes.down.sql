DROP INDEX IF EXISTS {{.Prefix}}tickets_dept_status_prank_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}tickets_number_created_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}tickets_queue_created_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}tickets_queue_prank_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}tickets_assignee_srank_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}tickets_dept_srank_idx;
