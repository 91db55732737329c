-- Tombstones of customer erasures (storage.CustomerEraser): who erased
-- whose data when, and how many rows; never the data itself.
-- erasures_customer_idx serves a tenant's list, optionally of one
-- customer. {{.Prefix}} is the table prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}erasures (
    id          text NOT NULL PRIMARY KEY,
    tenant_id   text NOT NULL,
    customer_id text NOT NULL,
    actor_id    text NOT NULL DEFAULT '',
    actor_role  text NOT NULL DEFAULT '',
    at          text NOT NULL,
    reason      text NOT NULL DEFAULT '',
    tickets     integer NOT NULL DEFAULT 0,
    messages    integer NOT NULL DEFAULT 0,
    attachments integer NOT NULL DEFAULT 0,
    events      integer NOT NULL DEFAULT 0,
    outbox      integer NOT NULL DEFAULT 0,
    inbound     integer NOT NULL DEFAULT 0
);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}erasures_customer_idx ON {{.Prefix}}erasures (tenant_id, customer_id, at);
