-- The Text filter's index of TicketList, tenant by tenant and for terms of
-- any length (issue 22). The view {{.Prefix}}tickets_text_grams gives each
-- ticket's distinct substrings of one, two and three characters as
-- tokens that carry the tenant, hex(tenant_id) || 'x' || hex(gram),
-- separated by spaces; a contentless FTS5 table (ascii tokenizer, rowids
-- only) indexes them, fed by triggers. A search matches the tokens of its
-- term (the term itself when it has three characters or fewer, else its
-- trigrams) and still checks the exact substring with instr(). Because
-- the tokens carry the tenant, a capped count of the matches tells a term
-- rare in the tenant from a common one, whatever other tenants hold. The
-- trigram table of 20260601000002 stays: the complaint journal uses it.
-- {{.Prefix}} is the table prefix.
CREATE VIEW IF NOT EXISTS {{.Prefix}}tickets_text_grams AS
SELECT t.rowid AS rid, (
    WITH RECURSIVE p(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM p WHERE i < length(t.subject_lower))
    SELECT group_concat(g, ' ') FROM (
        SELECT DISTINCT hex(t.tenant_id) || 'x' || hex(substr(t.subject_lower, p.i, n.n)) AS g
        FROM p, (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3) AS n
        WHERE p.i + n.n - 1 <= length(t.subject_lower))
) AS grams
FROM {{.Prefix}}tickets AS t;

--bun:split

CREATE VIRTUAL TABLE IF NOT EXISTS {{.Prefix}}tickets_grams_fts USING fts5(
    grams,
    content = '',
    contentless_delete = 1,
    tokenize = 'ascii',
    detail = none
);

--bun:split

CREATE TRIGGER IF NOT EXISTS {{.Prefix}}tickets_grams_insert AFTER INSERT ON {{.Prefix}}tickets BEGIN
    INSERT INTO {{.Prefix}}tickets_grams_fts (rowid, grams)
        SELECT rid, grams FROM {{.Prefix}}tickets_text_grams WHERE rid = new.rowid;
END;

--bun:split

CREATE TRIGGER IF NOT EXISTS {{.Prefix}}tickets_grams_delete AFTER DELETE ON {{.Prefix}}tickets BEGIN
    DELETE FROM {{.Prefix}}tickets_grams_fts WHERE rowid = old.rowid;
END;

--bun:split

CREATE TRIGGER IF NOT EXISTS {{.Prefix}}tickets_grams_update AFTER UPDATE OF subject_lower, tenant_id ON {{.Prefix}}tickets
    WHEN old.subject_lower IS NOT new.subject_lower OR old.tenant_id IS NOT new.tenant_id BEGIN
    DELETE FROM {{.Prefix}}tickets_grams_fts WHERE rowid = old.rowid;
    INSERT INTO {{.Prefix}}tickets_grams_fts (rowid, grams)
        SELECT rid, grams FROM {{.Prefix}}tickets_text_grams WHERE rid = new.rowid;
END;

--bun:split

INSERT INTO {{.Prefix}}tickets_grams_fts ({{.Prefix}}tickets_grams_fts) VALUES ('delete-all');

--bun:split

INSERT INTO {{.Prefix}}tickets_grams_fts (rowid, grams) SELECT rid, grams FROM {{.Prefix}}tickets_text_grams;
