-- SLA states move from the tickets table to a narrow table of their own,
-- one row per ticket that has one (see the PostgreSQL migration for why).
-- revision is Ticket.SLAVersion. {{.Prefix}} is the table prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}ticket_sla (
    ticket_id     text PRIMARY KEY,
    tenant_id     text NOT NULL,
    state         text NOT NULL,
    next_check_at text,
    revision      integer NOT NULL
);

--bun:split

-- What TicketClaimDue reads: the tickets with an SLA check, reminder or
-- auto-close ahead, in wake order, across tenants.
CREATE INDEX IF NOT EXISTS {{.Prefix}}ticket_sla_due_idx ON {{.Prefix}}ticket_sla (next_check_at, ticket_id)
    WHERE next_check_at IS NOT NULL;

--bun:split

--ticketkit:if-column {{.Prefix}}tickets sla
INSERT OR IGNORE INTO {{.Prefix}}ticket_sla (ticket_id, tenant_id, state, next_check_at, revision)
SELECT id, tenant_id, sla, sla_next_check_at, 1 FROM {{.Prefix}}tickets
WHERE sla <> '{}' OR sla_next_check_at IS NOT NULL;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}tickets_sla_due_idx;

--bun:split

--ticketkit:if-column {{.Prefix}}tickets sla
ALTER TABLE {{.Prefix}}tickets DROP COLUMN sla;

--bun:split

--ticketkit:if-column {{.Prefix}}tickets sla_next_check_at
ALTER TABLE {{.Prefix}}tickets DROP COLUMN sla_next_check_at;
