-- Time entries (ticketkit's Desk.AddTimeEntry; storage.TimeEntryStore):
-- time agents spent on tickets, internal to staff. work_date is the UTC
-- day of the work ("2006-01-02"); duration_s is whole seconds.
-- time_entries_ticket_idx serves a ticket's list and the close guard,
-- time_entries_report_idx the reports of a period (declared in CREATE
-- TABLE, as MySQL 8 has no CREATE INDEX IF NOT EXISTS). IDs are
-- VARBINARY, compared byte-wise (see 20260601000001_init). {{.Prefix}}
-- is the table prefix.
CREATE TABLE IF NOT EXISTS {{.Prefix}}time_entries (
    tenant_id       VARBINARY(255) NOT NULL,
    id              VARBINARY(255) NOT NULL,
    ticket_id       VARBINARY(255) NOT NULL,
    agent_id        VARBINARY(255) NOT NULL,
    duration_s      BIGINT NOT NULL CHECK (duration_s > 0),
    billable        BOOLEAN NOT NULL,
    note            TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT (''),
    work_date       VARBINARY(10) NOT NULL,
    customer_id     VARBINARY(255) NOT NULL DEFAULT '',
    organisation_id VARBINARY(255) NOT NULL DEFAULT '',
    created_by      TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT (''),
    created_at      DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, id),
    INDEX {{.Prefix}}time_entries_ticket_idx (tenant_id, ticket_id),
    INDEX {{.Prefix}}time_entries_report_idx (tenant_id, work_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
