package ticketkit

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// ReadAuditor is told when staff read a ticket, for an audit trail of
// who read which customer's data when (GDPR article 30 records, access
// reviews). Set it as Config.ReadAudit. Customers' reads of their own
// tickets are not reported.
type ReadAuditor interface {
	// AuditRead records one read. It runs before the read's answer is
	// returned, on the caller's goroutine, so it should be quick (queue
	// the record). An error fails the read with it: an auditor that
	// must not lose a record refuses the read it cannot record; one
	// that must never stand in the way returns nil.
	AuditRead(ctx context.Context, r ReadRecord) error
}

// ReadAuditorFunc is a function that is a [ReadAuditor].
type ReadAuditorFunc func(ctx context.Context, r ReadRecord) error

// AuditRead calls f.
func (f ReadAuditorFunc) AuditRead(ctx context.Context, r ReadRecord) error { return f(ctx, r) }

// ReadWhat says what of a ticket was read.
type ReadWhat string

// What a [ReadRecord] reports read.
const (
	ReadTicket   ReadWhat = "ticket"   // ReadTicket: the ticket itself (Desk.Get, GetByNumber).
	ReadMessages ReadWhat = "messages" // ReadMessages: a page of its messages (Desk.Messages).
	ReadHistory  ReadWhat = "history"  // ReadHistory: its history (Desk.History).
)

// ReadRecord is one read of a ticket by staff.
type ReadRecord struct {
	// Actor is who read: their tenant, user ID and role.
	Actor ticket.Actor
	// TenantID, TicketID and TicketNumber name the ticket read.
	TenantID     string
	TicketID     string
	TicketNumber string
	// CustomerID is the ticket's customer, whose data was read.
	CustomerID string
	// What says what was read.
	What ReadWhat
	// At is when, by Config.Clock.
	At time.Time
}

// auditRead reports a staff read of t to Config.ReadAudit, if any.
func (d *Desk) auditRead(ctx context.Context, actor ticket.Actor, t *ticket.Ticket, what ReadWhat) error {
	if d.readAudit == nil || t == nil || !actor.Role.Staff() {
		return nil
	}
	err := d.readAudit.AuditRead(ctx, ReadRecord{
		Actor: actor, TenantID: t.TenantID, TicketID: t.ID, TicketNumber: t.Number,
		CustomerID: t.Customer.ID, What: what, At: d.now(),
	})
	if err != nil {
		return fmt.Errorf("ticketkit: read audit of %s %s: %w", what, t.ID, err)
	}
	return nil
}

// auditMessages reports a staff read of messages of any tickets (a
// listing without a ticket): one record per ticket, which names the
// ticket by ID only.
func (d *Desk) auditMessages(ctx context.Context, actor ticket.Actor, ms []*ticket.Message) error {
	if d.readAudit == nil || !actor.Role.Staff() {
		return nil
	}
	seen := make(map[string]bool)
	for _, m := range ms {
		if seen[m.TicketID] {
			continue
		}
		seen[m.TicketID] = true
		if err := d.auditRead(ctx, actor, &ticket.Ticket{TenantID: m.TenantID, ID: m.TicketID}, ReadMessages); err != nil {
			return err
		}
	}
	return nil
}
