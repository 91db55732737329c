-- ticketkit schema, PostgreSQL. {{.Prefix}} is replaced by the table
-- prefix (default ticketkit_). Every statement is idempotent, so that a
-- migration interrupted before it was recorded can run again.
-- Code columns use COLLATE "C" so that sorting matches Go's byte order
-- whatever the database's locale.

CREATE TABLE IF NOT EXISTS {{.Prefix}}counters (
    tenant_id text COLLATE "C" NOT NULL,
    scope     text COLLATE "C" NOT NULL,
    value     bigint NOT NULL,
    PRIMARY KEY (tenant_id, scope)
);

--bun:split

CREATE TABLE IF NOT EXISTS {{.Prefix}}tickets (
    id              text COLLATE "C" PRIMARY KEY,
    tenant_id       text COLLATE "C" NOT NULL,
    number          text COLLATE "C" NOT NULL,
    subject         text NOT NULL,
    subject_lower   text NOT NULL,
    description     text NOT NULL DEFAULT '',
    status          text COLLATE "C" NOT NULL,
    priority        text COLLATE "C" NOT NULL,
    category        text COLLATE "C" NOT NULL DEFAULT '',
    department      text COLLATE "C" NOT NULL DEFAULT '',
    channel         text COLLATE "C" NOT NULL DEFAULT '',
    assignee        text COLLATE "C" NOT NULL DEFAULT '',
    customer_id     text COLLATE "C" NOT NULL DEFAULT '',
    customer_email  text COLLATE "C" NOT NULL DEFAULT '',
    customer_mobile text COLLATE "C" NOT NULL DEFAULT '',
    customer        jsonb NOT NULL,
    contacts        jsonb NOT NULL,
    refs            jsonb NOT NULL,
    tags            jsonb NOT NULL,
    fields          jsonb NOT NULL,
    actions         jsonb NOT NULL,
    reason          text NOT NULL DEFAULT '',
    closure_reason  text NOT NULL DEFAULT '',
    follow_up_of    text COLLATE "C" NOT NULL DEFAULT '',
    created_by      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    closed_at       timestamptz,
    sla             jsonb NOT NULL DEFAULT '{}',
    sla_next_check_at timestamptz,
    version         bigint NOT NULL,
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
    id          text COLLATE "C" PRIMARY KEY,
    tenant_id   text COLLATE "C" NOT NULL,
    ticket_id   text COLLATE "C" NOT NULL,
    kind        text COLLATE "C" NOT NULL,
    type        text COLLATE "C" NOT NULL DEFAULT '',
    author_id   text NOT NULL DEFAULT '',
    author_role text NOT NULL DEFAULT '',
    body        text NOT NULL,
    attachments jsonb NOT NULL,
    created_at  timestamptz NOT NULL
);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}messages_ticket_idx ON {{.Prefix}}messages (tenant_id, ticket_id, created_at, id);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}messages_created_idx ON {{.Prefix}}messages (tenant_id, created_at, id);

--bun:split

CREATE TABLE IF NOT EXISTS {{.Prefix}}events (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         text COLLATE "C" NOT NULL,
    tenant_id  text COLLATE "C" NOT NULL,
    ticket_id  text COLLATE "C" NOT NULL,
    actor_id   text NOT NULL DEFAULT '',
    actor_role text NOT NULL DEFAULT '',
    at         timestamptz NOT NULL,
    field      text NOT NULL,
    old        text NOT NULL DEFAULT '',
    new        text NOT NULL DEFAULT '',
    CONSTRAINT {{.Prefix}}events_id_key UNIQUE (id)
);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}events_ticket_idx ON {{.Prefix}}events (tenant_id, ticket_id, seq);

--bun:split

CREATE TABLE IF NOT EXISTS {{.Prefix}}outbox (
    id              text COLLATE "C" PRIMARY KEY,
    tenant_id       text COLLATE "C" NOT NULL,
    ticket_id       text COLLATE "C" NOT NULL DEFAULT '',
    kind            text NOT NULL,
    payload         bytea NOT NULL,
    created_at      timestamptz NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    locked_until    timestamptz,
    last_error      text NOT NULL DEFAULT '',
    delivered_at    timestamptz,
    dead_at         timestamptz
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
-- the other columns copy what SQL filters and reports need.
CREATE TABLE IF NOT EXISTS {{.Prefix}}complaints (
    ticket_id   text COLLATE "C" PRIMARY KEY,
    tenant_id   text COLLATE "C" NOT NULL,
    issued_at   timestamptz NOT NULL,
    posted      boolean NOT NULL DEFAULT false,
    posted_at   timestamptz,
    remedy_kind text NOT NULL DEFAULT '',
    amount      numeric(19,4) NOT NULL DEFAULT 0,
    currency    text NOT NULL DEFAULT '',
    details     jsonb NOT NULL
);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}complaints_issued_idx ON {{.Prefix}}complaints (tenant_id, issued_at, ticket_id);
