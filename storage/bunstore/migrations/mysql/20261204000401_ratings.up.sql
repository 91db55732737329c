-- Satisfaction ratings (ticketkit's Desk.Rate, RateTicket;
-- storage.RatingStore): at most one per ticket, which the primary key
-- enforces across transactions and processes. rated_on is the UTC day
-- ("2006-01-02"); ratings_report_idx serves the reports of a period
-- (declared in CREATE TABLE, as MySQL 8 has no CREATE INDEX IF NOT
-- EXISTS). IDs are VARBINARY, compared byte-wise (see
-- 20260601000001_init). {{.Prefix}} is the table prefix.
CREATE TABLE IF NOT EXISTS {{.Prefix}}ratings (
    tenant_id   VARBINARY(255) NOT NULL,
    ticket_id   VARBINARY(255) NOT NULL,
    score       SMALLINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment     TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT (''),
    customer_id VARBINARY(255) NOT NULL DEFAULT '',
    agent_id    VARBINARY(255) NOT NULL DEFAULT '',
    department  VARBINARY(255) NOT NULL DEFAULT '',
    category    VARBINARY(255) NOT NULL DEFAULT '',
    rated_on    VARBINARY(10) NOT NULL,
    created_at  DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, ticket_id),
    INDEX {{.Prefix}}ratings_report_idx (tenant_id, rated_on)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
