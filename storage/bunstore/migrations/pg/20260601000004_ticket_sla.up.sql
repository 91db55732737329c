-- SLA states move from the tickets table to a narrow table of their own,
-- one row per ticket that has one. The escalation sweep writes a ticket's
-- SLA state far more often than anything else of the ticket (every
-- warning, breach and level), and a tickets row is covered by a dozen
-- indexes, among them a trigram GIN index, that each such write had to
-- maintain; this table has two. revision is Ticket.SLAVersion, the
-- optimistic-concurrency counter of the SLA state alone.
-- {{.Prefix}} is the table prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}ticket_sla (
    ticket_id     text COLLATE "C" PRIMARY KEY,
    tenant_id     text COLLATE "C" NOT NULL,
    state         jsonb NOT NULL,
    next_check_at timestamptz,
    revision      bigint NOT NULL
);

--bun:split

-- What TicketClaimDue reads: the tickets with an SLA check, reminder or
-- auto-close ahead, in wake order, across tenants. Tickets with nothing
-- left to check leave the index, so a sweep's cost follows the due
-- tickets, not all tickets.
CREATE INDEX IF NOT EXISTS {{.Prefix}}ticket_sla_due_idx ON {{.Prefix}}ticket_sla (next_check_at, ticket_id)
    WHERE next_check_at IS NOT NULL;

--bun:split

--ticketkit:if-column {{.Prefix}}tickets sla
INSERT INTO {{.Prefix}}ticket_sla (ticket_id, tenant_id, state, next_check_at, revision)
SELECT id, tenant_id, sla, sla_next_check_at, 1 FROM {{.Prefix}}tickets
WHERE sla <> '{}'::jsonb OR sla_next_check_at IS NOT NULL
ON CONFLICT (ticket_id) DO NOTHING;

--bun:split

DROP INDEX IF EXISTS {{.Prefix}}tickets_sla_due_idx;

--bun:split

--ticketkit:if-column {{.Prefix}}tickets sla
ALTER TABLE {{.Prefix}}tickets DROP COLUMN IF EXISTS sla, DROP COLUMN IF EXISTS sla_next_check_at;
