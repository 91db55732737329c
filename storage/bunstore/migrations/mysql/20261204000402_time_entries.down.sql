DROP TABLE IF EXISTS {{.Prefix}}time_entries;
