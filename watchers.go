package ticketkit

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ErrWatchersUnsupported: the store does not keep watchers and CC
// addresses (storage.WatcherStore); it wraps storage.ErrUnsupported.
var ErrWatchersUnsupported = fmt.Errorf("ticketkit: the store does not keep watchers: %w", storage.ErrUnsupported)

// WatchParams names a ticket and the agent who follows it, or stops.
type WatchParams struct {
	TicketID string `json:"ticket_id"`
	// UserID is the host's user ID of the agent; default the actor's
	// ID. Required when the actor is the system.
	UserID string `json:"user_id,omitempty" validate:"max=200"`
}

// CCParams names a ticket and an address copied on it.
type CCParams struct {
	TicketID string `json:"ticket_id"`
	// Address is a plain email address (jane@example.com, no display
	// name); it is kept lower-cased, so that addresses differing only
	// in letter case are one.
	Address string `json:"address" validate:"required,email,max=254"`
}

// Watch makes an agent follow a ticket: the agent then gets the
// notifications the rules give [notify.AudienceWatchers] (see
// notify.DefaultRules). Only staff may watch, for themselves or, with
// p.UserID, for another agent; watchers are internal: customers never
// see them, nor the history line (ticket.FieldWatcher) a watch writes.
// Watching a ticket one watches already returns the watcher as it is,
// with no second history line. A merged ticket takes no watchers
// (ErrMerged). The store must implement storage.WatcherStore
// (ErrWatchersUnsupported otherwise). [Desk.WatchTx] runs it in the
// host's transaction.
func (d *Desk) Watch(ctx context.Context, actor ticket.Actor, p WatchParams) (_ *ticket.Watcher, err error) {
	ctx, end := d.begin(ctx, "Watch", actor)
	defer func() { end(err) }()
	return d.watch(ctx, nil, actor, p)
}

// WatchTx is [Desk.Watch] in the host's transaction tx; see
// [Desk.OpenTx] for what differs.
func (d *Desk) WatchTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p WatchParams) (_ *ticket.Watcher, err error) {
	ctx, end := d.begin(ctx, "WatchTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.watch(ctx, tx, actor, p)
}

// Unwatch stops an agent following a ticket, with a history line; an
// agent who does not watch it is ErrNotFound. [Desk.UnwatchTx] runs it
// in the host's transaction.
func (d *Desk) Unwatch(ctx context.Context, actor ticket.Actor, p WatchParams) (err error) {
	ctx, end := d.begin(ctx, "Unwatch", actor)
	defer func() { end(err) }()
	return d.unwatch(ctx, nil, actor, p)
}

// UnwatchTx is [Desk.Unwatch] in the host's transaction tx; see
// [Desk.OpenTx] for what differs.
func (d *Desk) UnwatchTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p WatchParams) (err error) {
	ctx, end := d.begin(ctx, "UnwatchTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return err
	}
	return d.unwatch(ctx, tx, actor, p)
}

// Watchers returns the agents following a ticket, oldest first. Only
// staff may list them: customers get ErrForbidden.
func (d *Desk) Watchers(ctx context.Context, actor ticket.Actor, ticketID string) (_ []*ticket.Watcher, err error) {
	ctx, end := d.begin(ctx, "Watchers", actor)
	defer func() { end(err) }()
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if err := requireStaff(actor, "see a ticket's watchers"); err != nil {
		return nil, err
	}
	return d.listWatchers(ctx, actor, ticketID, ticket.WatcherAgent)
}

// AddCC copies an address on a ticket: it then gets the mails the
// customer gets (a [notify.Resolver] sends Event.CC what it sends the
// customer), and its replies by mail thread in as the customer's
// messages (mailin/intake). Staff and the ticket's own customer may add
// one; nobody else, and never an inbound mail by itself. The address
// must be a plain email address other than the customer's; a ticket
// holds at most Config.MaxCC of them (a *ValidationError of "address"
// beyond). An address copied already, in any letter case, returns the
// entry as it is, with no second history line. Each addition writes a
// history line (ticket.FieldCC) the customer sees. A merged ticket
// takes none (ErrMerged). The store must implement storage.WatcherStore
// (ErrWatchersUnsupported otherwise). [Desk.AddCCTx] runs it in the
// host's transaction.
func (d *Desk) AddCC(ctx context.Context, actor ticket.Actor, p CCParams) (_ *ticket.Watcher, err error) {
	ctx, end := d.begin(ctx, "AddCC", actor)
	defer func() { end(err) }()
	return d.addCC(ctx, nil, actor, p)
}

