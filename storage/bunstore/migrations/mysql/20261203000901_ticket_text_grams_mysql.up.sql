-- The Text filter's index of TicketList on MySQL and MariaDB, tenant by
-- tenant and for terms of any length (issue 20 item 4; PostgreSQL and
-- SQLite got theirs in 20261203000201). {{.Prefix}}ticket_text_grams holds
-- one row per distinct substring of a ticket's subject_lower that starts
-- at some character and runs for three characters, or fewer at the end
-- of the subject: (tenant, gram, ticket), all three in its primary key,
-- so that "which of this tenant's tickets hold this gram" is a range read
-- of the primary key that touches no other tenant and no ticket row.
-- A term of three characters or fewer is the prefix of the gram starting
-- where it occurs (gram LIKE 'term%'), a longer one holds its trigrams
-- as whole grams; the store still checks the exact substring with LIKE.
-- About one row per character of a subject (a 40-character subject: 40
-- rows at most), where one-, two- and three-character keys would be
-- three per character.
--
-- Triggers keep the table in step with the tickets inside the writing
-- transaction, whatever statement writes them (the store's, an import, a
-- host's own SQL). Positions come from a recursive CTE bounded by the
-- subject's length, and at most 1,000 of them (MySQL 8's default
-- cte_max_recursion_depth): a subject is indexed on its first 1,000
-- characters, which is all of it for a subject Desk.Open accepts (200).
-- {{.Prefix}} is the table prefix.
CREATE TABLE IF NOT EXISTS {{.Prefix}}ticket_text_grams (
    tenant_id VARBINARY(255) NOT NULL,
    gram      VARBINARY(12) NOT NULL,
    ticket_id VARBINARY(255) NOT NULL,
    PRIMARY KEY (tenant_id, gram, ticket_id)
) ENGINE=InnoDB;

--bun:split

--ticketkit:unless-trigger {{.Prefix}}tickets {{.Prefix}}tickets_text_grams_insert
CREATE TRIGGER {{.Prefix}}tickets_text_grams_insert AFTER INSERT ON {{.Prefix}}tickets FOR EACH ROW
    INSERT IGNORE INTO {{.Prefix}}ticket_text_grams (tenant_id, gram, ticket_id)
    WITH RECURSIVE p (i) AS (
        SELECT 1 UNION ALL SELECT i + 1 FROM p WHERE i < LEAST(CHAR_LENGTH(NEW.subject_lower), 1000))
    SELECT NEW.tenant_id, CAST(SUBSTRING(NEW.subject_lower, p.i, 3) AS BINARY), NEW.id
    FROM p WHERE CHAR_LENGTH(NEW.subject_lower) > 0;

--bun:split

--ticketkit:unless-trigger {{.Prefix}}tickets {{.Prefix}}tickets_text_grams_delete
CREATE TRIGGER {{.Prefix}}tickets_text_grams_delete AFTER DELETE ON {{.Prefix}}tickets FOR EACH ROW
    DELETE FROM {{.Prefix}}ticket_text_grams
    WHERE tenant_id = OLD.tenant_id AND ticket_id = OLD.id AND gram IN (
        WITH RECURSIVE p (i) AS (
            SELECT 1 UNION ALL SELECT i + 1 FROM p WHERE i < LEAST(CHAR_LENGTH(OLD.subject_lower), 1000))
        SELECT CAST(SUBSTRING(OLD.subject_lower, p.i, 3) AS BINARY) FROM p);

--bun:split

--ticketkit:unless-trigger {{.Prefix}}tickets {{.Prefix}}tickets_text_grams_update
CREATE TRIGGER {{.Prefix}}tickets_text_grams_update AFTER UPDATE ON {{.Prefix}}tickets FOR EACH ROW
BEGIN
    IF NOT (OLD.subject_lower <=> NEW.subject_lower AND OLD.tenant_id <=> NEW.tenant_id AND OLD.id <=> NEW.id) THEN
        DELETE FROM {{.Prefix}}ticket_text_grams
        WHERE tenant_id = OLD.tenant_id AND ticket_id = OLD.id AND gram IN (
            WITH RECURSIVE p (i) AS (
                SELECT 1 UNION ALL SELECT i + 1 FROM p WHERE i < LEAST(CHAR_LENGTH(OLD.subject_lower), 1000))
            SELECT CAST(SUBSTRING(OLD.subject_lower, p.i, 3) AS BINARY) FROM p);
        INSERT IGNORE INTO {{.Prefix}}ticket_text_grams (tenant_id, gram, ticket_id)
        WITH RECURSIVE p (i) AS (
            SELECT 1 UNION ALL SELECT i + 1 FROM p WHERE i < LEAST(CHAR_LENGTH(NEW.subject_lower), 1000))
        SELECT NEW.tenant_id, CAST(SUBSTRING(NEW.subject_lower, p.i, 3) AS BINARY), NEW.id
        FROM p WHERE CHAR_LENGTH(NEW.subject_lower) > 0;
    END IF;
END

--bun:split

-- The tickets stored before this migration, in one statement.
INSERT IGNORE INTO {{.Prefix}}ticket_text_grams (tenant_id, gram, ticket_id)
WITH RECURSIVE p (i) AS (
    SELECT 1 UNION ALL SELECT i + 1 FROM p WHERE i < 1000)
SELECT t.tenant_id, CAST(SUBSTRING(t.subject_lower, p.i, 3) AS BINARY), t.id
FROM {{.Prefix}}tickets AS t JOIN p ON p.i <= CHAR_LENGTH(t.subject_lower);
