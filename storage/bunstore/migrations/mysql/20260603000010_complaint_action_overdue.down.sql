--ticketkit:if-index {{.Prefix}}complaints {{.Prefix}}complaints_action_due_idx
DROP INDEX {{.Prefix}}complaints_action_due_idx ON {{.Prefix}}complaints;

--bun:split

--ticketkit:if-column {{.Prefix}}complaints next_action_due_at
ALTER TABLE {{.Prefix}}complaints DROP COLUMN next_action_due_at;

--bun:split

--ticketkit:if-column {{.Prefix}}complaints action_marks
ALTER TABLE {{.Prefix}}complaints DROP COLUMN action_marks;
