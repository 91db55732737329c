DROP TABLE IF EXISTS {{.Prefix}}links;

--bun:split

--ticketkit:if-column {{.Prefix}}tickets merged_into
ALTER TABLE {{.Prefix}}tickets DROP COLUMN merged_into;
