--ticketkit:unless-column {{.Prefix}}complaints next_action_due_at
-- The "action overdue" sweep (storage.ComplaintOverdueStore): per
-- complaint, the overdue marks of its actions (action ID -> the due date
-- whose notice was sent, JSON; '' for none) and the earliest due date of
-- its open unmarked actions, NULL when none, with a partial index the
-- sweep claims from. The complaints stored before get that date from
-- their tickets' actions, to the second below it (a sweep that claims a
-- complaint before its first action is due marks nothing and corrects
-- the date): their open actions already past due are announced once by
-- the first sweep. {{.Prefix}} is the table prefix.
ALTER TABLE {{.Prefix}}complaints ADD COLUMN next_action_due_at text;

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints action_marks
ALTER TABLE {{.Prefix}}complaints ADD COLUMN action_marks text NOT NULL DEFAULT '';

--bun:split

UPDATE {{.Prefix}}complaints SET next_action_due_at = (
    SELECT strftime('%Y-%m-%d %H:%M:%S', min(julianday(json_extract(a.value, '$.due_at')))) || '+00:00'
    FROM {{.Prefix}}tickets AS t, json_each(t.actions) AS a
    WHERE t.id = {{.Prefix}}complaints.ticket_id
      AND coalesce(json_extract(a.value, '$.due_at'), '') <> ''
      AND NOT coalesce(json_extract(a.value, '$.done'), 0))
WHERE posted = 0 AND next_action_due_at IS NULL;

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_action_due_idx ON {{.Prefix}}complaints (next_action_due_at, ticket_id)
    WHERE next_action_due_at IS NOT NULL;
