--ticketkit:unless-column {{.Prefix}}complaints next_action_due_at
-- The "action overdue" sweep (storage.ComplaintOverdueStore): per
-- complaint, the overdue marks of its actions (action ID -> the due date
-- whose notice was sent, JSON; '' for none) and the earliest due date of
-- its open unmarked actions, NULL when none, with an index the sweep
-- claims from (NULLs sort first, out of the range it reads). The
-- complaints stored before get that date from their tickets' actions:
-- their open actions already past due are announced once by the first
-- sweep. {{.Prefix}} is the table prefix.
ALTER TABLE {{.Prefix}}complaints ADD COLUMN next_action_due_at DATETIME(6) NULL;

--bun:split

--ticketkit:unless-column {{.Prefix}}complaints action_marks
ALTER TABLE {{.Prefix}}complaints ADD COLUMN action_marks LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT ('');

--bun:split

UPDATE {{.Prefix}}complaints AS c SET c.next_action_due_at = (
    SELECT min(CAST(REPLACE(REPLACE(LEFT(a.due_at, 26), 'T', ' '), 'Z', '') AS DATETIME(6)))
    FROM {{.Prefix}}tickets AS t,
         JSON_TABLE(IF(JSON_TYPE(t.actions) = 'ARRAY', t.actions, '[]'), '$[*]'
             COLUMNS (due_at VARCHAR(64) PATH '$.due_at', done VARCHAR(8) PATH '$.done')) AS a
    WHERE t.id = c.ticket_id
      AND coalesce(a.due_at, '') <> ''
      AND coalesce(a.done, 'false') <> 'true')
WHERE NOT c.posted AND c.next_action_due_at IS NULL;

--bun:split

--ticketkit:unless-index {{.Prefix}}complaints {{.Prefix}}complaints_action_due_idx
CREATE INDEX {{.Prefix}}complaints_action_due_idx ON {{.Prefix}}complaints (next_action_due_at, ticket_id);
