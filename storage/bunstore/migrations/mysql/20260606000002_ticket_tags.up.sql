-- Ticket tags (storage.TicketFilter.Tags): one row per distinct tag of a
-- ticket, read through the primary key, kept in step with the tags
-- column by triggers on the tickets table like ticket_refs (see
-- 20260606000001_ticket_refs). The tags of the tickets stored before
-- this migration are copied in. {{.Prefix}} is the table prefix.

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

INSERT INTO {{.Prefix}}ticket_tags (tenant_id, tag, ticket_id)
SELECT DISTINCT t.tenant_id, g.tag, t.id
FROM {{.Prefix}}tickets AS t, JSON_TABLE(IF(JSON_TYPE(t.tags) = 'ARRAY', t.tags, '[]'), '$[*]'
        COLUMNS (tag VARCHAR(255) CHARACTER SET utf8mb4 PATH '$')) AS g
WHERE coalesce(g.tag, '') <> ''
ON DUPLICATE KEY UPDATE ticket_id = {{.Prefix}}ticket_tags.ticket_id;
