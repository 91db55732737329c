DROP TABLE IF EXISTS {{.Prefix}}ratings;
