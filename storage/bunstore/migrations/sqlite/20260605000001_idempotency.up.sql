-- Idempotency keys (storage.IdempotencyStore): the answer to a request
-- sent with an idempotency key, written in the transaction of the change
-- it answers, so that a retry gets the first answer. status 0 marks a
-- claim whose answer is not stored yet. {{.Prefix}} is the table prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}idempotency (
    tenant_id    text NOT NULL,
    key          text NOT NULL,
    request_hash text NOT NULL,
    status       integer NOT NULL DEFAULT 0,
    response     blob NOT NULL,
    at           text NOT NULL,
    expires_at   text NOT NULL,
    PRIMARY KEY (tenant_id, key)
);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}idempotency_expires_idx ON {{.Prefix}}idempotency (expires_at);
