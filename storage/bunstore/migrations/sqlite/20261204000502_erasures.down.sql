DROP TABLE IF EXISTS {{.Prefix}}erasures;
