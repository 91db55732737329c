--ticketkit:unless-column {{.Prefix}}tickets kind
-- The kind of each ticket (ticket.Kind): '' for a plain ticket,
-- 'complaint' for the ticket of a complaint document, so that one read
-- of a ticket tells which it is. Tickets that have a complaint section
-- already are marked from the complaints table.
-- {{.Prefix}} is the table prefix.
ALTER TABLE {{.Prefix}}tickets ADD COLUMN kind VARBINARY(32) NOT NULL DEFAULT '';

--bun:split

UPDATE {{.Prefix}}tickets SET kind = 'complaint'
WHERE EXISTS (
    SELECT 1 FROM {{.Prefix}}complaints AS c
    WHERE c.tenant_id = {{.Prefix}}tickets.tenant_id AND c.ticket_id = {{.Prefix}}tickets.id
);
