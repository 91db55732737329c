-- Tenants' configurations (storage.ConfigStore): one row per version of
-- a tenant's configuration, numbered from 1; the primary key makes two
-- transactions saving the same version conflict. data is the
-- configuration as the Desk wrote it (JSON), opaque to the store.
-- {{.Prefix}} is the table prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}tenant_configs (
    tenant_id  text NOT NULL,
    version    bigint NOT NULL,
    data       blob NOT NULL,
    created_by text NOT NULL,
    created_at text NOT NULL,
    PRIMARY KEY (tenant_id, version)
);
