DROP TABLE IF EXISTS {{.Prefix}}tenant_configs;
