-- Inbound message keys (storage.InboundStore): which messages, such as
-- emails by Message-ID, a tenant has ingested, so that a redelivered
-- message is acted on once. A key is at most 998 bytes (bunstore's
-- limit). {{.Prefix}} is the table prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}inbound (
    tenant_id VARBINARY(255) NOT NULL,
    `key`     VARBINARY(1000) NOT NULL,
    ticket_id VARBINARY(255) NOT NULL DEFAULT '',
    at        DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, `key`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
