package ticketkit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// maxConflictRetries bounds how often the escalation sweep runs a batch
// again after a conflict. A change of one ticket (changeDoc) is not
// bounded by a count: it retries until its context ends.
const maxConflictRetries = 5

// Waits of a change that lost a race before it runs again: exponential
// from raceBackoffBase up to raceBackoffLimit, with jitter (see
// [ExponentialBackoff]), so that writers of one ticket spread out
// instead of colliding again.
const (
	raceBackoffBase  = time.Millisecond
	raceBackoffLimit = 100 * time.Millisecond
)

// staleVersion is the error of a change asked at a version the ticket
// is no longer at: retrying cannot help.
type staleVersion struct{ error }

func (e staleVersion) Unwrap() error { return e.error }

// mutation changes a loaded ticket inside the change's transaction. It
// may write further rows through tx and record what it did in b.
type mutation func(ctx context.Context, tx storage.Tx, t *ticket.Ticket, b *batch) error

// change is the one path every update of an existing ticket takes: load
// the ticket the actor may see, check the caller's version, mutate it,
// derive history lines and notifications from what changed, and store
// all of it in one transaction. It returns the stored ticket.
//
// When another writer wins the race for the ticket between its read and
// its write, the mutation is run again on the fresh ticket, so that no
// update is lost and no rule is checked against stale data. When version
// is set and the fresh ticket is at another version, the change fails
// with ErrConflict at once; a race lost to the escalation sweep, which
// stores SLA states without changing the ticket's version, is run again
// too. A change without a version never fails with ErrConflict because
// another write won: it runs again, after a short wait with jitter that
// grows with each lost race, until it succeeds or ctx ends (then the
// error wraps ctx's error, not ErrConflict).
//
// In the host's transaction host (a ...Tx method; nil for the Desk's
// own) a lost race is not run again: the change fails with an error
// wrapping ErrConflict, and the host retries its transaction (see
// Desk.OpenTx).
func (d *Desk) change(ctx context.Context, host storage.Tx, actor ticket.Actor, id string, version int64, mutate mutation) (*ticket.Ticket, *batch, error) {
	doc, b, err := d.changeDoc(ctx, host, actor, id, version, func(ctx context.Context, tx storage.Tx, doc *document, b *batch) error {
		before := doc.t.Clone()
		if err := mutate(ctx, tx, doc.t, b); err != nil {
			return err
		}
		return doc.checkPlainChange(before) // complaints keep their own rules
	})
	if err != nil {
		return nil, nil, err
	}
	return doc.t, b, nil
}

// docMutation changes a loaded document, a ticket or a complaint, as a
// mutation changes a ticket.
type docMutation func(ctx context.Context, tx storage.Tx, doc *document, b *batch) error

