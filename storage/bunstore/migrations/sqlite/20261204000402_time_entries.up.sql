-- Time entries (ticketkit's Desk.AddTimeEntry; storage.TimeEntryStore):
-- time agents spent on tickets, internal to staff. work_date is the UTC
-- day of the work ("2006-01-02"); duration_s is whole seconds.
-- time_entries_ticket_idx serves a ticket's list and the close guard,
-- time_entries_report_idx the reports of a period. {{.Prefix}} is the
-- table prefix.
CREATE TABLE IF NOT EXISTS {{.Prefix}}time_entries (
    tenant_id       text NOT NULL,
    id              text NOT NULL,
    ticket_id       text NOT NULL,
    agent_id        text NOT NULL,
    duration_s      integer NOT NULL CHECK (duration_s > 0),
    billable        integer NOT NULL,
    note            text NOT NULL DEFAULT '',
    work_date       text NOT NULL,
    customer_id     text NOT NULL DEFAULT '',
    organisation_id text NOT NULL DEFAULT '',
    created_by      text NOT NULL DEFAULT '',
    created_at      text NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}time_entries_ticket_idx ON {{.Prefix}}time_entries (tenant_id, ticket_id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}time_entries_report_idx ON {{.Prefix}}time_entries (tenant_id, work_date);
