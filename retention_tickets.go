package ticketkit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// TicketArchiver keeps closed tickets somewhere else before
// [Desk.RunRetention] deletes them (Config.Retention.Archive): cold
// storage, a data warehouse, a document archive.
type TicketArchiver interface {
	// ArchiveTicket stores t, the full export of one closed ticket. It
	// runs inside the transaction that then deletes the ticket, which
	// stays locked meanwhile, so it should be quick; its ctx ends after
	// Config.Retention.ArchiveTimeout. When it returns an error (or
	// panics) the ticket is not deleted, and the next pass gives it
	// again; when the transaction fails after it returned nil, the next
	// pass gives the ticket again too, so it should store idempotently
	// (keyed by t.Ticket.ID).
	ArchiveTicket(ctx context.Context, t ExportedTicket) error
}

// TicketArchiverFunc is a function that is a [TicketArchiver].
type TicketArchiverFunc func(ctx context.Context, t ExportedTicket) error

// ArchiveTicket calls f.
func (f TicketArchiverFunc) ArchiveTicket(ctx context.Context, t ExportedTicket) error {
	return f(ctx, t)
}

// TenantRetention is a tenant's own retention period (TenantConfig's
// Retention), replacing the Desk's Config.Retention.ClosedTicketsAfter.
type TenantRetention struct {
	// ClosedTicketsAfter is how long the tenant's closed tickets are
	// kept after they were closed, such as "26280h" (three years); 0
	// keeps them forever.
	ClosedTicketsAfter workflow.Duration `json:"closed_tickets_after"`
}

// checkTenantRetention reports a negative period under
// "retention.closed_tickets_after" and sets the tenant's period on view.
func checkTenantRetention(v *ticket.ValidationError, cfg TenantConfig, view *Desk) {
	if cfg.Retention == nil {
		return
	}
	if cfg.Retention.ClosedTicketsAfter < 0 {
		v.Add("retention.closed_tickets_after", "min", "must not be negative")
		return
	}
	view.retention.ClosedTicketsAfter = time.Duration(cfg.Retention.ClosedTicketsAfter)
}

// errArchive marks a failed Archive call: the ticket stays.
var errArchive = errors.New("archive failed")

// tenantsRetain reports whether tenants may set a closed-ticket period
// of their own (TenantConfig.Retention) that a retention pass applies:
// the store keeps tenants' configurations and purges tickets.
func (d *Desk) tenantsRetain() bool {
	_, purges := d.store.(storage.TicketPurger)
	return d.tenants != nil && purges
}

// retainClosedTickets runs the closed-ticket part of a retention pass
// (see RunRetention), adding what it did to res.
func (d *Desk) retainClosedTickets(ctx context.Context, now time.Time, res *RetentionResult) error {
	r := d.retention
	tp, ok := d.store.(storage.TicketPurger)
	if !ok {
		if r.ClosedTicketsAfter > 0 {
			return fmt.Errorf("%T does not implement storage.TicketPurger: %w", d.store, ErrRetentionUnsupported)
		}
		return nil
	}
	p := storage.ClosedTicketClaimParams{Limit: r.TicketBatchSize}
	if r.ClosedTicketsAfter > 0 {
		p.Before = now.Add(-r.ClosedTicketsAfter)
	}
	tenants, err := tp.ConfigTenantList(ctx)
	if err != nil {
		return err
	}
	for _, id := range tenants {
		view, err := d.forTenant(ctx, nil, id)
		if err != nil {
			return err
		}
		if after := view.retention.ClosedTicketsAfter; after != r.ClosedTicketsAfter {
			c := storage.TenantCutoff{TenantID: id}
			if after > 0 {
				c.Before = now.Add(-after)
			}
			p.Tenants = append(p.Tenants, c)
		}
	}
	if p.Latest().IsZero() {
		return nil
	}
	for range r.MaxBatches {
		if err := ctx.Err(); err != nil {
			res.More = true
			return err
		}
		if len(p.Exclude)+p.Limit > storage.MaxPruneLimit {
			res.More = true // too many failed archives to pass over: the next pass
			return nil
		}
		n, err := d.retainBatch(ctx, &p, res)
		if err != nil {
			return err
		}
		if n < p.Limit {
			return nil
		}
	}
	res.More = true
	return nil
}

