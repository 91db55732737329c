package ticketkit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ErrRetentionUnsupported: the store cannot delete old rows
// (storage.Pruner); it wraps storage.ErrUnsupported.
var ErrRetentionUnsupported = fmt.Errorf("ticketkit: the store does not prune old rows: %w", storage.ErrUnsupported)

// RetentionConfig says how long the Desk keeps what it needs only for a
// while: delivered notifications in the outbox and the records of
// ingested inbound mail that stop a message delivered twice from being
// acted on twice. [Desk.RunRetention] deletes what is older, and an
// [EscalationWorker] with a RetentionInterval runs it periodically. Zero
// values keep rows forever, as before.
type RetentionConfig struct {
	// OutboxAfter is how long a delivered outbox entry is kept after its
	// delivery. Pending entries and dead letters are never deleted.
	// Default 0: kept forever.
	OutboxAfter time.Duration
	// InboundAfter is how long the record of an ingested inbound message
	// (storage.InboundStore) is kept. A message delivered again after
	// its record is deleted is acted on again: choose a period well past
	// the mail servers' retry periods (several days). Default 0: kept
	// forever.
	InboundAfter time.Duration
	// BatchSize is the most rows one statement deletes; each batch is a
	// transaction of its own, so writers wait at most for one batch.
	// Default [DefaultRetentionBatchSize]; at most
	// storage.MaxPruneLimit.
	BatchSize int
	// MaxBatches bounds one pass of [Desk.RunRetention] per kind of row,
	// so that a first pass over years of rows ends and the next pass
	// goes on. Default [DefaultRetentionMaxBatches].
	MaxBatches int
	// ClosedTicketsAfter is how long a closed ticket is kept after it
	// was closed (Ticket.ClosedAt); then [Desk.RunRetention] archives
	// it (see Archive) and deletes it with everything kept about it (see
	// [Desk.RunRetention]). A tenant's configuration may set its own
	// period ([TenantConfig].Retention). Default 0: kept forever.
	ClosedTicketsAfter time.Duration
	// Archive, when set, is given each closed ticket's full export
	// before the ticket is deleted; a ticket whose Archive fails (an
	// error, a panic or ArchiveTimeout) is not deleted. Default: none,
	// closed tickets are deleted without an archive.
	Archive TicketArchiver
	// ArchiveTimeout bounds one Archive call (its context's deadline).
	// Default [DefaultRetentionArchiveTimeout].
	ArchiveTimeout time.Duration
	// TicketBatchSize is the most closed tickets one transaction
	// archives and deletes; the tickets stay locked while Archive runs.
	// Default [DefaultRetentionTicketBatchSize]; at most
	// storage.MaxClosedClaimLimit.
	TicketBatchSize int
}

// Defaults of [RetentionConfig].
const (
	// DefaultRetentionBatchSize is the default of
	// RetentionConfig.BatchSize.
	DefaultRetentionBatchSize = 1000
	// DefaultRetentionMaxBatches is the default of
	// RetentionConfig.MaxBatches.
	DefaultRetentionMaxBatches = 1000
	// DefaultRetentionTicketBatchSize is the default of
	// RetentionConfig.TicketBatchSize.
	DefaultRetentionTicketBatchSize = 50
	// DefaultRetentionArchiveTimeout is the default of
	// RetentionConfig.ArchiveTimeout.
	DefaultRetentionArchiveTimeout = time.Minute
)

// WithDefaults returns a copy of c with every zero field set to its
// documented default. [Config.WithDefaults] calls it.
func (c RetentionConfig) WithDefaults() RetentionConfig {
	c.BatchSize = cmp.Or(c.BatchSize, DefaultRetentionBatchSize)
	c.MaxBatches = cmp.Or(c.MaxBatches, DefaultRetentionMaxBatches)
	c.TicketBatchSize = cmp.Or(c.TicketBatchSize, DefaultRetentionTicketBatchSize)
	c.ArchiveTimeout = cmp.Or(c.ArchiveTimeout, DefaultRetentionArchiveTimeout)
	return c
}

// enabled reports whether c deletes anything.
func (c RetentionConfig) enabled() bool {
	return c.OutboxAfter > 0 || c.InboundAfter > 0 || c.ClosedTicketsAfter > 0
}

// validate reports every problem of a RetentionConfig that WithDefaults
// filled, each naming its field.
func (c RetentionConfig) validate() error {
	var errs []error
	for _, f := range []struct {
		name string
		bad  bool
	}{
		{"Config.Retention.OutboxAfter must not be negative", c.OutboxAfter < 0},
		{"Config.Retention.InboundAfter must not be negative", c.InboundAfter < 0},
		{"Config.Retention.BatchSize must not be negative", c.BatchSize < 0},
		{fmt.Sprintf("Config.Retention.BatchSize must be at most %d", storage.MaxPruneLimit), c.BatchSize > storage.MaxPruneLimit},
		{"Config.Retention.MaxBatches must not be negative", c.MaxBatches < 0},
		{"Config.Retention.ClosedTicketsAfter must not be negative", c.ClosedTicketsAfter < 0},
		{"Config.Retention.ArchiveTimeout must not be negative", c.ArchiveTimeout < 0},
		{"Config.Retention.TicketBatchSize must not be negative", c.TicketBatchSize < 0},
		{fmt.Sprintf("Config.Retention.TicketBatchSize must be at most %d", storage.MaxClosedClaimLimit), c.TicketBatchSize > storage.MaxClosedClaimLimit},
	} {
		if f.bad {
			errs = append(errs, errors.New(f.name))
		}
	}
	return errors.Join(errs...)
}

