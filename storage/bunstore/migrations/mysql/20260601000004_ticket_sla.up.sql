-- SLA states live in a narrow table of their own, one row per ticket
-- that has one (see the PostgreSQL migration for why). The MySQL tickets
-- table never had the sla columns, so nothing moves. revision is
-- Ticket.SLAVersion. ticket_sla_due_idx is what TicketClaimDue reads:
-- MySQL has no partial index, and the NULL wake times sort first, out of
-- the range the sweep reads. {{.Prefix}} is the table prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}ticket_sla (
    ticket_id     VARBINARY(255) NOT NULL,
    tenant_id     VARBINARY(255) NOT NULL,
    state         LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    next_check_at DATETIME(6) NULL,
    revision      BIGINT NOT NULL,
    PRIMARY KEY (ticket_id),
    INDEX {{.Prefix}}ticket_sla_due_idx (next_check_at, ticket_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