// AddCCTx is [Desk.AddCC] in the host's transaction tx; see
// [Desk.OpenTx] for what differs.
func (d *Desk) AddCCTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p CCParams) (_ *ticket.Watcher, err error) {
	ctx, end := d.begin(ctx, "AddCCTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.addCC(ctx, tx, actor, p)
}

// RemoveCC removes an address copied on a ticket (in any letter case),
// with a history line; staff and the ticket's customer may. An address
// not copied on it is ErrNotFound. [Desk.RemoveCCTx] runs it in the
// host's transaction.
func (d *Desk) RemoveCC(ctx context.Context, actor ticket.Actor, p CCParams) (err error) {
	ctx, end := d.begin(ctx, "RemoveCC", actor)
	defer func() { end(err) }()
	return d.removeCC(ctx, nil, actor, p)
}

// RemoveCCTx is [Desk.RemoveCC] in the host's transaction tx; see
// [Desk.OpenTx] for what differs.
func (d *Desk) RemoveCCTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p CCParams) (err error) {
	ctx, end := d.begin(ctx, "RemoveCCTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return err
	}
	return d.removeCC(ctx, tx, actor, p)
}

// CC returns the addresses copied on a ticket the actor may see, oldest
// first. Customers get them without who added them.
func (d *Desk) CC(ctx context.Context, actor ticket.Actor, ticketID string) (_ []*ticket.Watcher, err error) {
	ctx, end := d.begin(ctx, "CC", actor)
	defer func() { end(err) }()
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	ws, err := d.listWatchers(ctx, actor, ticketID, ticket.WatcherCC)
	if err != nil {
		return nil, err
	}
	if actor.Role == ticket.RoleCustomer {
		for _, w := range ws {
			w.CreatedBy = "" // a staff user ID, maybe
		}
	}
	return ws, nil
}

// listWatchers returns the watchers of one kind of a ticket the actor
// may read.
func (d *Desk) listWatchers(ctx context.Context, actor ticket.Actor, ticketID string, kind ticket.WatcherKind) ([]*ticket.Watcher, error) {
	ws, ok := d.store.(storage.WatcherStore)
	if !ok {
		return nil, fmt.Errorf("ticketkit: watchers: %T does not implement storage.WatcherStore: %w", d.store, ErrWatchersUnsupported)
	}
	if _, err := d.loadRead(ctx, actor, ticketID); err != nil {
		return nil, err
	}
	out, err := ws.WatcherList(ctx, storage.WatcherListParams{TenantID: actor.TenantID, TicketIDs: []string{ticketID}, Kind: kind, Limit: storage.MaxLimit})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: watchers of %q: %w", ticketID, err)
	}
	return out, nil
}

// checkWatch validates p for Watch and Unwatch and returns the user ID.
func checkWatch(actor ticket.Actor, p WatchParams) (string, error) {
	if err := checkActor(actor); err != nil {
		return "", err
	}
	if err := requireStaff(actor, "watch tickets"); err != nil {
		return "", err
	}
	v := asValidation(ticket.Validate(p))
	if err := checkKey("ticket_id", p.TicketID); err != nil {
		v.Fields = append(v.Fields, asValidation(err).Fields...)
	} else if p.TicketID == "" {
		v.Add("ticket_id", "required", "is required")
	}
	user := strings.TrimSpace(p.UserID)
	if user == "" && actor.Role == ticket.RoleSystem {
		v.Add("user_id", "required", "is required when the system watches for an agent")
	}
	return cmp.Or(user, actor.ID), failed(distinct(v))
}

// checkCC validates p for AddCC and RemoveCC and returns the address,
// lower-cased.
func checkCC(actor ticket.Actor, p CCParams) (string, error) {
	if err := checkActor(actor); err != nil {
		return "", err
	}
	p.Address = strings.TrimSpace(p.Address)
	v := asValidation(ticket.Validate(p))
	if err := checkKey("ticket_id", p.TicketID); err != nil {
		v.Fields = append(v.Fields, asValidation(err).Fields...)
	} else if p.TicketID == "" {
		v.Add("ticket_id", "required", "is required")
	}
	return strings.ToLower(p.Address), failed(distinct(v))
}

