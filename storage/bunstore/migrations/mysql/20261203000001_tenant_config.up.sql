-- Tenants' configurations (storage.ConfigStore): one row per version of
-- a tenant's configuration, numbered from 1; the primary key makes two
-- transactions saving the same version conflict. data is the
-- configuration as the Desk wrote it (JSON), opaque to the store, kept
-- byte for byte in a LONGBLOB. {{.Prefix}} is the table prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}tenant_configs (
    tenant_id  VARBINARY(255) NOT NULL,
    version    BIGINT NOT NULL,
    data       LONGBLOB NOT NULL,
    created_by TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
