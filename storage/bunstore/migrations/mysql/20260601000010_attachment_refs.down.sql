DROP TABLE IF EXISTS {{.Prefix}}attachment_refs;