// watchTarget returns the watcher store of tx and the ticket ticketID,
// locked where the store can, which the actor may change: a customer
// only their own.
func watchTarget(ctx context.Context, tx storage.Tx, actor ticket.Actor, ticketID string) (storage.WatcherStore, *ticket.Ticket, error) {
	ws, ok := tx.(storage.WatcherStore)
	if !ok {
		return nil, nil, fmt.Errorf("ticketkit: watchers: %T does not implement storage.WatcherStore: %w", tx, ErrWatchersUnsupported)
	}
	got, err := lockTickets(ctx, tx, actor.TenantID, []string{ticketID})
	if err != nil {
		return nil, nil, err
	}
	t := got[ticketID]
	if t == nil || !canSee(actor, t) {
		return nil, nil, fmt.Errorf("ticketkit: ticket %q: %w", ticketID, ErrNotFound)
	}
	noteTicket(ctx, t)
	return ws, t, nil
}

// watchersOf returns the watchers of t of kind.
func watchersOf(ctx context.Context, ws storage.WatcherStore, t *ticket.Ticket, kind ticket.WatcherKind) ([]*ticket.Watcher, error) {
	have, err := ws.WatcherList(ctx, storage.WatcherListParams{TenantID: t.TenantID, TicketIDs: []string{t.ID}, Kind: kind, Limit: storage.MaxLimit})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: watchers of %s: %w", t.Number, err)
	}
	return have, nil
}

