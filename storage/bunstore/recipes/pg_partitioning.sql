-- Partitioning the outbox and the history (events) for 100M rows on
-- PostgreSQL: a recipe for hosts, not a migration ticketkit runs. See
-- "Partitioning at 100M rows" in storage/bunstore's package doc.
--
-- Both tables are range-partitioned by their ID. ticketkit's IDs are
-- UUIDv7, whose text starts with the creation time in milliseconds, so a
-- range of IDs is a range of time: one partition per month, created
-- ahead by {{.Prefix}}add_id_partitions, and old months detached and
-- dropped in one cheap statement instead of deleted row by row. The ID
-- stays the primary key (the outbox) or unique (the history), as the
-- stores require, because it is the partition key. A DEFAULT partition
-- takes IDs outside every month (IDs a host chose itself).
--
-- Run it once, on a schema migrated by Store.Migrate, in a maintenance
-- window (it copies each table: at 100M rows, copy in batches into the
-- new table instead, then swap names in one short transaction).
-- {{.Prefix}} is the table prefix.

-- The lowest UUIDv7 text of the millisecond ts.
CREATE OR REPLACE FUNCTION {{.Prefix}}uuid7_floor(ts timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-0000-0000-000000000000'
    FROM (SELECT lpad(to_hex(floor(extract(epoch FROM ts) * 1000)::bigint), 12, '0') AS h) AS x
$$;

-- Creates the monthly partitions of tbl from the month of since, for
-- months months, unless they exist.
CREATE OR REPLACE FUNCTION {{.Prefix}}add_id_partitions(tbl text, since timestamptz, months int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    m timestamptz := date_trunc('month', since AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
BEGIN
    FOR i IN 0..months - 1 LOOP
        EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
            tbl || '_' || to_char(m AT TIME ZONE 'UTC', 'YYYYMM'), tbl,
            {{.Prefix}}uuid7_floor(m), {{.Prefix}}uuid7_floor(m + interval '1 month'));
        m := m + interval '1 month';
    END LOOP;
END
$$;

-- The outbox.
ALTER TABLE {{.Prefix}}outbox RENAME TO {{.Prefix}}outbox_unpartitioned;
DROP INDEX IF EXISTS {{.Prefix}}outbox_claim_idx;
DROP INDEX IF EXISTS {{.Prefix}}outbox_dead_idx;
DROP INDEX IF EXISTS {{.Prefix}}outbox_delivered_idx;
ALTER TABLE {{.Prefix}}outbox_unpartitioned RENAME CONSTRAINT {{.Prefix}}outbox_pkey TO {{.Prefix}}outbox_unpartitioned_pkey;
CREATE TABLE {{.Prefix}}outbox (LIKE {{.Prefix}}outbox_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY RANGE (id);
ALTER TABLE {{.Prefix}}outbox ADD CONSTRAINT {{.Prefix}}outbox_pkey PRIMARY KEY (id);
CREATE INDEX {{.Prefix}}outbox_claim_idx ON {{.Prefix}}outbox (next_attempt_at, created_at, id)
    WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX {{.Prefix}}outbox_dead_idx ON {{.Prefix}}outbox (tenant_id, id) WHERE dead_at IS NOT NULL;
CREATE INDEX {{.Prefix}}outbox_delivered_idx ON {{.Prefix}}outbox (delivered_at) WHERE delivered_at IS NOT NULL;
CREATE TABLE {{.Prefix}}outbox_default PARTITION OF {{.Prefix}}outbox DEFAULT;
SELECT {{.Prefix}}add_id_partitions('{{.Prefix}}outbox', now() - interval '1 month', 4);
INSERT INTO {{.Prefix}}outbox SELECT * FROM {{.Prefix}}outbox_unpartitioned;
DROP TABLE {{.Prefix}}outbox_unpartitioned;

-- The history. Its seq, which keeps the order lines were appended, comes
-- from a sequence of its own (PostgreSQL 15 allows no identity column
-- on a partitioned table); (id) stays unique and (seq, id) is the key.
ALTER TABLE {{.Prefix}}events RENAME TO {{.Prefix}}events_unpartitioned;
DROP INDEX IF EXISTS {{.Prefix}}events_ticket_idx;
ALTER TABLE {{.Prefix}}events_unpartitioned RENAME CONSTRAINT {{.Prefix}}events_pkey TO {{.Prefix}}events_unpartitioned_pkey;
ALTER TABLE {{.Prefix}}events_unpartitioned RENAME CONSTRAINT {{.Prefix}}events_id_key TO {{.Prefix}}events_unpartitioned_id_key;
CREATE SEQUENCE {{.Prefix}}events_seq;
SELECT setval('{{.Prefix}}events_seq', coalesce((SELECT max(seq) FROM {{.Prefix}}events_unpartitioned), 0) + 1, false);
CREATE TABLE {{.Prefix}}events (LIKE {{.Prefix}}events_unpartitioned INCLUDING DEFAULTS)
    PARTITION BY RANGE (id);
ALTER TABLE {{.Prefix}}events ALTER COLUMN seq SET DEFAULT nextval('{{.Prefix}}events_seq');
ALTER SEQUENCE {{.Prefix}}events_seq OWNED BY {{.Prefix}}events.seq;
ALTER TABLE {{.Prefix}}events ADD CONSTRAINT {{.Prefix}}events_pkey PRIMARY KEY (seq, id);
ALTER TABLE {{.Prefix}}events ADD CONSTRAINT {{.Prefix}}events_id_key UNIQUE (id);
CREATE INDEX {{.Prefix}}events_ticket_idx ON {{.Prefix}}events (tenant_id, ticket_id, seq);
CREATE TABLE {{.Prefix}}events_default PARTITION OF {{.Prefix}}events DEFAULT;
SELECT {{.Prefix}}add_id_partitions('{{.Prefix}}events', now() - interval '1 month', 4);
INSERT INTO {{.Prefix}}events SELECT * FROM {{.Prefix}}events_unpartitioned;
DROP TABLE {{.Prefix}}events_unpartitioned;

-- Each month, ahead of time:
--   SELECT {{.Prefix}}add_id_partitions('{{.Prefix}}outbox', now(), 3);
--   SELECT {{.Prefix}}add_id_partitions('{{.Prefix}}events', now(), 3);
-- To drop a month of delivered entries at once (check first that none
-- of its entries is pending or dead):
--   ALTER TABLE {{.Prefix}}outbox DETACH PARTITION {{.Prefix}}outbox_202601 CONCURRENTLY;
--   DROP TABLE {{.Prefix}}outbox_202601;
