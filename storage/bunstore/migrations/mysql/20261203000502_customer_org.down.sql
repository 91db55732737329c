--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_customer_org_idx
DROP INDEX {{.Prefix}}tickets_customer_org_idx ON {{.Prefix}}tickets;

--bun:split

--ticketkit:if-column {{.Prefix}}tickets customer_org
ALTER TABLE {{.Prefix}}tickets DROP COLUMN customer_org;
