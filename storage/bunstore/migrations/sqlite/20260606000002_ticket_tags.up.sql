-- Ticket tags (storage.TicketFilter.Tags): one row per distinct tag of a
-- ticket, read through the primary key, kept in step with the tags
-- column by triggers on the tickets table like ticket_refs (see
-- 20260606000001_ticket_refs). The tags of the tickets stored before
-- this migration are copied in. {{.Prefix}} is the table prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}ticket_tags (
    tenant_id text NOT NULL,
    tag       text NOT NULL,
    ticket_id text NOT NULL,
    PRIMARY KEY (tenant_id, tag, ticket_id)
) WITHOUT ROWID;

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}ticket_tags_ticket_idx ON {{.Prefix}}ticket_tags (ticket_id);

--bun:split

CREATE TRIGGER IF NOT EXISTS {{.Prefix}}tickets_tags_insert AFTER INSERT ON {{.Prefix}}tickets
BEGIN
    INSERT OR IGNORE INTO {{.Prefix}}ticket_tags (tenant_id, tag, ticket_id)
    SELECT NEW.tenant_id, g.value, NEW.id
    FROM json_each(CASE WHEN json_valid(NEW.tags) AND json_type(NEW.tags) = 'array' THEN NEW.tags ELSE '[]' END) AS g
    WHERE g.type = 'text' AND g.value <> '';
END;

--bun:split

CREATE TRIGGER IF NOT EXISTS {{.Prefix}}tickets_tags_update AFTER UPDATE OF tags, tenant_id, id ON {{.Prefix}}tickets
WHEN OLD.tags IS NOT NEW.tags OR OLD.tenant_id IS NOT NEW.tenant_id OR OLD.id IS NOT NEW.id
BEGIN
    DELETE FROM {{.Prefix}}ticket_tags WHERE ticket_id = OLD.id;
    INSERT OR IGNORE INTO {{.Prefix}}ticket_tags (tenant_id, tag, ticket_id)
    SELECT NEW.tenant_id, g.value, NEW.id
    FROM json_each(CASE WHEN json_valid(NEW.tags) AND json_type(NEW.tags) = 'array' THEN NEW.tags ELSE '[]' END) AS g
    WHERE g.type = 'text' AND g.value <> '';
END;

--bun:split

CREATE TRIGGER IF NOT EXISTS {{.Prefix}}tickets_tags_delete AFTER DELETE ON {{.Prefix}}tickets
BEGIN
    DELETE FROM {{.Prefix}}ticket_tags WHERE ticket_id = OLD.id;
END;

--bun:split

INSERT OR IGNORE INTO {{.Prefix}}ticket_tags (tenant_id, tag, ticket_id)
SELECT t.tenant_id, g.value, t.id
FROM {{.Prefix}}tickets AS t, json_each(CASE WHEN json_valid(t.tags) AND json_type(t.tags) = 'array' THEN t.tags ELSE '[]' END) AS g
WHERE g.type = 'text' AND g.value <> '';
