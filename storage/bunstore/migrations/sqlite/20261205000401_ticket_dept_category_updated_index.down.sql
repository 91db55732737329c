DROP INDEX IF EXISTS {{.Prefix}}tickets_dept_cat_updated_idx;
