-- Idempotency keys (storage.IdempotencyStore): the answer to a request
-- sent with an idempotency key, written in the transaction of the change
-- it answers, so that a retry gets the first answer. status 0 marks a
-- claim whose answer is not stored yet. {{.Prefix}} is the table prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}idempotency (
    tenant_id    VARBINARY(255) NOT NULL,
    `key`        VARBINARY(255) NOT NULL,
    request_hash VARBINARY(255) NOT NULL,
    status       INT NOT NULL DEFAULT 0,
    response     LONGBLOB NOT NULL,
    at           DATETIME(6) NOT NULL,
    expires_at   DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, `key`),
    INDEX {{.Prefix}}idempotency_expires_idx (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
