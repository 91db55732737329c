DROP TABLE IF EXISTS {{.Prefix}}idempotency;
