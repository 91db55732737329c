-- Ticket references by kind and ID (storage.TicketFilter.References, such
-- as "the tickets about order SO-1"): one row per distinct kind and ID in
-- a ticket's refs, read through the primary key. Triggers on the tickets
-- table keep the rows in step with the refs column, so that every write
-- path (or a host's own SQL) keeps them right; an update that leaves refs
-- alone does not touch them. JSON_TABLE needs MySQL 8.0.4 or MariaDB
-- 10.6. The references of the tickets stored before this migration are
-- copied in. {{.Prefix}} is the table prefix.

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

INSERT INTO {{.Prefix}}ticket_refs (tenant_id, kind, ref_id, ticket_id)
SELECT DISTINCT t.tenant_id, r.kind, r.ref_id, t.id
FROM {{.Prefix}}tickets AS t, JSON_TABLE(IF(JSON_TYPE(t.refs) = 'ARRAY', t.refs, '[]'), '$[*]'
        COLUMNS (kind VARCHAR(255) CHARACTER SET utf8mb4 PATH '$.kind', ref_id VARCHAR(255) CHARACTER SET utf8mb4 PATH '$.id')) AS r
WHERE coalesce(r.kind, '') <> '' AND coalesce(r.ref_id, '') <> ''
ON DUPLICATE KEY UPDATE ticket_id = {{.Prefix}}ticket_refs.ticket_id;
