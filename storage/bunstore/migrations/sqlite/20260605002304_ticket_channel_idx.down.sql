DROP INDEX IF EXISTS {{.Prefix}}tickets_channel_idx;
