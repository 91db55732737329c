-- The MySQL tickets table never had the sla columns: dropping the table
-- loses the SLA states, as the tickets have nowhere to keep them.
DROP TABLE IF EXISTS {{.Prefix}}ticket_sla;
