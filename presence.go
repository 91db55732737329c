package ticketkit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// Errors of collision warnings.
var (
	// ErrPresenceUnsupported: the store keeps no presence leases
	// (storage.PresenceStore); it wraps storage.ErrUnsupported.
	ErrPresenceUnsupported = fmt.Errorf("ticketkit: the store does not keep presence leases: %w", storage.ErrUnsupported)
	// ErrStaleReply: a reply or note named the last message its author
	// had seen (MessageParams.SeenMessageID), and a customer message
	// arrived after it; under Config.StaleReplies StaleReplyRefuse (the
	// default) it was not posted. The error is a *[StaleReplyError].
	ErrStaleReply = errors.New("ticketkit: a customer message arrived since the author last read the ticket")
)

// StaleReplyError is the refusal of a reply written without sight of
// the customer's newer messages; it wraps ErrStaleReply.
type StaleReplyError struct {
	// TicketID is the ticket replied to.
	TicketID string
	// Unseen are the IDs of the customer messages that arrived after
	// MessageParams.SeenMessageID, oldest first.
	Unseen []string
}

// Error implements error.
func (e *StaleReplyError) Error() string {
	return fmt.Sprintf("%v: ticket %s has %d unseen customer message(s): %s", ErrStaleReply, e.TicketID,
		len(e.Unseen), strings.Join(e.Unseen, ", "))
}

// Unwrap returns ErrStaleReply.
func (e *StaleReplyError) Unwrap() error { return ErrStaleReply }

// StaleReplyPolicy says what becomes of a reply whose author had not
// seen the customer's newest messages (see MessageParams.SeenMessageID).
type StaleReplyPolicy string

// The stale reply policies.
const (
	// StaleReplyRefuse refuses the reply with a *StaleReplyError.
	StaleReplyRefuse StaleReplyPolicy = "refuse"
	// StaleReplyWarn posts the reply and lists the unseen messages in
	// the returned message's Unseen.
	StaleReplyWarn StaleReplyPolicy = "warn"
)

// Defaults of collision warnings.
const (
	// DefaultPresenceTTL is the default of Config.PresenceTTL.
	DefaultPresenceTTL = 45 * time.Second
	// DefaultStaleReplies is the default of Config.StaleReplies.
	DefaultStaleReplies = StaleReplyRefuse
)

// TakePresenceParams asks for a presence lease on a ticket.
type TakePresenceParams struct {
	TicketID string `json:"ticket_id"`
	// Activity is what the actor is doing; default ticket.PresenceViewing.
	Activity ticket.PresenceActivity `json:"activity,omitempty"`
}

// PresenceResult is the answer of [Desk.TakePresence]: the actor's
// lease and the other staff present on the ticket.
type PresenceResult struct {
	Lease  ticket.Presence   `json:"lease"`
	Others []ticket.Presence `json:"others"`
}

// TakePresence takes or renews the actor's presence lease on a ticket,
// viewing or replying, for Config.PresenceTTL, and returns it with the
// leases of the other staff on the ticket, so that a user interface can
// warn of a collision ("Amy is replying"). A client renews the lease
// while the ticket stays open, well within the TTL; a lease not renewed
// ends by itself, and [Desk.ReleasePresence] ends it at once. Only staff
// take leases (ErrForbidden for customers); a ticket the actor cannot
// see is ErrNotFound. The store needs storage.PresenceStore
// (ErrPresenceUnsupported otherwise). Expired leases are ignored and
// replaced; storage.PresenceStore.PresencePurge deletes them.
func (d *Desk) TakePresence(ctx context.Context, actor ticket.Actor, p TakePresenceParams) (_ *PresenceResult, err error) {
	ctx, end := d.begin(ctx, "TakePresence", actor)
	defer func() { end(err) }()
	if p.Activity == "" {
		p.Activity = ticket.PresenceViewing
	}
	ps, err := d.presenceFor(ctx, actor, p.TicketID, "take presence leases")
	if err != nil {
		return nil, err
	}
	if p.Activity != ticket.PresenceViewing && p.Activity != ticket.PresenceReplying {
		return nil, ticket.NewValidationError(ticket.FieldError{Field: "activity", Rule: "oneof",
			Message: fmt.Sprintf("must be one of %v", ticket.PresenceActivities())})
	}
	now := d.now()
	if err := ps.PresenceTake(ctx, storage.PresenceTakeParams{TenantID: actor.TenantID, TicketID: p.TicketID, UserID: actor.ID,
		Activity: p.Activity, At: now, ExpiresAt: now.Add(d.presenceTTL)}); err != nil {
		return nil, fmt.Errorf("ticketkit: take presence on ticket %q: %w", p.TicketID, err)
	}
	all, err := d.presenceList(ctx, ps, actor, p.TicketID, now)
	if err != nil {
		return nil, err
	}
	res := &PresenceResult{Others: []ticket.Presence{}}
	for _, l := range all {
		if l.UserID == actor.ID {
			res.Lease = l
		} else {
			res.Others = append(res.Others, l)
		}
	}
	return res, nil
}

