DROP INDEX IF EXISTS {{.Prefix}}tickets_dept_priority_idx;
