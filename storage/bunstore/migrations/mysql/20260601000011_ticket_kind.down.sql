--ticketkit:if-column {{.Prefix}}tickets kind
ALTER TABLE {{.Prefix}}tickets DROP COLUMN kind;
