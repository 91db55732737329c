DROP TRIGGER IF EXISTS {{.Prefix}}tickets_complaint_copy ON {{.Prefix}}tickets;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}complaints_copy_ticket ON {{.Prefix}}complaints;

--bun:split

DROP FUNCTION IF EXISTS {{.Prefix}}complaints_copy_ticket();

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}complaints_status_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}complaints_priority_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}complaints_customer_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}complaints_issued_cover_idx;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}complaints_subject_trgm_idx;

--bun:split

ALTER TABLE {{.Prefix}}complaints DROP COLUMN IF EXISTS status, DROP COLUMN IF EXISTS priority,
    DROP COLUMN IF EXISTS customer_id, DROP COLUMN IF EXISTS subject_lower;