// RetentionResult counts what one pass of [Desk.RunRetention] deleted.
type RetentionResult struct {
	// Outbox counts the delivered outbox entries deleted.
	Outbox int
	// Inbound counts the inbound message records deleted.
	Inbound int
	// More is true when a kind of row reached Config.Retention.MaxBatches:
	// rows past the cutoff are left for the next pass.
	More bool
	// ClosedTickets counts the closed tickets deleted (see
	// Config.Retention.ClosedTicketsAfter), and Archived those of them
	// given to Config.Retention.Archive first.
	ClosedTickets int
	Archived      int
	// ArchiveFailed counts the closed tickets not deleted because their
	// archive failed; the next pass tries them again.
	ArchiveFailed int
	// Messages, Attachments and Events count the rows deleted with the
	// closed tickets; BlobsDeleted the attachment contents deleted from
	// Config.Blobs after the commit.
	Messages     int
	Attachments  int
	Events       int
	BlobsDeleted int
}

// RunRetention runs one retention pass: it deletes the outbox entries
// delivered more than Config.Retention.OutboxAfter ago and the inbound
// message records older than Config.Retention.InboundAfter, of every
// tenant, the oldest first, in batches of Config.Retention.BatchSize
// rows, each a short transaction of its own (see storage.Pruner), until
// none is left or MaxBatches batches ran. Several processes may run it
// at once. It stops at the batch it is in when ctx ends, keeping what
// it deleted. With neither period set it deletes none of these;
// otherwise the store must implement storage.Pruner
// (ErrRetentionUnsupported).
//
// Then it deletes the closed tickets whose period (see
// [RetentionConfig].ClosedTicketsAfter and [TenantRetention]) has
// passed since they were closed, of every tenant, those closed first,
// TicketBatchSize tickets per transaction: each batch claims its
// tickets (storage.TicketPurger: locked, so that two processes never
// take the same ticket; a ticket being changed is passed over), gives
// each one's export ([ExportedTicket]: the ticket, every message with
// its attachments' content, its history) to Config.Retention.Archive
// when set, and deletes those archived (or all, without Archive) with
// their messages, history, SLA state, watchers, links, ratings, time
// entries, tags, references, presence, inbound-mail records and outbox
// entries; after the commit it deletes the attachments' content from
// Config.Blobs (content another message still references stays). A
// crash between the commit and the blob deletes leaves only content no
// message references, which [Desk.ReconcileBlobs] removes. A ticket
// reopened is not closed and never deleted; a ticket whose Archive
// fails stays and is tried again by the next pass. Complaint tickets
// (ticket.KindComplaint) are never deleted: complaints are accounting
// records the host keeps by its own rules. Tickets that pointed at a
// deleted ticket (FollowUpOf, MergedInto) keep its ID. Such a period
// needs a store that implements storage.TicketPurger
// (ErrRetentionUnsupported otherwise).
func (d *Desk) RunRetention(ctx context.Context) (res RetentionResult, err error) {
	ctx, end := d.begin(ctx, "RunRetention", ticket.SystemActor(""))
	defer func() { end(err) }()
	r := d.retention
	_, purger := d.store.(storage.TicketPurger)
	if !r.enabled() && !purger {
		return res, nil
	}
	if storage.InHostTx(d.store) {
		return res, fmt.Errorf("ticketkit: retention: %w", errInHostTx)
	}
	p, ok := d.store.(storage.Pruner)
	if !ok && (r.OutboxAfter > 0 || r.InboundAfter > 0) {
		return res, fmt.Errorf("ticketkit: retention: %T does not implement storage.Pruner: %w", d.store, ErrRetentionUnsupported)
	}
	now := d.now()
	var more bool
	if r.OutboxAfter > 0 {
		res.Outbox, more, err = pruneAll(ctx, r, storage.PruneParams{Before: now.Add(-r.OutboxAfter), Limit: r.BatchSize}, p.OutboxPrune)
		res.More = res.More || more
		if err != nil {
			return res, fmt.Errorf("ticketkit: retention: outbox: %w", err)
		}
	}
	if r.InboundAfter > 0 {
		if _, ok := d.store.(storage.InboundStore); ok {
			res.Inbound, more, err = pruneAll(ctx, r, storage.PruneParams{Before: now.Add(-r.InboundAfter), Limit: r.BatchSize}, p.InboundPrune)
			res.More = res.More || more
			if err != nil {
				return res, fmt.Errorf("ticketkit: retention: inbound messages: %w", err)
			}
		}
	}
	if err := d.retainClosedTickets(ctx, now, &res); err != nil {
		return res, fmt.Errorf("ticketkit: retention: closed tickets: %w", err)
	}
	return res, nil
}

// pruneAll calls prune until a batch deletes fewer rows than the batch
// size, MaxBatches batches ran (more is true then) or ctx ends.
func pruneAll(ctx context.Context, r RetentionConfig, p storage.PruneParams, prune func(context.Context, storage.PruneParams) (int, error)) (total int, more bool, err error) {
	for range r.MaxBatches {
		if err := ctx.Err(); err != nil {
			return total, true, err
		}
		n, err := prune(ctx, p)
		total += n
		if err != nil {
			return total, false, err
		}
		if n < p.Limit {
			return total, false, nil
		}
	}
	return total, true, nil
}
