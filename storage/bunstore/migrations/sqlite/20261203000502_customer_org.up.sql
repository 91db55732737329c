--ticketkit:unless-column {{.Prefix}}tickets customer_org
-- The organisation of a ticket's customer (ticket.Customer.OrganisationID,
-- supplied by the host), '' for none: a column of its own for the
-- organisation filter of searches and for the tickets a customer sees
-- through their organisation, read through tickets_customer_org_idx
-- like the other filter columns. {{.Prefix}} is the table prefix.
ALTER TABLE {{.Prefix}}tickets ADD COLUMN customer_org text NOT NULL DEFAULT '';

--bun:split

--ticketkit:unless-index {{.Prefix}}tickets {{.Prefix}}tickets_customer_org_idx
CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_customer_org_idx ON {{.Prefix}}tickets (tenant_id, customer_org, created_at, id);
