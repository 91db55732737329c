--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_dept_priority_idx
DROP INDEX {{.Prefix}}tickets_dept_priority_idx ON {{.Prefix}}tickets;
