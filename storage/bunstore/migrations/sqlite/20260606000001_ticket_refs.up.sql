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
    tenant_id text NOT NULL,
    kind      text NOT NULL,
    ref_id    text NOT NULL,
    ticket_id text NOT NULL,
    PRIMARY KEY (tenant_id, kind, ref_id, ticket_id)
) WITHOUT ROWID;

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}ticket_refs_ticket_idx ON {{.Prefix}}ticket_refs (ticket_id);

--bun:split

CREATE TRIGGER IF NOT EXISTS {{.Prefix}}tickets_refs_insert AFTER INSERT ON {{.Prefix}}tickets
BEGIN
    INSERT OR IGNORE INTO {{.Prefix}}ticket_refs (tenant_id, kind, ref_id, ticket_id)
    SELECT NEW.tenant_id, json_extract(r.value, '$.kind'), json_extract(r.value, '$.id'), NEW.id
    FROM json_each(CASE WHEN json_valid(NEW.refs) AND json_type(NEW.refs) = 'array' THEN NEW.refs ELSE '[]' END) AS r
    WHERE coalesce(json_extract(r.value, '$.kind'), '') <> '' AND coalesce(json_extract(r.value, '$.id'), '') <> '';
END;

--bun:split

CREATE TRIGGER IF NOT EXISTS {{.Prefix}}tickets_refs_update AFTER UPDATE OF refs, tenant_id, id ON {{.Prefix}}tickets
WHEN OLD.refs IS NOT NEW.refs OR OLD.tenant_id IS NOT NEW.tenant_id OR OLD.id IS NOT NEW.id
BEGIN
    DELETE FROM {{.Prefix}}ticket_refs WHERE ticket_id = OLD.id;
    INSERT OR IGNORE INTO {{.Prefix}}ticket_refs (tenant_id, kind, ref_id, ticket_id)
    SELECT NEW.tenant_id, json_extract(r.value, '$.kind'), json_extract(r.value, '$.id'), NEW.id
    FROM json_each(CASE WHEN json_valid(NEW.refs) AND json_type(NEW.refs) = 'array' THEN NEW.refs ELSE '[]' END) AS r
    WHERE coalesce(json_extract(r.value, '$.kind'), '') <> '' AND coalesce(json_extract(r.value, '$.id'), '') <> '';
END;

--bun:split

CREATE TRIGGER IF NOT EXISTS {{.Prefix}}tickets_refs_delete AFTER DELETE ON {{.Prefix}}tickets
BEGIN
    DELETE FROM {{.Prefix}}ticket_refs WHERE ticket_id = OLD.id;
END;

--bun:split

INSERT OR IGNORE INTO {{.Prefix}}ticket_refs (tenant_id, kind, ref_id, ticket_id)
SELECT t.tenant_id, json_extract(r.value, '$.kind'), json_extract(r.value, '$.id'), t.id
FROM {{.Prefix}}tickets AS t, json_each(CASE WHEN json_valid(t.refs) AND json_type(t.refs) = 'array' THEN t.refs ELSE '[]' END) AS r
WHERE coalesce(json_extract(r.value, '$.kind'), '') <> '' AND coalesce(json_extract(r.value, '$.id'), '') <> '';