// addWatcher adds the watcher of kind and key to ticketID, with a
// history line of field, unless it is there already; check, when set,
// refuses the addition given the ticket and its watchers of kind.
func (d *Desk) addWatcher(ctx context.Context, host storage.Tx, actor ticket.Actor, ticketID string, kind ticket.WatcherKind, key, field string,
	check func(t *ticket.Ticket, have []*ticket.Watcher) error,
) (*ticket.Watcher, error) {
	var out *ticket.Watcher
	err := d.relate(ctx, host, actor, func(ctx context.Context, tx storage.Tx, b *batch) error {
		ws, t, err := watchTarget(ctx, tx, actor, ticketID)
		if err != nil {
			return err
		}
		if t.MergedInto != "" {
			return fmt.Errorf("ticketkit: ticket %s was merged into another ticket: %w", t.Number, ErrMerged)
		}
		have, err := watchersOf(ctx, ws, t, kind)
		if err != nil {
			return err
		}
		if i := slices.IndexFunc(have, func(w *ticket.Watcher) bool { return w.Key == key }); i >= 0 {
			out = have[i]
			return nil
		}
		if check != nil {
			if err := check(t, have); err != nil {
				return err
			}
		}
		now := d.now()
		w := &ticket.Watcher{TenantID: t.TenantID, TicketID: t.ID, Kind: kind, Key: key, CreatedBy: actor.ID, CreatedAt: now}
		if err := ws.WatcherAdd(ctx, w); err != nil {
			return fmt.Errorf("ticketkit: add %s %s to %s: %w", kind, key, t.Number, err)
		}
		b.at = now
		b.history(t, []ticket.Event{{Field: field, New: key}})
		out = w
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// removeWatcher removes the watcher of kind and key from ticketID, with
// a history line of field.
func (d *Desk) removeWatcher(ctx context.Context, host storage.Tx, actor ticket.Actor, ticketID string, kind ticket.WatcherKind, key, field string) error {
	return d.relate(ctx, host, actor, func(ctx context.Context, tx storage.Tx, b *batch) error {
		ws, t, err := watchTarget(ctx, tx, actor, ticketID)
		if err != nil {
			return err
		}
		err = ws.WatcherRemove(ctx, storage.WatcherRemoveParams{TenantID: t.TenantID, TicketID: t.ID, Kind: kind, Key: key})
		if err != nil {
			return fmt.Errorf("ticketkit: remove %s %s from %s: %w", kind, key, t.Number, err)
		}
		b.at = d.now()
		b.history(t, []ticket.Event{{Field: field, Old: key}})
		return nil
	})
}

// watch is Watch in the host's transaction host, or in the Desk's own
// when host is nil.
func (d *Desk) watch(ctx context.Context, host storage.Tx, actor ticket.Actor, p WatchParams) (*ticket.Watcher, error) {
	user, err := checkWatch(actor, p)
	if err != nil {
		return nil, err
	}
	return d.addWatcher(ctx, host, actor, p.TicketID, ticket.WatcherAgent, user, ticket.FieldWatcher, nil)
}

// unwatch is Unwatch in the host's transaction host, or in the Desk's
// own when host is nil.
func (d *Desk) unwatch(ctx context.Context, host storage.Tx, actor ticket.Actor, p WatchParams) error {
	user, err := checkWatch(actor, p)
	if err != nil {
		return err
	}
	return d.removeWatcher(ctx, host, actor, p.TicketID, ticket.WatcherAgent, user, ticket.FieldWatcher)
}

// addCC is AddCC in the host's transaction host, or in the Desk's own
// when host is nil.
func (d *Desk) addCC(ctx context.Context, host storage.Tx, actor ticket.Actor, p CCParams) (*ticket.Watcher, error) {
	addr, err := checkCC(actor, p)
	if err != nil {
		return nil, err
	}
	w, err := d.addWatcher(ctx, host, actor, p.TicketID, ticket.WatcherCC, addr, ticket.FieldCC, func(t *ticket.Ticket, have []*ticket.Watcher) error {
		switch {
		case strings.EqualFold(t.Customer.Email, addr):
			return ticket.NewValidationError(ticket.FieldError{Field: "address", Rule: "customer", Message: "is the ticket's customer, who gets its mail already"})
		case len(have) >= d.maxCC:
			return settled{ticket.NewValidationError(ticket.FieldError{Field: "address", Rule: "max",
				Message: fmt.Sprintf("the ticket has %d addresses copied, the most it may have", len(have))})}
		}
		return nil
	})
	if w != nil && actor.Role == ticket.RoleCustomer {
		w.CreatedBy = "" // a staff user ID, maybe
	}
	return w, err
}

// removeCC is RemoveCC in the host's transaction host, or in the Desk's
// own when host is nil.
func (d *Desk) removeCC(ctx context.Context, host storage.Tx, actor ticket.Actor, p CCParams) error {
	addr, err := checkCC(actor, p)
	if err != nil {
		return err
	}
	return d.removeWatcher(ctx, host, actor, p.TicketID, ticket.WatcherCC, addr, ticket.FieldCC)
}

// allWatchers returns every watcher of the tickets ids: a page as full
// as the store gives may have left some out, so the tickets are then
// asked for in halves.
func allWatchers(ctx context.Context, ws storage.WatcherStore, tenantID string, ids []string) ([]*ticket.Watcher, error) {
	got, err := ws.WatcherList(ctx, storage.WatcherListParams{TenantID: tenantID, TicketIDs: ids, Limit: storage.MaxLimit})
	if err != nil || len(got) < storage.MaxLimit || len(ids) == 1 {
		return got, err
	}
	first, err := allWatchers(ctx, ws, tenantID, ids[:len(ids)/2])
	if err != nil {
		return nil, err
	}
	rest, err := allWatchers(ctx, ws, tenantID, ids[len(ids)/2:])
	return append(first, rest...), err
}

// mergeWatchers makes the watchers and CC addresses of the sources of a
// merge the target's too, each once, the CC addresses up to
// Config.MaxCC, with a history line on the target for each; a store
// without storage.WatcherStore has none to merge.
func (d *Desk) mergeWatchers(ctx context.Context, tx storage.Tx, actor ticket.Actor, target *ticket.Ticket, sources []*ticket.Ticket, now time.Time, b *batch) error {
	ws, ok := tx.(storage.WatcherStore)
	if !ok {
		return nil
	}
	ids := []string{target.ID}
	for _, s := range sources {
		ids = append(ids, s.ID)
	}
	all, err := allWatchers(ctx, ws, target.TenantID, ids)
	if err != nil {
		return fmt.Errorf("ticketkit: merge into %s: watchers: %w", target.Number, err)
	}
	type key struct {
		kind ticket.WatcherKind
		key  string
	}
	have := map[key]bool{}
	cc := 0
	for _, w := range all {
		if w.TicketID == target.ID {
			have[key{w.Kind, w.Key}] = true
			if w.Kind == ticket.WatcherCC {
				cc++
			}
		}
	}
	var lines []ticket.Event
	for _, w := range all {
		k := key{w.Kind, w.Key}
		if w.TicketID == target.ID || have[k] || (w.Kind == ticket.WatcherCC && cc >= d.maxCC) {
			continue
		}
		add := &ticket.Watcher{TenantID: target.TenantID, TicketID: target.ID, Kind: w.Kind, Key: w.Key, CreatedBy: actor.ID, CreatedAt: now}
		if err := ws.WatcherAdd(ctx, add); err != nil {
			return fmt.Errorf("ticketkit: merge into %s: add %s %s: %w", target.Number, w.Kind, w.Key, err)
		}
		have[k] = true
		field := ticket.FieldWatcher
		if w.Kind == ticket.WatcherCC {
			field = ticket.FieldCC
			cc++
		}
		lines = append(lines, ticket.Event{Field: field, New: w.Key})
	}
	if len(lines) > 0 {
		b.history(target, lines)
	}
	return nil
}

// readWatchers fills the watchers and CC addresses of b's notices from
// tx, once: a use case that changes watchers after queuing its notices
// (a merge) reads them first, and the notices keep what it read.
func (b *batch) readWatchers(ctx context.Context, tx storage.Tx) error {
	return b.readWatchersKnown(ctx, tx, nil)
}

// readWatchersKnown is readWatchers with the watchers of some tickets
// already read (storage.WatchedTicketGetter): known holds them, by
// tenant and ticket, and only the other tickets' watchers are read.
func (b *batch) readWatchersKnown(ctx context.Context, tx storage.Tx, known map[watchedKey][]*ticket.Watcher) error {
	if b.watchersRead {
		return nil
	}
	b.watchersRead = true
	return fillWatchers(ctx, tx, b.notices, known)
}

// watchedKey names a ticket's watchers: its tenant and ID.
type watchedKey struct{ tenant, ticket string }

// maxWatchedTickets is how many tickets' watchers fillWatchers reads in
// one query.
const maxWatchedTickets = 100

// fillWatchers sets the Watchers and CC of the notifications of a
// change from the watchers of their tickets: those in known as they
// are, the others read in tx when it keeps them (storage.WatcherStore);
// otherwise it leaves them empty.
func fillWatchers(ctx context.Context, tx storage.Tx, notices []notify.Event, known map[watchedKey][]*ticket.Watcher) error {
	ws, ok := tx.(storage.WatcherStore)
	if !ok && known == nil || len(notices) == 0 {
		return nil
	}
	byTenant := map[string][]string{}
	for _, e := range notices {
		if e.Ticket == nil || slices.Contains(byTenant[e.TenantID], e.Ticket.ID) {
			continue
		}
		if _, read := known[watchedKey{e.TenantID, e.Ticket.ID}]; !read && ok {
			byTenant[e.TenantID] = append(byTenant[e.TenantID], e.Ticket.ID)
		}
	}
	found := map[watchedKey][]*ticket.Watcher{}
	for k, v := range known {
		found[k] = v
	}
	for tenant, ids := range byTenant {
		for chunk := range slices.Chunk(ids, maxWatchedTickets) {
			got, err := allWatchers(ctx, ws, tenant, chunk)
			if err != nil {
				return fmt.Errorf("ticketkit: watchers of the notified tickets: %w", err)
			}
			for _, w := range got {
				k := watchedKey{w.TenantID, w.TicketID}
				found[k] = append(found[k], w)
			}
		}
	}
	for i := range notices {
		e := &notices[i]
		if e.Ticket == nil {
			continue
		}
		for _, w := range found[watchedKey{e.TenantID, e.Ticket.ID}] {
			switch w.Kind {
			case ticket.WatcherAgent:
				e.Watchers = append(e.Watchers, w.Key)
			case ticket.WatcherCC:
				e.CC = append(e.CC, w.Key)
			}
		}
	}
	return nil
}