// ReleasePresence ends the actor's presence lease on a ticket, if it
// has one: the actor closed the ticket or sent the reply.
func (d *Desk) ReleasePresence(ctx context.Context, actor ticket.Actor, ticketID string) (err error) {
	ctx, end := d.begin(ctx, "ReleasePresence", actor)
	defer func() { end(err) }()
	ps, err := d.presenceFor(ctx, actor, ticketID, "release presence leases")
	if err != nil {
		return err
	}
	if err := ps.PresenceRelease(ctx, storage.PresenceReleaseParams{TenantID: actor.TenantID, TicketID: ticketID, UserID: actor.ID}); err != nil {
		return fmt.Errorf("ticketkit: release presence on ticket %q: %w", ticketID, err)
	}
	return nil
}

// Presence returns the live presence leases of a ticket, the actor's
// own among them, longest present first: who of the staff is viewing or
// replying now. Customers never see them (ErrForbidden).
func (d *Desk) Presence(ctx context.Context, actor ticket.Actor, ticketID string) (_ []ticket.Presence, err error) {
	ctx, end := d.begin(ctx, "Presence", actor)
	defer func() { end(err) }()
	ps, err := d.presenceFor(ctx, actor, ticketID, "see who is present")
	if err != nil {
		return nil, err
	}
	return d.presenceList(ctx, ps, actor, ticketID, d.now())
}

// presenceFor checks that actor is staff and sees the ticket, and
// returns the store's PresenceStore.
func (d *Desk) presenceFor(ctx context.Context, actor ticket.Actor, ticketID, what string) (storage.PresenceStore, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if err := requireStaff(actor, what); err != nil {
		return nil, err
	}
	ps, ok := d.store.(storage.PresenceStore)
	if !ok {
		return nil, ErrPresenceUnsupported
	}
	if _, err := load(ctx, d.store, actor, ticketID); err != nil {
		return nil, err
	}
	return ps, nil
}

// presenceList returns the ticket's leases live at now.
func (d *Desk) presenceList(ctx context.Context, ps storage.PresenceStore, actor ticket.Actor, ticketID string, now time.Time) ([]ticket.Presence, error) {
	ls, err := ps.PresenceList(ctx, storage.PresenceListParams{TenantID: actor.TenantID, TicketID: ticketID, At: now, Limit: storage.MaxLimit})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: list presence on ticket %q: %w", ticketID, err)
	}
	out := make([]ticket.Presence, len(ls))
	for i, l := range ls {
		out[i] = *l
	}
	return out, nil
}

// checkSeen returns mutate preceded by the check of
// MessageParams.SeenMessageID: the customer messages posted after seen
// on the ticket are put in *unseen and, under StaleReplyRefuse, refuse
// the message. A merged ticket is left to mutate, which forwards the
// message to the ticket that took it (and the check runs there).
func (d *Desk) checkSeen(seen string, unseen *[]string, mutate mutation) mutation {
	return func(ctx context.Context, tx storage.Tx, t *ticket.Ticket, b *batch) error {
		*unseen = nil
		if t.MergedInto == "" {
			found := false
			for after := ""; ; {
				page, err := tx.MessageList(ctx, storage.MessageListParams{TenantID: t.TenantID, TicketID: t.ID, Limit: storage.MaxLimit, After: after})
				if err != nil {
					return fmt.Errorf("ticketkit: read the messages of ticket %s: %w", t.Number, err)
				}
				for _, m := range page.Messages {
					switch {
					case m.ID == seen:
						found = true
					case found && m.Kind == ticket.MessageCustomer:
						*unseen = append(*unseen, m.ID)
					}
				}
				if after = page.Next; after == "" {
					break
				}
			}
			if !found {
				return ticket.NewValidationError(ticket.FieldError{Field: "seen_message_id", Rule: "unknown",
					Message: fmt.Sprintf("is no message of ticket %s", t.Number)})
			}
			if len(*unseen) > 0 && d.staleReplies != StaleReplyWarn {
				return &StaleReplyError{TicketID: t.ID, Unseen: *unseen}
			}
		}
		return mutate(ctx, tx, t, b)
	}
}
