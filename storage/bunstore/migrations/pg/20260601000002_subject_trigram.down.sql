-- The pg_trgm extension stays: other tables of the database may use it.
DROP INDEX IF EXISTS {{.Prefix}}tickets_subject_trgm_idx;
