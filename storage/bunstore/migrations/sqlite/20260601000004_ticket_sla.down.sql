ALTER TABLE {{.Prefix}}tickets ADD COLUMN sla text NOT NULL DEFAULT '{}';

--bun:split

ALTER TABLE {{.Prefix}}tickets ADD COLUMN sla_next_check_at text;

--bun:split

UPDATE {{.Prefix}}tickets SET
    sla = (SELECT s.state FROM {{.Prefix}}ticket_sla AS s WHERE s.ticket_id = {{.Prefix}}tickets.id),
    sla_next_check_at = (SELECT s.next_check_at FROM {{.Prefix}}ticket_sla AS s WHERE s.ticket_id = {{.Prefix}}tickets.id)
WHERE id IN (SELECT ticket_id FROM {{.Prefix}}ticket_sla);

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_sla_due_idx ON {{.Prefix}}tickets (sla_next_check_at, id)
    WHERE sla_next_check_at IS NOT NULL;

--bun:split

DROP TABLE IF EXISTS {{.Prefix}}ticket_sla;
