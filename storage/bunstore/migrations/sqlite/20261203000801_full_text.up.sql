-- Full-text indexes for TicketFilter.Query (issue 16 item 4): FTS5
-- tables with the unicode61 tokenizer (words of letters and digits,
-- case folded, diacritics kept) over the tickets' subject and
-- description and the messages' body, external content (the index, not
-- a copy of the texts) kept in step by triggers. TicketList matches each
-- query word as a quoted FTS5 string (never syntax) and joins the rows
-- back by rowid to keep the tenant's tickets (and, for customers, no
-- internal notes). 'rebuild' indexes the rows already there.
-- {{.Prefix}} is the table prefix.
CREATE VIRTUAL TABLE IF NOT EXISTS {{.Prefix}}tickets_words_fts USING fts5(
    subject,
    description,
    content = '{{.Prefix}}tickets',
    content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 0',
    columnsize = 0,
    detail = none
);

--bun:split

CREATE TRIGGER IF NOT EXISTS {{.Prefix}}tickets_words_fts_insert AFTER INSERT ON {{.Prefix}}tickets BEGIN
    INSERT INTO {{.Prefix}}tickets_words_fts (rowid, subject, description) VALUES (new.rowid, new.subject, new.description);
END;

--bun:split

CREATE TRIGGER IF NOT EXISTS {{.Prefix}}tickets_words_fts_delete AFTER DELETE ON {{.Prefix}}tickets BEGIN
    INSERT INTO {{.Prefix}}tickets_words_fts ({{.Prefix}}tickets_words_fts, rowid, subject, description) VALUES ('delete', old.rowid, old.subject, old.description);
END;

--bun:split

CREATE TRIGGER IF NOT EXISTS {{.Prefix}}tickets_words_fts_update AFTER UPDATE OF subject, description ON {{.Prefix}}tickets
    WHEN old.subject IS NOT new.subject OR old.description IS NOT new.description BEGIN
    INSERT INTO {{.Prefix}}tickets_words_fts ({{.Prefix}}tickets_words_fts, rowid, subject, description) VALUES ('delete', old.rowid, old.subject, old.description);
    INSERT INTO {{.Prefix}}tickets_words_fts (rowid, subject, description) VALUES (new.rowid, new.subject, new.description);
END;

--bun:split

INSERT INTO {{.Prefix}}tickets_words_fts ({{.Prefix}}tickets_words_fts) VALUES ('rebuild');

--bun:split

CREATE VIRTUAL TABLE IF NOT EXISTS {{.Prefix}}messages_words_fts USING fts5(
    body,
    content = '{{.Prefix}}messages',
    content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 0',
    columnsize = 0,
    detail = none
);

--bun:split

CREATE TRIGGER IF NOT EXISTS {{.Prefix}}messages_words_fts_insert AFTER INSERT ON {{.Prefix}}messages BEGIN
    INSERT INTO {{.Prefix}}messages_words_fts (rowid, body) VALUES (new.rowid, new.body);
END;

--bun:split

CREATE TRIGGER IF NOT EXISTS {{.Prefix}}messages_words_fts_delete AFTER DELETE ON {{.Prefix}}messages BEGIN
    INSERT INTO {{.Prefix}}messages_words_fts ({{.Prefix}}messages_words_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
END;

--bun:split

CREATE TRIGGER IF NOT EXISTS {{.Prefix}}messages_words_fts_update AFTER UPDATE OF body ON {{.Prefix}}messages
    WHEN old.body IS NOT new.body BEGIN
    INSERT INTO {{.Prefix}}messages_words_fts ({{.Prefix}}messages_words_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
    INSERT INTO {{.Prefix}}messages_words_fts (rowid, body) VALUES (new.rowid, new.body);
END;

--bun:split

INSERT INTO {{.Prefix}}messages_words_fts ({{.Prefix}}messages_words_fts) VALUES ('rebuild');
