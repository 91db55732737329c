-- ticketkit schema, MySQL 8 and MariaDB 10.11+. {{.Prefix}} is replaced
-- by the table prefix (default ticketkit_). Every statement is
-- idempotent, so that a migration interrupted before it was recorded can
-- run again (MySQL commits each CREATE TABLE on its own: DDL is not
-- transactional there). Indexes are declared in CREATE TABLE, as MySQL 8
-- has no CREATE INDEX IF NOT EXISTS.
--
-- Character sets and collations are spelled out per table and column,
-- so that nothing depends on the server's or the database's defaults:
--   * identifiers and codes (IDs, tenant, number, status, email, ...) are
--     VARBINARY: equality and order are byte-wise, as in Go and in
--     PostgreSQL's COLLATE "C", with no trailing-space padding (MySQL's
--     and MariaDB's utf8mb4_bin pad, and they share no NO PAD binary
--     collation). They hold UTF-8 bytes, up to 255 (IDs, codes) or,
--     for texts ticketkit caps at 200 or 254 characters (reference and
--     source IDs, responsibility names, emails), 4 bytes a character;
--     a longer value fails the statement (strict mode) rather than
--     being cut. customer_email holds the
--     address lower-cased by the store, so a search matches it exactly,
--     whatever the server's collation says about case or accents;
--   * texts are utf8mb4 (emoji included) with utf8mb4_bin, so that the
--     subject search compares characters exactly, as on PostgreSQL;
--   * JSON values are LONGTEXT utf8mb4_bin, byte for byte what the
--     store wrote (MySQL's JSON type would normalize numbers and keys);
--   * times are DATETIME(6) in UTC, microsecond precision; money is
--     DECIMAL(19,4).
-- MySQL support began with the schema of version 20260606000002, and
-- MySQL runs each DDL statement on its own, with a commit and a file
-- sync: so this migration creates that schema whole, the columns,
-- indexes, tables and triggers of the later versions included (one
-- CREATE TABLE each), and the later migrations, which keep their
-- versions, find their guarded statements done. A schema change after
-- 20260606000002 is a migration of its own, as on the other databases.
--
-- MySQL has no partial indexes: where PostgreSQL's index skips rows
-- (delivered outbox entries, say), the MySQL index leads with the
-- columns the skip tests, so that the claim reads only what it needs.

CREATE TABLE IF NOT EXISTS {{.Prefix}}counters (
    tenant_id VARBINARY(255) NOT NULL,
    scope     VARBINARY(255) NOT NULL,
    value     BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, scope)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS {{.Prefix}}tickets (
    id              VARBINARY(255) NOT NULL,
    tenant_id       VARBINARY(255) NOT NULL,
    number          VARBINARY(255) NOT NULL,
    subject         TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    subject_lower   TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    description     MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT (''),
    status          VARBINARY(255) NOT NULL,
    priority        VARBINARY(255) NOT NULL,
    category        VARBINARY(255) NOT NULL DEFAULT '',
    department      VARBINARY(255) NOT NULL DEFAULT '',
    channel         VARBINARY(255) NOT NULL DEFAULT '',
    assignee        VARBINARY(255) NOT NULL DEFAULT '',
    customer_id     VARBINARY(255) NOT NULL DEFAULT '',
    customer_email  VARBINARY(1020) NOT NULL DEFAULT '',
    customer_mobile VARBINARY(64) NOT NULL DEFAULT '',
    customer        LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    contacts        LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    refs            LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    tags            LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    fields          LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    actions         LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    reason          VARBINARY(255) NOT NULL DEFAULT '',
    closure_reason  TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT (''),
    follow_up_of    VARBINARY(255) NOT NULL DEFAULT '',
    created_by      TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT (''),
    created_at      DATETIME(6) NOT NULL,
    updated_at      DATETIME(6) NOT NULL,
    closed_at       DATETIME(6) NULL,
    version         BIGINT NOT NULL,
    kind            VARBINARY(32) NOT NULL DEFAULT '',
    PRIMARY KEY (id),
    CONSTRAINT {{.Prefix}}tickets_number_key UNIQUE (tenant_id, number),
    INDEX {{.Prefix}}tickets_created_idx (tenant_id, created_at, id),
    INDEX {{.Prefix}}tickets_updated_idx (tenant_id, updated_at, id),
    INDEX {{.Prefix}}tickets_status_idx (tenant_id, status, created_at, id),
    INDEX {{.Prefix}}tickets_priority_idx (tenant_id, priority, created_at, id),
    INDEX {{.Prefix}}tickets_category_idx (tenant_id, category, created_at, id),
    INDEX {{.Prefix}}tickets_department_idx (tenant_id, department, created_at, id),
    INDEX {{.Prefix}}tickets_assignee_idx (tenant_id, assignee, created_at, id),
    INDEX {{.Prefix}}tickets_customer_idx (tenant_id, customer_id, created_at, id),
    INDEX {{.Prefix}}tickets_email_idx (tenant_id, customer_email, created_at, id),
    INDEX {{.Prefix}}tickets_mobile_idx (tenant_id, customer_mobile, created_at, id),
    INDEX {{.Prefix}}tickets_channel_idx (tenant_id, channel, created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS {{.Prefix}}messages (
    id          VARBINARY(255) NOT NULL,
    tenant_id   VARBINARY(255) NOT NULL,
    ticket_id   VARBINARY(255) NOT NULL,
    kind        VARBINARY(255) NOT NULL,
    type        VARBINARY(255) NOT NULL DEFAULT '',
    author_id   TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT (''),
    author_role TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT (''),
    body        MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    attachments LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    created_at  DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    INDEX {{.Prefix}}messages_ticket_idx (tenant_id, ticket_id, created_at, id),
    INDEX {{.Prefix}}messages_created_idx (tenant_id, created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS {{.Prefix}}events (
    seq        BIGINT NOT NULL AUTO_INCREMENT,
    id         VARBINARY(255) NOT NULL,
    tenant_id  VARBINARY(255) NOT NULL,
    ticket_id  VARBINARY(255) NOT NULL,
    actor_id   TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT (''),
    actor_role TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT (''),
    at         DATETIME(6) NOT NULL,
    field      TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    old        MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT (''),
    new        MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT (''),
    PRIMARY KEY (seq),
    CONSTRAINT {{.Prefix}}events_id_key UNIQUE (id),
    INDEX {{.Prefix}}events_ticket_idx (tenant_id, ticket_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

-- outbox_claim_idx is what OutboxClaim reads: pending entries (both
-- times NULL, an equality MySQL reads as a key prefix) in claim order,
-- without passing over delivered and dead ones. outbox_dead_idx serves
-- the dead-letter list by tenant in ID order.
CREATE TABLE IF NOT EXISTS {{.Prefix}}outbox (
    id              VARBINARY(255) NOT NULL,
    tenant_id       VARBINARY(255) NOT NULL,
    ticket_id       VARBINARY(255) NOT NULL DEFAULT '',
    kind            VARBINARY(255) NOT NULL,
    payload         LONGBLOB NOT NULL,
    created_at      DATETIME(6) NOT NULL,
    attempts        INT NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(6) NOT NULL,
    locked_until    DATETIME(6) NULL,
    last_error      MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT (''),
    delivered_at    DATETIME(6) NULL,
    dead_at         DATETIME(6) NULL,
    PRIMARY KEY (id),
    INDEX {{.Prefix}}outbox_claim_idx (delivered_at, dead_at, next_attempt_at, created_at, id),
    INDEX {{.Prefix}}outbox_dead_idx (tenant_id, id, dead_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

-- Complaint sections, one per complaint ticket (see storage.ComplaintStore).
-- details is the JSON of ticket.ComplaintDetails and holds every value;
-- the other columns copy what SQL filters and reports need.
CREATE TABLE IF NOT EXISTS {{.Prefix}}complaints (
    ticket_id   VARBINARY(255) NOT NULL,
    tenant_id   VARBINARY(255) NOT NULL,
    issued_at   DATETIME(6) NOT NULL,
    posted      BOOLEAN NOT NULL DEFAULT FALSE,
    posted_at   DATETIME(6) NULL,
    remedy_kind VARBINARY(255) NOT NULL DEFAULT '',
    amount      DECIMAL(19,4) NOT NULL DEFAULT 0,
    currency    VARBINARY(16) NOT NULL DEFAULT '',
    details     LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    reason        VARBINARY(255) NOT NULL DEFAULT '',
    severity      VARBINARY(255) NOT NULL DEFAULT '',
    counterparty  VARBINARY(800) NOT NULL DEFAULT '',
    business_unit VARBINARY(800) NOT NULL DEFAULT '',
    employee      VARBINARY(800) NOT NULL DEFAULT '',
    salesperson   VARBINARY(800) NOT NULL DEFAULT '',
    source_kind   VARBINARY(255) NOT NULL DEFAULT '',
    source_id     VARBINARY(800) NOT NULL DEFAULT '',
    next_action_due_at DATETIME(6) NULL,
    action_marks  LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT (''),
    status        VARBINARY(255) NOT NULL DEFAULT '',
    priority      VARBINARY(255) NOT NULL DEFAULT '',
    customer_id   VARBINARY(255) NOT NULL DEFAULT '',
    subject_lower TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT (''),
    PRIMARY KEY (ticket_id),
    INDEX {{.Prefix}}complaints_issued_idx (tenant_id, issued_at, ticket_id),
    INDEX {{.Prefix}}complaints_reason_idx (tenant_id, reason, issued_at, ticket_id),
    INDEX {{.Prefix}}complaints_severity_idx (tenant_id, severity, issued_at, ticket_id),
    INDEX {{.Prefix}}complaints_counterparty_idx (tenant_id, counterparty, issued_at, ticket_id),
    INDEX {{.Prefix}}complaints_unit_idx (tenant_id, business_unit, issued_at, ticket_id),
    INDEX {{.Prefix}}complaints_employee_idx (tenant_id, employee, issued_at, ticket_id),
    INDEX {{.Prefix}}complaints_salesperson_idx (tenant_id, salesperson, issued_at, ticket_id),
    INDEX {{.Prefix}}complaints_source_idx (tenant_id, source_id, source_kind),
    INDEX {{.Prefix}}complaints_amount_idx (tenant_id, amount, ticket_id),
    INDEX {{.Prefix}}complaints_action_due_idx (next_action_due_at, ticket_id),
    INDEX {{.Prefix}}complaints_status_idx (tenant_id, status, issued_at, ticket_id),
    INDEX {{.Prefix}}complaints_priority_idx (tenant_id, priority, issued_at, ticket_id),
    INDEX {{.Prefix}}complaints_customer_idx (tenant_id, customer_id, issued_at, ticket_id),
    INDEX {{.Prefix}}complaints_issued_cover_idx (tenant_id, issued_at, ticket_id, amount)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split


CREATE TABLE IF NOT EXISTS {{.Prefix}}inbound (
    tenant_id VARBINARY(255) NOT NULL,
    `key`     VARBINARY(1000) NOT NULL,
    ticket_id VARBINARY(255) NOT NULL DEFAULT '',
    at        DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, `key`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split


CREATE TABLE IF NOT EXISTS {{.Prefix}}ticket_sla (
    ticket_id     VARBINARY(255) NOT NULL,
    tenant_id     VARBINARY(255) NOT NULL,
    state         LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    next_check_at DATETIME(6) NULL,
    revision      BIGINT NOT NULL,
    PRIMARY KEY (ticket_id),
    INDEX {{.Prefix}}ticket_sla_due_idx (next_check_at, ticket_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split


CREATE TABLE IF NOT EXISTS {{.Prefix}}attachment_refs (
    `key`      VARBINARY(1024) NOT NULL,
    message_id VARBINARY(255) NOT NULL,
    tenant_id  VARBINARY(255) NOT NULL,
    PRIMARY KEY (`key`, message_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split


CREATE TABLE IF NOT EXISTS {{.Prefix}}idempotency (
    tenant_id    VARBINARY(255) NOT NULL,
    `key`        VARBINARY(255) NOT NULL,
    request_hash VARBINARY(255) NOT NULL,
    status       INT NOT NULL DEFAULT 0,
    response     LONGBLOB NOT NULL,
    at           DATETIME(6) NOT NULL,
    expires_at   DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, `key`),
    INDEX {{.Prefix}}idempotency_expires_idx (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split


CREATE TABLE IF NOT EXISTS {{.Prefix}}ticket_refs (
    tenant_id VARBINARY(255) NOT NULL,
    kind      VARBINARY(255) NOT NULL,
    ref_id    VARBINARY(800) NOT NULL,
    ticket_id VARBINARY(255) NOT NULL,
    PRIMARY KEY (tenant_id, kind, ref_id, ticket_id),
    INDEX {{.Prefix}}ticket_refs_ticket_idx (ticket_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

--ticketkit:unless-trigger {{.Prefix}}tickets {{.Prefix}}tickets_refs_insert
CREATE TRIGGER {{.Prefix}}tickets_refs_insert AFTER INSERT ON {{.Prefix}}tickets FOR EACH ROW
    INSERT INTO {{.Prefix}}ticket_refs (tenant_id, kind, ref_id, ticket_id)
    SELECT DISTINCT NEW.tenant_id, r.kind, r.ref_id, NEW.id
    FROM JSON_TABLE(IF(JSON_TYPE(NEW.refs) = 'ARRAY', NEW.refs, '[]'), '$[*]'
        COLUMNS (kind VARCHAR(255) CHARACTER SET utf8mb4 PATH '$.kind', ref_id VARCHAR(255) CHARACTER SET utf8mb4 PATH '$.id')) AS r
    WHERE coalesce(r.kind, '') <> '' AND coalesce(r.ref_id, '') <> ''
    ON DUPLICATE KEY UPDATE ticket_id = {{.Prefix}}ticket_refs.ticket_id;

--bun:split

--ticketkit:unless-trigger {{.Prefix}}tickets {{.Prefix}}tickets_refs_update
CREATE TRIGGER {{.Prefix}}tickets_refs_update AFTER UPDATE ON {{.Prefix}}tickets FOR EACH ROW
BEGIN
    IF NOT (OLD.refs <=> NEW.refs AND OLD.tenant_id <=> NEW.tenant_id AND OLD.id <=> NEW.id) THEN
        DELETE FROM {{.Prefix}}ticket_refs WHERE ticket_id = OLD.id;
        INSERT INTO {{.Prefix}}ticket_refs (tenant_id, kind, ref_id, ticket_id)
    SELECT DISTINCT NEW.tenant_id, r.kind, r.ref_id, NEW.id
    FROM JSON_TABLE(IF(JSON_TYPE(NEW.refs) = 'ARRAY', NEW.refs, '[]'), '$[*]'
        COLUMNS (kind VARCHAR(255) CHARACTER SET utf8mb4 PATH '$.kind', ref_id VARCHAR(255) CHARACTER SET utf8mb4 PATH '$.id')) AS r
    WHERE coalesce(r.kind, '') <> '' AND coalesce(r.ref_id, '') <> ''
    ON DUPLICATE KEY UPDATE ticket_id = {{.Prefix}}ticket_refs.ticket_id;
    END IF;
END

--bun:split

--ticketkit:unless-trigger {{.Prefix}}tickets {{.Prefix}}tickets_refs_delete
CREATE TRIGGER {{.Prefix}}tickets_refs_delete AFTER DELETE ON {{.Prefix}}tickets FOR EACH ROW
    DELETE FROM {{.Prefix}}ticket_refs WHERE ticket_id = OLD.id;

--bun:split


CREATE TABLE IF NOT EXISTS {{.Prefix}}ticket_tags (
    tenant_id VARBINARY(255) NOT NULL,
    tag       VARBINARY(255) NOT NULL,
    ticket_id VARBINARY(255) NOT NULL,
    PRIMARY KEY (tenant_id, tag, ticket_id),
    INDEX {{.Prefix}}ticket_tags_ticket_idx (ticket_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

--ticketkit:unless-trigger {{.Prefix}}tickets {{.Prefix}}tickets_tags_insert
CREATE TRIGGER {{.Prefix}}tickets_tags_insert AFTER INSERT ON {{.Prefix}}tickets FOR EACH ROW
    INSERT INTO {{.Prefix}}ticket_tags (tenant_id, tag, ticket_id)
    SELECT DISTINCT NEW.tenant_id, g.tag, NEW.id
    FROM JSON_TABLE(IF(JSON_TYPE(NEW.tags) = 'ARRAY', NEW.tags, '[]'), '$[*]'
        COLUMNS (tag VARCHAR(255) CHARACTER SET utf8mb4 PATH '$')) AS g
    WHERE coalesce(g.tag, '') <> ''
    ON DUPLICATE KEY UPDATE ticket_id = {{.Prefix}}ticket_tags.ticket_id;

--bun:split

--ticketkit:unless-trigger {{.Prefix}}tickets {{.Prefix}}tickets_tags_update
CREATE TRIGGER {{.Prefix}}tickets_tags_update AFTER UPDATE ON {{.Prefix}}tickets FOR EACH ROW
BEGIN
    IF NOT (OLD.tags <=> NEW.tags AND OLD.tenant_id <=> NEW.tenant_id AND OLD.id <=> NEW.id) THEN
        DELETE FROM {{.Prefix}}ticket_tags WHERE ticket_id = OLD.id;
        INSERT INTO {{.Prefix}}ticket_tags (tenant_id, tag, ticket_id)
    SELECT DISTINCT NEW.tenant_id, g.tag, NEW.id
    FROM JSON_TABLE(IF(JSON_TYPE(NEW.tags) = 'ARRAY', NEW.tags, '[]'), '$[*]'
        COLUMNS (tag VARCHAR(255) CHARACTER SET utf8mb4 PATH '$')) AS g
    WHERE coalesce(g.tag, '') <> ''
    ON DUPLICATE KEY UPDATE ticket_id = {{.Prefix}}ticket_tags.ticket_id;
    END IF;
END

--bun:split

--ticketkit:unless-trigger {{.Prefix}}tickets {{.Prefix}}tickets_tags_delete
CREATE TRIGGER {{.Prefix}}tickets_tags_delete AFTER DELETE ON {{.Prefix}}tickets FOR EACH ROW
    DELETE FROM {{.Prefix}}ticket_tags WHERE ticket_id = OLD.id;

--bun:split

--ticketkit:unless-trigger {{.Prefix}}complaints {{.Prefix}}complaints_copy_ticket
CREATE TRIGGER {{.Prefix}}complaints_copy_ticket BEFORE INSERT ON {{.Prefix}}complaints FOR EACH ROW
BEGIN
    -- A complaint row without its ticket keeps what it was given.
    IF EXISTS (SELECT 1 FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id) THEN
        SET NEW.status = (SELECT tk.status FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id),
            NEW.priority = (SELECT tk.priority FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id),
            NEW.customer_id = (SELECT tk.customer_id FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id),
            NEW.subject_lower = (SELECT tk.subject_lower FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id),
            NEW.reason = (SELECT tk.reason FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id);
    END IF;
END

--bun:split

--ticketkit:unless-trigger {{.Prefix}}complaints {{.Prefix}}complaints_copy_update
CREATE TRIGGER {{.Prefix}}complaints_copy_update BEFORE UPDATE ON {{.Prefix}}complaints FOR EACH ROW
BEGIN
    IF NOT (OLD.status <=> NEW.status AND OLD.priority <=> NEW.priority AND OLD.customer_id <=> NEW.customer_id
            AND OLD.subject_lower <=> NEW.subject_lower AND OLD.reason <=> NEW.reason)
        AND EXISTS (SELECT 1 FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id) THEN
        SET NEW.status = (SELECT tk.status FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id),
            NEW.priority = (SELECT tk.priority FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id),
            NEW.customer_id = (SELECT tk.customer_id FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id),
            NEW.subject_lower = (SELECT tk.subject_lower FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id),
            NEW.reason = (SELECT tk.reason FROM {{.Prefix}}tickets AS tk WHERE tk.id = NEW.ticket_id AND tk.tenant_id = NEW.tenant_id);
    END IF;
END

--bun:split

--ticketkit:unless-trigger {{.Prefix}}tickets {{.Prefix}}tickets_complaint_copy
CREATE TRIGGER {{.Prefix}}tickets_complaint_copy AFTER UPDATE ON {{.Prefix}}tickets FOR EACH ROW
BEGIN
    IF NEW.kind = 'complaint' AND NOT (OLD.status <=> NEW.status AND OLD.priority <=> NEW.priority
            AND OLD.customer_id <=> NEW.customer_id AND OLD.subject_lower <=> NEW.subject_lower AND OLD.reason <=> NEW.reason) THEN
        UPDATE {{.Prefix}}complaints SET status = NEW.status, priority = NEW.priority,
            customer_id = NEW.customer_id, subject_lower = NEW.subject_lower, reason = NEW.reason
        WHERE ticket_id = NEW.id AND tenant_id = NEW.tenant_id;
    END IF;
END
