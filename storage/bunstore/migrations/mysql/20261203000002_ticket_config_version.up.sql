--ticketkit:unless-column {{.Prefix}}tickets config_version
-- The version of its tenant's configuration (tenant_configs) each ticket
-- was last changed under (ticket.Ticket.ConfigVersion); 0 for the host's
-- default configuration and for tickets stored before this migration.
-- {{.Prefix}} is the table prefix.
ALTER TABLE {{.Prefix}}tickets ADD COLUMN config_version BIGINT NOT NULL DEFAULT 0;
