--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_channel_idx
DROP INDEX {{.Prefix}}tickets_channel_idx ON {{.Prefix}}tickets;
