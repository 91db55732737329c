package storage

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/ticketkit/ticketkit/ticket"
)

// ChangeWriter is implemented by a [Store] (and the [Tx] its RunInTx
// hands out) that writes all the rows of one change, a new ticket with
// its number, first message, history lines and outbox entries, in one
// statement: one round trip instead of one per row, and, called on the
// Store, no BEGIN and COMMIT. The Bun store implements it: in one
// statement on PostgreSQL, with the per-row methods elsewhere. Without
// it the Desk writes the same rows with the Tx methods in a transaction
// ([WriteChange] is that path).
type ChangeWriter interface {
	// ChangeWrite stores c as [WriteChange] does, atomically: when it
	// fails nothing of c is stored. Called on a Store it needs no
	// transaction; called on a Tx the rows commit with it.
	ChangeWrite(ctx context.Context, c *Change) error
}

// ChangeUpdater is implemented by a [Store] that writes the change of an
// existing ticket, its version-checked update with its message, history
// lines and outbox entries ([Change.Update]), as one write: on the
// Store, with no transaction of the caller's. The Desk then reads the
// ticket outside a transaction, checks the change in Go and sends all
// of its rows at once, reading again when another writer won the race
// (optimistic concurrency). The Bun store implements it: in one
// statement on PostgreSQL, with the per-row methods in one transaction
// elsewhere. Without it the Desk reads and writes in one transaction.
type ChangeUpdater interface {
	// ChangeUpdate stores c, whose Update must be set, as [WriteChange]
	// in one transaction does, atomically: when the ticket's version or
	// SLA version is stale the error wraps ErrConflict, for an unknown
	// ticket ErrNotFound, and nothing of c is stored.
	ChangeUpdate(ctx context.Context, c *Change) error
}

// Change is the rows of one change, written together by
// [ChangeWriter.ChangeWrite] or [WriteChange]. Every part is optional.
type Change struct {
	// Number, when set, draws the number of Create from a counter and
	// puts it in place of Number.Placeholder in Create.Number, in the
	// Old and New of Events and in the Payload of Outbox.
	Number *NumberDraw
	// Create is a new ticket, stored as [Tx.TicketCreate] stores it (its
	// Version, Kind and SLAVersion are set).
	Create *ticket.Ticket
	// Update is a changed ticket, stored as [Tx.TicketUpdate] stores it:
	// only if its Version and SLAVersion are the stored ones, else
	// nothing of the change is stored and the error wraps ErrConflict
	// (ErrNotFound for an unknown ticket); its Version and SLAVersion
	// are set to the new ones. Only a [ChangeUpdater] writes it (a
	// [ChangeWriter] may ignore it); it excludes Create and Number.
	Update *ticket.Ticket
	// Message is a new message, stored as [Tx.MessageCreate] stores it.
	Message *ticket.Message
	// Events are history lines, appended as [Tx.EventCreate] appends
	// them.
	Events []*ticket.Event
	// Outbox are notifications, stored as [Tx.OutboxCreate] stores them.
	Outbox []*OutboxEntry
}

// NumberDraw draws a ticket's number inside a [Change]: the counter of
// TenantID and Scope is incremented as [Tx.SequenceNext] increments it,
// and the number is Layout.Format of the new value.
type NumberDraw struct {
	// TenantID and Scope name the counter (see SequenceNextParams).
	TenantID string
	Scope    string
	// Layout renders the number.
	Layout ticket.NumberLayout
	// Placeholder is the text the change's rows carry where the number
	// goes; it must be non-empty, and appear nowhere else in them.
	Placeholder string
	// Seq and Value are set by the write: the counter's new value and
	// the number.
	Seq   int64
	Value string
}

// CheckChange reports what makes c unwritable: a nil change, or a
// NumberDraw without tenant, placeholder or ticket. A [ChangeWriter]
// calls it first.
func CheckChange(c *Change) error {
	if c == nil {
		return fmt.Errorf("storage: write change: change is nil")
	}
	if c.Update != nil && (c.Create != nil || c.Number != nil) {
		return fmt.Errorf("storage: write change: Update excludes Create and Number")
	}
	if n := c.Number; n != nil {
		switch {
		case n.TenantID == "":
			return fmt.Errorf("storage: write change: Number.TenantID is required")
		case n.Placeholder == "":
			return fmt.Errorf("storage: write change: Number.Placeholder is required")
		case c.Create == nil:
			return fmt.Errorf("storage: write change: Number needs a Create")
		}
	}
	return nil
}

// SetNumber records that n drew seq: it sets n.Seq and n.Value and puts
// the number in place of the placeholder in c's ticket number, history
// lines and outbox payloads, as a [ChangeWriter] does once its
// statement has drawn it.
func (c *Change) SetNumber(seq int64, value string) {
	n := c.Number
	n.Seq, n.Value = seq, value
	if c.Create != nil {
		c.Create.Number = strings.ReplaceAll(c.Create.Number, n.Placeholder, value)
	}
	for _, e := range c.Events {
		e.Old = strings.ReplaceAll(e.Old, n.Placeholder, value)
		e.New = strings.ReplaceAll(e.New, n.Placeholder, value)
	}
	for _, o := range c.Outbox {
		o.Payload = bytes.ReplaceAll(o.Payload, []byte(n.Placeholder), []byte(value))
	}
}

// WriteChange writes c through tx's per-row methods: SequenceNext,
// TicketCreate or TicketUpdate, MessageCreate, EventCreate and
// OutboxCreate, in that order. It is what a [ChangeWriter] does in one statement; call it
// inside RunInTx, which rolls back what it wrote when it fails.
func WriteChange(ctx context.Context, tx Tx, c *Change) error {
	if err := CheckChange(c); err != nil {
		return err
	}
	if n := c.Number; n != nil {
		seq, err := tx.SequenceNext(ctx, SequenceNextParams{TenantID: n.TenantID, Scope: n.Scope})
		if err != nil {
			return err
		}
		c.SetNumber(seq, n.Layout.Format(seq))
	}
	if c.Create != nil {
		if err := tx.TicketCreate(ctx, c.Create); err != nil {
			return err
		}
	}
	if c.Update != nil {
		if err := tx.TicketUpdate(ctx, c.Update); err != nil {
			return err
		}
	}
	if c.Message != nil {
		if err := tx.MessageCreate(ctx, c.Message); err != nil {
			return err
		}
	}
	if len(c.Events) > 0 {
		if err := tx.EventCreate(ctx, c.Events); err != nil {
			return err
		}
	}
	if len(c.Outbox) > 0 {
		return tx.OutboxCreate(ctx, c.Outbox)
	}
	return nil
}
