DROP TABLE IF EXISTS {{.Prefix}}presence;
