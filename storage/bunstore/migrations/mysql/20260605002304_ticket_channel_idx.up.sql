--ticketkit:unless-index {{.Prefix}}tickets {{.Prefix}}tickets_channel_idx
-- Searches and reports filter tickets by channel (SearchParams.Channels):
-- an index that starts with the tenant and reads rows in page order, like
-- the other filter columns. {{.Prefix}} is the table prefix.
CREATE INDEX {{.Prefix}}tickets_channel_idx ON {{.Prefix}}tickets (tenant_id, channel, created_at, id);