// changeDoc is change on a document: a plain ticket, or a complaint
// (ticket and complaint section, stored together). A posted complaint is
// refused before mutate runs.
func (d *Desk) changeDoc(ctx context.Context, host storage.Tx, actor ticket.Actor, id string, version int64, mutate docMutation) (*document, *batch, error) {
	d, errTenant := d.forTenant(ctx, host, actor.TenantID)
	if errTenant != nil {
		return nil, nil, errTenant
	}
	if err := checkActor(actor); err != nil {
		return nil, nil, err
	}
	for attempt := 1; ; attempt++ {
		var out *document
		b := &batch{actor: actor}
		taken := false
		var err error
		if cu := d.changeUpdater(ctx, host); cu != nil {
			out, taken, err = d.changeOptimistic(ctx, cu, actor, id, version, mutate, b)
			if !taken {
				out, b = nil, &batch{actor: actor}
			}
		}
		if !taken {
			err = d.inTx(ctx, host, func(ctx context.Context, tx storage.Tx, lockUntil time.Time) error {
				if err := runBeforeLoad(ctx, tx); err != nil {
					return err
				}
				doc, err := d.loadDoc(ctx, tx, actor, id)
				if err != nil {
					return err
				}
				t := doc.t
				if version != 0 && t.Version != version {
					return staleVersion{fmt.Errorf("ticketkit: ticket %s is at version %d, not %d: %w", t.Number, t.Version, version, ErrConflict)}
				}
				if err := doc.checkEditable(); err != nil {
					return err
				}
				before := doc.clone()
				t.UpdatedAt = d.now()
				if err := mutate(ctx, tx, doc, b); err != nil {
					return err
				}
				doc.settle(before)
				rules, err := d.runEventRules(ctx, before.t, t, actor, b.message != nil)
				if err != nil {
					return err
				}
				d.observeSLA(before.t, t, observation(b), t.UpdatedAt)
				d.trackTimers(before.t.SLA.Timers, t, t.UpdatedAt)
				changes := doc.diff(before)
				if rules != nil {
					changes = rules.split(changes)
				}
				if len(changes) == 0 && !b.touched {
					out = before // nothing to store
					return nil
				}
				t.ConfigVersion = d.configVersion
				d.stampSortKeys(t)
				if err := doc.save(ctx, tx); err != nil {
					return fmt.Errorf("ticketkit: update ticket %s: %w", t.Number, err)
				}
				b.history(t, changes)
				if err := rules.runEffects(ctx, tx, t, b); err != nil {
					return err
				}
				b.derive(before.t, t, d.catalogOf(doc))
				if err := d.noticeSurvey(ctx, tx, b, before.t, t); err != nil {
					return err
				}
				if _, err := b.write(ctx, tx, lockUntil); err != nil {
					return err
				}
				out = doc
				return nil
			})
		}
		if err == nil {
			d.afterCommit(ctx, host, b.notices)
			return out, b, nil
		}
		if !errors.Is(err, ErrConflict) || errors.As(err, new(staleVersion)) {
			return nil, nil, err
		}
		if host != nil {
			return nil, nil, fmt.Errorf("ticketkit: change ticket %s: lost a race inside the host's transaction, which is not run again (retry the transaction): %w", id, err)
		}
		if werr := waitToRetry(ctx, attempt); werr != nil {
			// Not ErrConflict: no explicit version was stale.
			return nil, nil, fmt.Errorf("ticketkit: change ticket %s: %w while retrying a lost race (last: %v)", id, werr, err)
		}
	}
}

// waitToRetry waits before attempt+1 of a change that lost a race
// (attempt counts from 1) and returns the cause of ctx's end if it ends
// first. The wait is wall time on purpose, not the Desk's clock: it
// spreads real writers out, and a fake clock would never let it end.
func waitToRetry(ctx context.Context, attempt int) error {
	timer := time.NewTimer(ExponentialBackoff(raceBackoffBase, raceBackoffLimit)(attempt))
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-timer.C:
		return nil
	}
}

// derive queues the notifications that follow from the difference
// between before and after, then the ones the mutation asked for.
func (b *batch) derive(before, after *ticket.Ticket, c *ticket.Catalog) {
	if before.Status != after.Status {
		from, to := before.Status, after.Status
		b.notice(notify.KindStatusChanged, after, func(e *notify.Event) { e.From, e.To = from, to })
		old, _ := c.Status(from)
		now, _ := c.Status(to)
		if now.Category == ticket.CategoryClosed && old.Category != ticket.CategoryClosed {
			b.notice(notify.KindClosed, after, func(e *notify.Event) { e.From, e.To = from, to })
		}
	}
	if before.Assignee != after.Assignee || before.Department != after.Department {
		from, to := before.Assignee, after.Assignee
		b.notice(notify.KindAssigned, after, func(e *notify.Event) { e.From, e.To = from, to })
	}
	if before.Department != after.Department {
		from, to := before.Department, after.Department
		b.notice(notify.KindRouted, after, func(e *notify.Event) { e.From, e.To = from, to })
	}
	if b.message != nil {
		m := b.message.Clone()
		mute := b.muteCustomer
		b.notice(notify.KindMessageAdded, after, func(e *notify.Event) { e.Message = m; e.CustomerMuted = mute })
	}
	for _, k := range b.extra {
		b.notice(k, after, nil)
	}
	b.runLater()
}