// retainBatch archives and deletes one batch of closed tickets in one
// transaction, then deletes their attachments' content; it returns how
// many tickets it claimed, and adds those whose archive failed to
// p.Exclude.
func (d *Desk) retainBatch(ctx context.Context, p *storage.ClosedTicketClaimParams, res *RetentionResult) (int, error) {
	var claimed int
	var keys []string
	var out RetentionResult
	var failed []string
	err := d.store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		claimed, keys, out, failed = 0, nil, RetentionResult{}, nil
		tp, ok := tx.(storage.TicketPurger)
		if !ok {
			return fmt.Errorf("%T does not implement storage.TicketPurger: %w", tx, ErrRetentionUnsupported)
		}
		tickets, err := tp.TicketClaimClosed(ctx, *p)
		if err != nil {
			return err
		}
		claimed = len(tickets)
		byTenant := map[string][]string{}
		var order []string
		for _, t := range tickets {
			if d.retention.Archive != nil {
				if err := d.archive(ctx, tx, t); err != nil {
					if ctx.Err() != nil {
						return ctx.Err() // the pass is over: delete nothing of this batch
					}
					d.log.WarnContext(ctx, "ticketkit: retention: archive failed; the ticket stays", "ticket", t.ID, "err", err)
					failed = append(failed, t.ID)
					out.ArchiveFailed++
					continue
				}
				out.Archived++
			}
			if _, seen := byTenant[t.TenantID]; !seen {
				order = append(order, t.TenantID)
			}
			byTenant[t.TenantID] = append(byTenant[t.TenantID], t.ID)
		}
		for _, tenant := range order {
			pr, err := tp.TicketPurge(ctx, storage.TicketPurgeParams{TenantID: tenant, TicketIDs: byTenant[tenant]})
			if err != nil {
				return err
			}
			out.ClosedTickets += pr.Tickets
			out.Messages += pr.Messages
			out.Attachments += pr.Attachments
			out.Events += pr.Events
			keys = append(keys, pr.BlobKeys...)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	p.Exclude = append(p.Exclude, failed...)
	out.BlobsDeleted = d.deletePurgedBlobs(ctx, keys)
	res.ClosedTickets += out.ClosedTickets
	res.Archived += out.Archived
	res.ArchiveFailed += out.ArchiveFailed
	res.Messages += out.Messages
	res.Attachments += out.Attachments
	res.Events += out.Events
	res.BlobsDeleted += out.BlobsDeleted
	return claimed, nil
}

// archive gives t's export, read through tx, to Config.Retention.Archive
// under ArchiveTimeout; a panic in it is an error.
func (d *Desk) archive(ctx context.Context, tx storage.Tx, t *ticket.Ticket) (err error) {
	et, err := d.exportTicketFrom(ctx, tx, t)
	if err != nil {
		return fmt.Errorf("%w: export: %w", errArchive, err)
	}
	actx, cancel := context.WithTimeout(ctx, d.retention.ArchiveTimeout)
	defer cancel()
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%w: panic: %v", errArchive, v)
		}
	}()
	if err := d.retention.Archive.ArchiveTicket(actx, et); err != nil {
		return fmt.Errorf("%w: %w", errArchive, err)
	}
	if err := actx.Err(); err != nil {
		return fmt.Errorf("%w: %w", errArchive, err) // returned nil after its deadline: not trusted
	}
	return nil
}

// deletePurgedBlobs deletes the content of purged attachments that no
// stored attachment references any more, and returns how many it
// deleted. Failures are logged: blob reconciliation removes what is
// left.
func (d *Desk) deletePurgedBlobs(ctx context.Context, keys []string) int {
	if d.blobs == nil || len(keys) == 0 {
		return 0
	}
	deleted := 0
	refs, _ := d.store.(storage.AttachmentRefChecker)
	for start := 0; start < len(keys); start += storage.MaxLimit {
		chunk := keys[start:min(start+storage.MaxLimit, len(keys))]
		still := map[string]bool{}
		if refs != nil {
			found, err := refs.AttachmentRefCheck(ctx, storage.AttachmentRefCheckParams{Keys: chunk})
			if err != nil {
				d.log.WarnContext(ctx, "ticketkit: retention: blobs not checked; blob reconciliation will delete them", "err", err)
				continue
			}
			for _, k := range found {
				still[k] = true
			}
		}
		for _, k := range chunk {
			if still[k] {
				continue
			}
			if err := d.blobs.Delete(ctx, k); err != nil {
				d.log.WarnContext(ctx, "ticketkit: retention: blob not deleted; blob reconciliation will", "key", k, "err", err)
				continue
			}
			deleted++
		}
	}
	return deleted
}
