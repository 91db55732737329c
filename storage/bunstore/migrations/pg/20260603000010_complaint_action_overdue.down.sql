DROP INDEX IF EXISTS {{.Prefix}}complaints_action_due_idx;

--bun:split

ALTER TABLE {{.Prefix}}complaints
    DROP COLUMN IF EXISTS next_action_due_at,
    DROP COLUMN IF EXISTS action_marks;
