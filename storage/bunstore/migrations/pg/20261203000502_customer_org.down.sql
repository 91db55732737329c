--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_customer_org_idx
DROP INDEX IF EXISTS {{.Prefix}}tickets_customer_org_idx;

--bun:split

--ticketkit:if-column {{.Prefix}}tickets customer_org
ALTER TABLE {{.Prefix}}tickets DROP COLUMN customer_org;
