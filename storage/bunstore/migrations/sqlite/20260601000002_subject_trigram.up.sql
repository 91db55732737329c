-- Trigram index of ticket subjects, for the Text filter of TicketList:
-- an FTS5 table with the trigram tokenizer over the tickets table's
-- subject_lower column (external content: it stores the index, not a
-- copy of the subjects), kept in step by triggers. TicketList narrows a
-- search of three or more characters to the rowids whose subject holds
-- the term's trigrams, and still checks the exact substring with instr().
-- columnsize=0: nothing ranks results, so no per-row token counts.
-- Every statement is idempotent; 'rebuild' indexes the rows already
-- there (and rebuilds from scratch when run again).

CREATE VIRTUAL TABLE IF NOT EXISTS {{.Prefix}}tickets_fts USING fts5(
    subject_lower,
    content = '{{.Prefix}}tickets',
    content_rowid = 'rowid',
    tokenize = 'trigram',
    columnsize = 0
);

--bun:split

CREATE TRIGGER IF NOT EXISTS {{.Prefix}}tickets_fts_insert AFTER INSERT ON {{.Prefix}}tickets BEGIN
    INSERT INTO {{.Prefix}}tickets_fts (rowid, subject_lower) VALUES (new.rowid, new.subject_lower);
END;

--bun:split

CREATE TRIGGER IF NOT EXISTS {{.Prefix}}tickets_fts_delete AFTER DELETE ON {{.Prefix}}tickets BEGIN
    INSERT INTO {{.Prefix}}tickets_fts ({{.Prefix}}tickets_fts, rowid, subject_lower) VALUES ('delete', old.rowid, old.subject_lower);
END;

--bun:split

CREATE TRIGGER IF NOT EXISTS {{.Prefix}}tickets_fts_update AFTER UPDATE OF subject_lower ON {{.Prefix}}tickets
    WHEN old.subject_lower IS NOT new.subject_lower BEGIN
    INSERT INTO {{.Prefix}}tickets_fts ({{.Prefix}}tickets_fts, rowid, subject_lower) VALUES ('delete', old.rowid, old.subject_lower);
    INSERT INTO {{.Prefix}}tickets_fts (rowid, subject_lower) VALUES (new.rowid, new.subject_lower);
END;

--bun:split

INSERT INTO {{.Prefix}}tickets_fts ({{.Prefix}}tickets_fts) VALUES ('rebuild');
