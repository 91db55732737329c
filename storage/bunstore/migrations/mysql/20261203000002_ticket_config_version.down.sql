--ticketkit:if-column {{.Prefix}}tickets config_version
ALTER TABLE {{.Prefix}}tickets DROP COLUMN config_version;
