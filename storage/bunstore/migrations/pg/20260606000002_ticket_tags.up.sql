-- Ticket tags (storage.TicketFilter.Tags): one row per distinct tag of a
-- ticket, read through the primary key, kept in step with the tags
-- column by triggers on the tickets table like ticket_refs (see
-- 20260606000001_ticket_refs). The tags of the tickets stored before
-- this migration are copied in. {{.Prefix}} is the table prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}ticket_tags (
    tenant_id text COLLATE "C" NOT NULL,
    tag       text COLLATE "C" NOT NULL,
    ticket_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant_id, tag, ticket_id)
);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}ticket_tags_ticket_idx ON {{.Prefix}}ticket_tags (ticket_id);

--bun:split

CREATE OR REPLACE FUNCTION {{.Prefix}}ticket_tags_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM {{.Prefix}}ticket_tags WHERE ticket_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO {{.Prefix}}ticket_tags (tenant_id, tag, ticket_id)
        SELECT DISTINCT NEW.tenant_id, g.value #>> '{}', NEW.id
        FROM jsonb_array_elements(
            CASE WHEN jsonb_typeof(NEW.tags) = 'array' THEN NEW.tags ELSE '[]'::jsonb END
        ) AS g(value)
        WHERE jsonb_typeof(g.value) = 'string' AND g.value #>> '{}' <> ''
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_tags_insert ON {{.Prefix}}tickets;

--bun:split

CREATE TRIGGER {{.Prefix}}tickets_tags_insert AFTER INSERT ON {{.Prefix}}tickets
FOR EACH ROW EXECUTE FUNCTION {{.Prefix}}ticket_tags_sync();

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_tags_update ON {{.Prefix}}tickets;

--bun:split

CREATE TRIGGER {{.Prefix}}tickets_tags_update AFTER UPDATE OF tags, tenant_id, id ON {{.Prefix}}tickets
FOR EACH ROW WHEN (OLD.tags IS DISTINCT FROM NEW.tags OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.id IS DISTINCT FROM NEW.id)
EXECUTE FUNCTION {{.Prefix}}ticket_tags_sync();

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_tags_delete ON {{.Prefix}}tickets;

--bun:split

CREATE TRIGGER {{.Prefix}}tickets_tags_delete AFTER DELETE ON {{.Prefix}}tickets
FOR EACH ROW EXECUTE FUNCTION {{.Prefix}}ticket_tags_sync();

--bun:split

INSERT INTO {{.Prefix}}ticket_tags (tenant_id, tag, ticket_id)
SELECT DISTINCT t.tenant_id, g.value #>> '{}', t.id
FROM {{.Prefix}}tickets AS t
CROSS JOIN LATERAL jsonb_array_elements(
    CASE WHEN jsonb_typeof(t.tags) = 'array' THEN t.tags ELSE '[]'::jsonb END
) AS g(value)
WHERE jsonb_typeof(g.value) = 'string' AND g.value #>> '{}' <> ''
ON CONFLICT DO NOTHING;
