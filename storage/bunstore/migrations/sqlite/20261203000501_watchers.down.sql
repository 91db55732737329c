DROP TABLE IF EXISTS {{.Prefix}}watchers;
