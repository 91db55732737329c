--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_closed_idx
DROP INDEX {{.Prefix}}tickets_closed_idx ON {{.Prefix}}tickets;
