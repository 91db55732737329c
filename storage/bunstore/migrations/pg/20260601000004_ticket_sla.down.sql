ALTER TABLE {{.Prefix}}tickets ADD COLUMN IF NOT EXISTS sla jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS sla_next_check_at timestamptz;

--bun:split

UPDATE {{.Prefix}}tickets AS t SET sla = s.state, sla_next_check_at = s.next_check_at
FROM {{.Prefix}}ticket_sla AS s WHERE s.ticket_id = t.id;

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_sla_due_idx ON {{.Prefix}}tickets (sla_next_check_at, id)
    WHERE sla_next_check_at IS NOT NULL;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}ticket_sla;
