-- Satisfaction ratings (ticketkit's Desk.Rate, RateTicket;
-- storage.RatingStore): at most one per ticket, which the primary key
-- enforces across transactions and processes. rated_on is the UTC day
-- ("2006-01-02"); ratings_report_idx serves the reports of a period.
-- {{.Prefix}} is the table prefix.
CREATE TABLE IF NOT EXISTS {{.Prefix}}ratings (
    tenant_id   text COLLATE "C" NOT NULL,
    ticket_id   text COLLATE "C" NOT NULL,
    score       smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment     text NOT NULL DEFAULT '',
    customer_id text COLLATE "C" NOT NULL DEFAULT '',
    agent_id    text COLLATE "C" NOT NULL DEFAULT '',
    department  text COLLATE "C" NOT NULL DEFAULT '',
    category    text COLLATE "C" NOT NULL DEFAULT '',
    rated_on    text COLLATE "C" NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, ticket_id)
);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}ratings_report_idx ON {{.Prefix}}ratings (tenant_id, rated_on);
