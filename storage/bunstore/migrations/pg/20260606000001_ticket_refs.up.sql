-- Ticket references by kind and ID (storage.TicketFilter.References, such
-- as "the tickets about order SO-1"): one row per distinct kind and ID in
-- a ticket's refs, read through the primary key. Triggers on the tickets
-- table keep the rows in step with the refs column, so that every write
-- path (create, update, batch update, import, complaint, or a host's own
-- SQL) keeps them right without a code path of its own; an update that
-- leaves refs alone does not touch them. The references of the tickets
-- stored before this migration are copied in. {{.Prefix}} is the table
-- prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}ticket_refs (
    tenant_id text COLLATE "C" NOT NULL,
    kind      text COLLATE "C" NOT NULL,
    ref_id    text COLLATE "C" NOT NULL,
    ticket_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant_id, kind, ref_id, ticket_id)
);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}ticket_refs_ticket_idx ON {{.Prefix}}ticket_refs (ticket_id);

--bun:split

CREATE OR REPLACE FUNCTION {{.Prefix}}ticket_refs_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM {{.Prefix}}ticket_refs WHERE ticket_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO {{.Prefix}}ticket_refs (tenant_id, kind, ref_id, ticket_id)
        SELECT DISTINCT NEW.tenant_id, r.value->>'kind', r.value->>'id', NEW.id
        FROM jsonb_array_elements(
            CASE WHEN jsonb_typeof(NEW.refs) = 'array' THEN NEW.refs ELSE '[]'::jsonb END
        ) AS r(value)
        WHERE coalesce(r.value->>'kind', '') <> '' AND coalesce(r.value->>'id', '') <> ''
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_refs_insert ON {{.Prefix}}tickets;

--bun:split

CREATE TRIGGER {{.Prefix}}tickets_refs_insert AFTER INSERT ON {{.Prefix}}tickets
FOR EACH ROW EXECUTE FUNCTION {{.Prefix}}ticket_refs_sync();

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_refs_update ON {{.Prefix}}tickets;

--bun:split

CREATE TRIGGER {{.Prefix}}tickets_refs_update AFTER UPDATE OF refs, tenant_id, id ON {{.Prefix}}tickets
FOR EACH ROW WHEN (OLD.refs IS DISTINCT FROM NEW.refs OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.id IS DISTINCT FROM NEW.id)
EXECUTE FUNCTION {{.Prefix}}ticket_refs_sync();

--bun:split

DROP TRIGGER IF EXISTS {{.Prefix}}tickets_refs_delete ON {{.Prefix}}tickets;

--bun:split

CREATE TRIGGER {{.Prefix}}tickets_refs_delete AFTER DELETE ON {{.Prefix}}tickets
FOR EACH ROW EXECUTE FUNCTION {{.Prefix}}ticket_refs_sync();

--bun:split

INSERT INTO {{.Prefix}}ticket_refs (tenant_id, kind, ref_id, ticket_id)
SELECT DISTINCT t.tenant_id, r.value->>'kind', r.value->>'id', t.id
FROM {{.Prefix}}tickets AS t
CROSS JOIN LATERAL jsonb_array_elements(
    CASE WHEN jsonb_typeof(t.refs) = 'array' THEN t.refs ELSE '[]'::jsonb END
) AS r(value)
WHERE coalesce(r.value->>'kind', '') <> '' AND coalesce(r.value->>'id', '') <> ''
ON CONFLICT DO NOTHING;
