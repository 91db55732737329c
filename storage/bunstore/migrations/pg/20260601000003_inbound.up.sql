-- Inbound message keys (storage.InboundStore): which messages, such as
-- emails by Message-ID, a tenant has ingested, so that a redelivered
-- message is acted on once. {{.Prefix}} is the table prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}inbound (
    tenant_id text NOT NULL,
    key       text NOT NULL,
    ticket_id text NOT NULL DEFAULT '',
    at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
