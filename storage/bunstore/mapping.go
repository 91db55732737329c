package bunstore

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// utc returns t as the store keeps it: UTC at microsecond precision, the
// precision of PostgreSQL's timestamptz and of the text bun writes for
// SQLite. The zero time stays zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// fromDB returns a time read from the database in UTC; the zero time
// (and NULL) stay zero.
func fromDB(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// marshal encodes v as JSON text. A nil slice or map becomes "null", so
// that nil and empty survive a round trip.
func marshal(what string, v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("bunstore: encode %s: %w", what, err)
	}
	return string(b), nil
}

// unmarshal decodes JSON text written by marshal into v, a pointer to
// a zero value. "null", which most rows hold for their empty lists,
// leaves it zero without calling the decoder, as the decoder would.
func unmarshal(what, s string, v any) error {
	if s == "" || s == "null" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("bunstore: decode %s: %w", what, err)
	}
	return nil
}

// toTicketRow returns the row that stores t.
func toTicketRow(t *ticket.Ticket) (*ticketRow, error) {
	actions := make([]ticket.Action, len(t.Actions))
	for i, a := range t.Actions {
		a.DueAt, a.DoneAt = utc(a.DueAt), utc(a.DoneAt)
		actions[i] = a
	}
	if t.Actions == nil {
		actions = nil
	}
	r := &ticketRow{
		ID:             t.ID,
		TenantID:       t.TenantID,
		Number:         t.Number,
		Subject:        t.Subject,
		SubjectLower:   strings.ToLower(t.Subject),
		Description:    t.Description,
		Status:         t.Status,
		Priority:       t.Priority,
		Category:       t.Category,
		Department:     t.Department,
		Channel:        string(t.Channel),
		Kind:           string(t.Kind),
		Assignee:       t.Assignee,
		CustomerID:     t.Customer.ID,
		CustomerEmail:  strings.ToLower(t.Customer.Email),
		CustomerMobile: t.Customer.Mobile,
		CustomerOrg:    t.Customer.OrganisationID,
		Reason:         t.Reason,
		ClosureReason:  t.ClosureReason,
		FollowUpOf:     t.FollowUpOf,
		MergedInto:     t.MergedInto,
		CreatedBy:      t.CreatedBy,
		CreatedAt:      utc(t.CreatedAt),
		UpdatedAt:      utc(t.UpdatedAt),
		ClosedAt:       utc(t.ClosedAt),
		Version:        t.Version,
		ConfigVersion:  t.ConfigVersion,
		PriorityRank:   t.SortKeys.Priority,
		StatusRank:     t.SortKeys.Status,
		CategoryRank:   t.SortKeys.Category,
		SLADue:         t.SLA.DueKey(),
	}
	var err error
	for _, f := range []struct {
		dst  *string
		what string
		v    any
	}{
		{&r.Customer, "customer", t.Customer},
		{&r.Contacts, "contacts", t.Contacts},
		{&r.References, "references", t.References},
		{&r.Tags, "tags", t.Tags},
		{&r.Fields, "fields", t.Fields},
		{&r.Actions, "actions", actions},
	} {
		if *f.dst, err = marshal(f.what, f.v); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// toTicket returns the ticket a row stores.
func toTicket(r *ticketRow) (*ticket.Ticket, error) {
	t := &ticket.Ticket{
		ID:            r.ID,
		Number:        r.Number,
		TenantID:      r.TenantID,
		Subject:       r.Subject,
		Description:   r.Description,
		Status:        r.Status,
		Priority:      r.Priority,
		Category:      r.Category,
		Department:    r.Department,
		Channel:       ticket.Channel(r.Channel),
		Kind:          ticket.Kind(r.Kind),
		Assignee:      r.Assignee,
		Reason:        r.Reason,
		ClosureReason: r.ClosureReason,
		FollowUpOf:    r.FollowUpOf,
		MergedInto:    r.MergedInto,
		CreatedBy:     r.CreatedBy,
		CreatedAt:     fromDB(r.CreatedAt),
		UpdatedAt:     fromDB(r.UpdatedAt),
		ClosedAt:      fromDB(r.ClosedAt),
		Version:       r.Version,
		SLAVersion:    r.SLAVersion,
		ConfigVersion: r.ConfigVersion,
		SortKeys:      ticket.SortKeys{Priority: r.PriorityRank, Status: r.StatusRank, Category: r.CategoryRank},
	}
	for _, f := range []struct {
		what, src string
		v         any
	}{
		{"customer", r.Customer, &t.Customer},
		{"contacts", r.Contacts, &t.Contacts},
		{"references", r.References, &t.References},
		{"tags", r.Tags, &t.Tags},
		{"fields", r.Fields, &t.Fields},
		{"actions", r.Actions, &t.Actions},
		{"sla", noSLA(r.SLA), &t.SLA},
	} {
		if err := unmarshal(f.what, f.src, f.v); err != nil {
			return nil, fmt.Errorf("%w (ticket %s)", err, r.ID)
		}
	}
	for i := range t.Actions {
		t.Actions[i].DueAt = fromDB(t.Actions[i].DueAt)
		t.Actions[i].DoneAt = fromDB(t.Actions[i].DoneAt)
	}
	t.SLA = storage.StoredSLA(t.SLA)
	return t, nil
}

// noSLA returns state, the JSON of an SLA state read with slaColumns,
// as "" when it is the empty object of a ticket with no SLA row, so that
// unmarshal leaves the zero state without decoding "{}".
func noSLA(state string) string {
	if state == "{}" {
		return ""
	}
	return state
}

// toSLARow returns the row that stores t's SLA state at revision.
func toSLARow(t *ticket.Ticket, revision int64) (*slaRow, error) {
	sla := storage.StoredSLA(t.SLA)
	state, err := marshal("sla", sla)
	if err != nil {
		return nil, err
	}
	return &slaRow{TicketID: t.ID, TenantID: t.TenantID, State: state, NextCheckAt: sla.WakeAt(), Revision: revision}, nil
}

// toMessageRow returns the row that stores m.
func toMessageRow(m *ticket.Message) (*messageRow, error) {
	att, err := marshal("attachments", m.Attachments)
	if err != nil {
		return nil, err
	}
	return &messageRow{
		ID:          m.ID,
		TenantID:    m.TenantID,
		TicketID:    m.TicketID,
		Kind:        string(m.Kind),
		Type:        m.Type,
		AuthorID:    m.AuthorID,
		AuthorRole:  string(m.AuthorRole),
		Body:        m.Body,
		Attachments: att,
		CreatedAt:   utc(m.CreatedAt),
	}, nil
}

// toMessage returns the message a row stores.
func toMessage(r *messageRow) (*ticket.Message, error) {
	m := &ticket.Message{
		ID:         r.ID,
		TenantID:   r.TenantID,
		TicketID:   r.TicketID,
		Kind:       ticket.MessageKind(r.Kind),
		Type:       r.Type,
		AuthorID:   r.AuthorID,
		AuthorRole: ticket.Role(r.AuthorRole),
		Body:       r.Body,
		CreatedAt:  fromDB(r.CreatedAt),
	}
	if err := unmarshal("attachments", r.Attachments, &m.Attachments); err != nil {
		return nil, fmt.Errorf("%w (message %s)", err, r.ID)
	}
	return m, nil
}

// toEventRow returns the row that stores e.
func toEventRow(e *ticket.Event) eventRow {
	return eventRow{
		ID:        e.ID,
		TenantID:  e.TenantID,
		TicketID:  e.TicketID,
		ActorID:   e.ActorID,
		ActorRole: string(e.ActorRole),
		At:        utc(e.At),
		Field:     e.Field,
		Old:       e.Old,
		New:       e.New,
	}
}

// toEvent returns the event a row stores.
func toEvent(r *eventRow) *ticket.Event {
	return &ticket.Event{
		ID:        r.ID,
		TenantID:  r.TenantID,
		TicketID:  r.TicketID,
		ActorID:   r.ActorID,
		ActorRole: ticket.Role(r.ActorRole),
		At:        fromDB(r.At),
		Field:     r.Field,
		Old:       r.Old,
		New:       r.New,
	}
}

// toOutboxRow returns the row that stores e. A nil payload is stored
// empty; a zero NextAttemptAt is stored as CreatedAt, when the entry
// first becomes claimable.
func toOutboxRow(e *storage.OutboxEntry) outboxRow {
	payload := e.Payload
	if payload == nil {
		payload = []byte{}
	}
	next := e.NextAttemptAt
	if next.IsZero() {
		next = e.CreatedAt
	}
	return outboxRow{
		ID:            e.ID,
		TenantID:      e.TenantID,
		TicketID:      e.TicketID,
		Kind:          e.Kind,
		Payload:       payload,
		CreatedAt:     utc(e.CreatedAt),
		Attempts:      e.Attempts,
		NextAttemptAt: utc(next),
		LockedUntil:   utc(e.LockedUntil),
		LastError:     e.LastError,
		DeliveredAt:   utc(e.DeliveredAt),
		DeadAt:        utc(e.DeadAt),
	}
}

// toOutboxEntry returns the entry a row stores.
func toOutboxEntry(r *outboxRow) *storage.OutboxEntry {
	return &storage.OutboxEntry{
		ID:            r.ID,
		TenantID:      r.TenantID,
		TicketID:      r.TicketID,
		Kind:          r.Kind,
		Payload:       r.Payload,
		CreatedAt:     fromDB(r.CreatedAt),
		Attempts:      r.Attempts,
		NextAttemptAt: fromDB(r.NextAttemptAt),
		LockedUntil:   fromDB(r.LockedUntil),
		LastError:     r.LastError,
		DeliveredAt:   fromDB(r.DeliveredAt),
		DeadAt:        fromDB(r.DeadAt),
	}
}
