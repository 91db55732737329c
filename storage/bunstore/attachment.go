package bunstore

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.AttachmentRefChecker = (*Store)(nil)

// attachmentRefRow is a row of the attachment_refs table: one blob key a
// message's attachments name.
type attachmentRefRow struct {
	bun.BaseModel `bun:"table:attachment_refs"`

	Key       string `bun:"key,pk"`
	MessageID string `bun:"message_id,pk"`
	TenantID  string `bun:"tenant_id"`
}

// attachmentRefsTable returns the prefixed name of the attachment_refs
// table.
func (s *Store) attachmentRefsTable() bun.Ident { return bun.Ident(s.prefix + "attachment_refs") }

// attachmentRefRows returns the reference rows of m's attachments, one
// per distinct non-empty key.
func attachmentRefRows(m *ticket.Message) []attachmentRefRow {
	var rows []attachmentRefRow
	seen := make(map[string]bool, len(m.Attachments))
	for _, a := range m.Attachments {
		if a.Key == "" || seen[a.Key] {
			continue
		}
		seen[a.Key] = true
		rows = append(rows, attachmentRefRow{Key: a.Key, MessageID: m.ID, TenantID: m.TenantID})
	}
	return rows
}

// insertAttachmentRefs stores the reference rows of a message in one
// statement.
func (s *Store) insertAttachmentRefs(ctx context.Context, op string, rows []attachmentRefRow) error {
	_, err := s.doNothingOnConflict(s.db.NewInsert().Model(&rows).ModelTableExpr("?", s.attachmentRefsTable()),
		"", "message_id").Returning("NULL").Exec(ctx)
	return translate(op, err)
}

// AttachmentRefCheck returns the keys that an attachment of a stored
// message or complaint references, in any tenant, in two set-based
// queries: the keys of messages through the attachment_refs primary key,
// then, for the keys still unreferenced (usually none, or the few that
// are orphans), the attachments in the complaints' JSON.
func (s *Store) AttachmentRefCheck(ctx context.Context, p storage.AttachmentRefCheckParams) ([]string, error) {
	const op = "check attachment references"
	if len(p.Keys) > storage.MaxLimit {
		return nil, fmt.Errorf("bunstore: %s: %d keys, more than %d", op, len(p.Keys), storage.MaxLimit)
	}
	want := make(map[string]bool, len(p.Keys))
	keys := make([]string, 0, len(p.Keys))
	for _, k := range p.Keys {
		if k != "" && !want[k] {
			want[k] = true
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	var found []string
	err := s.db.NewSelect().ColumnExpr("DISTINCT r.key").ModelTableExpr("? AS r", s.attachmentRefsTable()).
		Where("r.key IN (?)", bun.List(keys)).Scan(ctx, &found)
	if err != nil {
		return nil, translate(op, err)
	}
	for _, k := range found {
		delete(want, k)
	}
	if len(want) == 0 {
		return found, nil
	}
	rest := make([]string, 0, len(want))
	for _, k := range keys {
		if want[k] {
			rest = append(rest, k)
		}
	}
	var inComplaints []string
	if err := s.db.NewRaw(s.complaintKeysQuery(), s.complaintsTable(), bun.List(rest)).Scan(ctx, &inComplaints); err != nil {
		return nil, translate(op, err)
	}
	return append(found, inComplaints...), nil
}

// complaintKeysQuery returns the query of the distinct keys, among a
// list, that attachments of complaint documents name. Its arguments are
// the complaints table and the list.
func (s *Store) complaintKeysQuery() string {
	if s.dialect == DialectMySQL {
		return `SELECT DISTINCT a.k FROM ? AS c,
JSON_TABLE(IF(JSON_TYPE(JSON_EXTRACT(c.details, '$.attachments')) = 'ARRAY', JSON_EXTRACT(c.details, '$.attachments'), '[]'),
	'$[*]' COLUMNS (k VARCHAR(1024) CHARACTER SET utf8mb4 PATH '$.key')) AS a
WHERE a.k IN (?)`
	}
	if s.dialect == DialectPostgres {
		return `SELECT DISTINCT a.value->>'key' FROM ? AS c
CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(c.details->'attachments') = 'array'
	THEN c.details->'attachments' ELSE '[]'::jsonb END) AS a(value)
WHERE a.value->>'key' IN (?)`
	}
	return `SELECT DISTINCT r.key FROM (
	SELECT CASE WHEN a.type = 'object' THEN json_extract(a.value, '$.key') END AS key
	FROM ? AS c, json_each(c.details, '$.attachments') AS a
) AS r
WHERE r.key IN (?)`
}
