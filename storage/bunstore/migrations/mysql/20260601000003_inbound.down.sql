DROP TABLE IF EXISTS {{.Prefix}}inbound;
