-- The "action overdue" sweep (storage.ComplaintOverdueStore): per
-- complaint, the overdue marks of its actions (action ID -> the due date
-- whose notice was sent, JSON; '' for none) and the earliest due date of
-- its open unmarked actions, NULL when none, with a partial index the
-- sweep claims from. The complaints stored before get that date from
-- their tickets' actions: their open actions already past due are
-- announced once by the first sweep. {{.Prefix}} is the table prefix.
ALTER TABLE {{.Prefix}}complaints
    ADD COLUMN IF NOT EXISTS next_action_due_at timestamptz,
    ADD COLUMN IF NOT EXISTS action_marks       text NOT NULL DEFAULT '';

--bun:split

UPDATE {{.Prefix}}complaints AS c SET next_action_due_at = (
    SELECT min((a->>'due_at')::timestamptz)
    FROM {{.Prefix}}tickets AS t,
         jsonb_array_elements(CASE WHEN jsonb_typeof(t.actions) = 'array' THEN t.actions ELSE '[]'::jsonb END) AS a
    WHERE t.id = c.ticket_id
      AND coalesce(a->>'due_at', '') <> ''
      AND NOT coalesce((a->>'done')::boolean, false))
WHERE NOT c.posted AND c.next_action_due_at IS NULL;

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_action_due_idx ON {{.Prefix}}complaints (next_action_due_at, ticket_id)
    WHERE next_action_due_at IS NOT NULL;
