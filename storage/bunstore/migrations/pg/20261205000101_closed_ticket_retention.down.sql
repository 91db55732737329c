DROP INDEX IF EXISTS {{.Prefix}}tickets_closed_idx;
