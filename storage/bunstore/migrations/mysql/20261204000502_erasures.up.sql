-- Tombstones of customer erasures (storage.CustomerEraser): who erased
-- whose data when, and how many rows; never the data itself.
-- erasures_customer_idx serves a tenant's list, optionally of one
-- customer (declared in CREATE TABLE, as MySQL 8 has no CREATE INDEX IF
-- NOT EXISTS). {{.Prefix}} is the table prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}erasures (
    id          VARBINARY(255) NOT NULL,
    tenant_id   VARBINARY(255) NOT NULL,
    customer_id VARBINARY(255) NOT NULL,
    actor_id    VARCHAR(255) NOT NULL DEFAULT '',
    actor_role  VARCHAR(64) NOT NULL DEFAULT '',
    at          DATETIME(6) NOT NULL,
    reason      TEXT NOT NULL,
    tickets     INT NOT NULL DEFAULT 0,
    messages    INT NOT NULL DEFAULT 0,
    attachments INT NOT NULL DEFAULT 0,
    events      INT NOT NULL DEFAULT 0,
    outbox      INT NOT NULL DEFAULT 0,
    inbound     INT NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    INDEX {{.Prefix}}erasures_customer_idx (tenant_id, customer_id, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
