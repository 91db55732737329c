DROP INDEX IF EXISTS {{.Prefix}}complaints_action_due_idx;

--bun:split

--ticketkit:if-column {{.Prefix}}complaints next_action_due_at
ALTER TABLE {{.Prefix}}complaints DROP COLUMN next_action_due_at;

--bun:split

--ticketkit:if-column {{.Prefix}}complaints action_marks
ALTER TABLE {{.Prefix}}complaints DROP COLUMN action_marks;
