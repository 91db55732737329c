-- ticketkit schema, SQLite. {{.Prefix}} is replaced by the table
-- prefix (default ticketkit_). Every statement is idempotent, so that a
-- migration interrupted before it was recorded can run again.
-- Times are stored as bun writes them: UTC text with microseconds, which
-- sorts in time order. Text compares in byte order (BINARY), as Go does.

CREATE TABLE IF NOT EXISTS {{.Prefix}}counters (
    tenant_id text NOT NULL,
    scope     text NOT NULL,
    value     integer NOT NULL,
    PRIMARY KEY (tenant_id, scope)
);

--bun:split

CREATE TABLE IF NOT EXISTS {{.Prefix}}tickets (
    id              text PRIMARY KEY,
    tenant_id       text NOT NULL,
    number          text NOT NULL,
    subject         text NOT NULL,
    subject_lower   text NOT NULL,
    description     text NOT NULL DEFAULT '',
    status          text NOT NULL,
    priority        text NOT NULL,
    category        text NOT NULL DEFAULT '',
    department      text NOT NULL DEFAULT '',
    channel         text NOT NULL DEFAULT '',
    assignee        text NOT NULL DEFAULT '',
    customer_id     text NOT NULL DEFAULT '',
    customer_email  text NOT NULL DEFAULT '',
    customer_mobile text NOT NULL DEFAULT '',
    customer        text NOT NULL,
    contacts        text NOT NULL,
    refs            text NOT NULL,
    tags            text NOT NULL,
    fields          text NOT NULL,
    actions         text NOT NULL,
    reason          text NOT NULL DEFAULT '',
    closure_reason  text NOT NULL DEFAULT '',
    follow_up_of    text NOT NULL DEFAULT '',
    created_by      text NOT NULL DEFAULT '',
    created_at      text NOT NULL,
    updated_at      text NOT NULL,
    closed_at       text,
    sla             text NOT NULL DEFAULT '{}',
    sla_next_check_at text,
    version         integer NOT NULL,
    CONSTRAINT {{.Prefix}}tickets_number_key UNIQUE (tenant_id, number)
);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_created_idx ON {{.Prefix}}tickets (tenant_id, created_at, id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_updated_idx ON {{.Prefix}}tickets (tenant_id, updated_at, id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_status_idx ON {{.Prefix}}tickets (tenant_id, status, created_at, id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_priority_idx ON {{.Prefix}}tickets (tenant_id, priority, created_at, id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_category_idx ON {{.Prefix}}tickets (tenant_id, category, created_at, id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_department_idx ON {{.Prefix}}tickets (tenant_id, department, created_at, id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_assignee_idx ON {{.Prefix}}tickets (tenant_id, assignee, created_at, id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_customer_idx ON {{.Prefix}}tickets (tenant_id, customer_id, created_at, id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_email_idx ON {{.Prefix}}tickets (tenant_id, customer_email, created_at, id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_mobile_idx ON {{.Prefix}}tickets (tenant_id, customer_mobile, created_at, id);

--bun:split

-- What TicketClaimDue reads: the tickets with an SLA check, reminder or
-- auto-close ahead, in wake order, across tenants. Tickets with nothing
-- left to check leave the index, so a sweep's cost follows the due
-- tickets, not all tickets.
CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_sla_due_idx ON {{.Prefix}}tickets (sla_next_check_at, id)
    WHERE sla_next_check_at IS NOT NULL;

--bun:split

CREATE TABLE IF NOT EXISTS {{.Prefix}}messages (
    id          text PRIMARY KEY,
    tenant_id   text NOT NULL,
    ticket_id   text NOT NULL,
    kind        text NOT NULL,
    type        text NOT NULL DEFAULT '',
    author_id   text NOT NULL DEFAULT '',
    author_role text NOT NULL DEFAULT '',
    body        text NOT NULL,
    attachments text NOT NULL,
    created_at  text NOT NULL
);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}messages_ticket_idx ON {{.Prefix}}messages (tenant_id, ticket_id, created_at, id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}messages_created_idx ON {{.Prefix}}messages (tenant_id, created_at, id);

--bun:split

CREATE TABLE IF NOT EXISTS {{.Prefix}}events (
    seq        INTEGER PRIMARY KEY,
    id         text NOT NULL,
    tenant_id  text NOT NULL,
    ticket_id  text NOT NULL,
    actor_id   text NOT NULL DEFAULT '',
    actor_role text NOT NULL DEFAULT '',
    at         text NOT NULL,
    field      text NOT NULL,
    old        text NOT NULL DEFAULT '',
    new        text NOT NULL DEFAULT '',
    CONSTRAINT {{.Prefix}}events_id_key UNIQUE (id)
);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}events_ticket_idx ON {{.Prefix}}events (tenant_id, ticket_id, seq);

--bun:split

CREATE TABLE IF NOT EXISTS {{.Prefix}}outbox (
    id              text PRIMARY KEY,
    tenant_id       text NOT NULL,
    ticket_id       text NOT NULL DEFAULT '',
    kind            text NOT NULL,
    payload         blob NOT NULL,
    created_at      text NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at text NOT NULL,
    locked_until    text,
    last_error      text NOT NULL DEFAULT '',
    delivered_at    text,
    dead_at         text
);

--bun:split

-- What OutboxClaim reads: pending entries in claim order. Delivered and
-- dead entries leave the index, so it stays as small as the backlog.
CREATE INDEX IF NOT EXISTS {{.Prefix}}outbox_claim_idx ON {{.Prefix}}outbox (next_attempt_at, created_at, id)
    WHERE delivered_at IS NULL AND dead_at IS NULL;

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}outbox_dead_idx ON {{.Prefix}}outbox (tenant_id, id) WHERE dead_at IS NOT NULL;

--bun:split

-- Complaint sections, one per complaint ticket (see storage.ComplaintStore).
-- details is the JSON of ticket.ComplaintDetails and holds every value;
-- the other columns copy what SQL filters and reports need. Amounts are
-- TEXT: SQLite's NUMERIC would silently lose digits.
CREATE TABLE IF NOT EXISTS {{.Prefix}}complaints (
    ticket_id   text PRIMARY KEY,
    tenant_id   text NOT NULL,
    issued_at   text NOT NULL,
    posted      integer NOT NULL DEFAULT 0,
    posted_at   text,
    remedy_kind text NOT NULL DEFAULT '',
    amount      text NOT NULL DEFAULT '0',
    currency    text NOT NULL DEFAULT '',
    details     text NOT NULL
);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_issued_idx ON {{.Prefix}}complaints (tenant_id, issued_at, ticket_id);
