// Package notify defines the notifications ticketkit emits and the
// [Notifier] interface hosts and adapters implement to deliver them.
//
// The Desk writes every [Event] to the store's outbox in the same
// transaction as the change that caused it, then hands it to the
// configured Notifier once the transaction has committed. Adapters for
// email and webhooks live in sub-packages; notifytest records events for
// tests.
package notify

import (
	"context"
	"errors"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// Kind is the kind of a notification event.
type Kind string

// Event kinds.
const (
	KindOpened        Kind = "ticket.opened"         // KindOpened: a ticket was opened.
	KindMessageAdded  Kind = "ticket.message_added"  // KindMessageAdded: a message, reply or note was added.
	KindStatusChanged Kind = "ticket.status_changed" // KindStatusChanged: the status changed (also sent along KindClosed).
	KindAssigned      Kind = "ticket.assigned"       // KindAssigned: the department or assignee changed.
	KindRouted        Kind = "ticket.routed"         // KindRouted: the department changed (also sent along KindAssigned).
	KindEscalated     Kind = "ticket.escalated"      // KindEscalated: an escalation level fired.
	KindClosed        Kind = "ticket.closed"         // KindClosed: the ticket entered a closed status.
	KindSLAWarning    Kind = "ticket.sla_warning"    // KindSLAWarning: an SLA clock reached a warning percentage of its target.
	KindSLABreached   Kind = "ticket.sla_breached"   // KindSLABreached: an SLA clock reached its target.
	// KindMerged: tickets were merged (ticketkit's Desk.Merge). Event.To
	// is the number of the ticket they were merged into, and Event.From
	// the numbers of the recipient customer's own merged tickets, joined
	// by ", " (empty for the target's customer when every merged ticket
	// was someone else's); the event's Ticket is the target, or for a
	// customer of merged tickets who is not the target's, the first of
	// their merged tickets. Each customer involved gets one such event
	// per merge.
	KindMerged Kind = "ticket.merged"
)

// Kinds returns every event kind.
func Kinds() []Kind {
	return []Kind{KindOpened, KindMessageAdded, KindStatusChanged, KindAssigned, KindRouted, KindEscalated, KindClosed,
		KindSLAWarning, KindSLABreached, KindMerged, KindComplaintDecided, KindComplaintPosted, KindComplaintReversed,
		KindComplaintActionAssigned, KindComplaintActionOverdue, KindSurveyRequested, KindRuleNotified}
}

// Event is a notification about a ticket. It carries a snapshot of the
// ticket as it was after the change, so that a notifier needs no database
// access to render it.
type Event struct {
	// ID is unique per event and stable across delivery attempts: use it
	// as an idempotency key.
	ID       string       `json:"id"`
	Kind     Kind         `json:"kind"`
	TenantID string       `json:"tenant_id"`
	At       time.Time    `json:"at"`
	Actor    ticket.Actor `json:"actor"`
	// Ticket is the ticket after the change.
	Ticket *ticket.Ticket `json:"ticket"`
	// Message is the added message, for KindMessageAdded.
	Message *ticket.Message `json:"message,omitempty"`
	// CustomerMuted, on a KindMessageAdded event, says that the message's
	// author chose not to tell the customer of it: a [Resolver] sends it
	// to no customer whatever its rules say; staff audiences are
	// unchanged.
	CustomerMuted bool `json:"customer_muted,omitempty"`
	// Changes are the history lines of the change, if any.
	Changes []*ticket.Event `json:"changes,omitempty"`
	// From and To are the old and new status for KindStatusChanged and
	// KindClosed, the old and new assignee for KindAssigned, or the old
	// and new department code for KindRouted.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Escalation is the level that fired, for KindEscalated.
	Escalation *Escalation `json:"escalation,omitempty"`
	// SLA is the clock that warned or breached, for KindSLAWarning and
	// KindSLABreached.
	SLA *SLAAlert `json:"sla,omitempty"`
	// Complaint is the complaint side of the complaint kinds (see
	// [ComplaintKinds]); nil for the others.
	Complaint *ComplaintFacts `json:"complaint,omitempty"`
	// CopyContacts, for KindMessageAdded, reports that the message's
	// author chose to copy the ticket's contacts ([AudienceContacts]).
	CopyContacts bool `json:"copy_contacts,omitempty"`
	// Watchers are the user IDs of the agents following the ticket when
	// the event happened ([AudienceWatchers]); the Desk fills them from
	// a store with storage.WatcherStore.
	Watchers []string `json:"watchers,omitempty"`
	// CC are the addresses copied on the ticket when the event happened:
	// a [Resolver] sends them what it sends the customer.
	CC []string `json:"cc,omitempty"`
	// Survey is the satisfaction survey link, for KindSurveyRequested.
	Survey *SurveyInvite `json:"survey,omitempty"`
	// Rule is the automation rule whose notify action fired, for
	// KindRuleNotified.
	Rule *RuleNotice `json:"rule,omitempty"`
}

// SLAAlert describes the SLA clock a KindSLAWarning or KindSLABreached
// event is about.
type SLAAlert struct {
	// Policy is the SLA policy whose clock fired.
	Policy string `json:"policy"`
	// Target is the clock: "first_response", "next_response" or
	// "resolution".
	Target string `json:"target"`
	// Percent is how much of the target the clock had used: the warning
	// percentage, or 100 for a breach.
	Percent int `json:"percent"`
	// Due is when the target falls or fell due; zero if unknown.
	Due time.Time `json:"due,omitzero"`
}

// Escalation describes the escalation level a KindEscalated event is
// about.
type Escalation struct {
	// Policy is the SLA policy whose level fired.
	Policy string `json:"policy"`
	// Level numbers the level, 1..N.
	Level int `json:"level"`
	// Target is the SLA clock, such as "first_response" or "resolution".
	Target string `json:"target"`
	// Percent is how far into the target the level fires (100: at the
	// breach).
	Percent int `json:"percent"`
	// Notify lists whom the level tells: role names such as
	// "supervisor", or "user:<id>"; [AudienceEscalation] resolves them.
	Notify []string `json:"notify,omitempty"`
}

// Notifier delivers notification events. Notify may be called several
// times for one event (delivery is at least once): deduplicate by
// Event.ID where that matters.
type Notifier interface {
	Notify(ctx context.Context, e Event) error
}

// NotifierFunc adapts a function to the [Notifier] interface.
type NotifierFunc func(ctx context.Context, e Event) error

// Notify calls f(ctx, e).
func (f NotifierFunc) Notify(ctx context.Context, e Event) error { return f(ctx, e) }

// Discard is a Notifier that drops every event.
var Discard Notifier = NotifierFunc(func(context.Context, Event) error { return nil })

// Fanout returns a Notifier that hands each event to every notifier in
// turn. All are called even when some fail; their errors are joined.
// The joined error matches [ErrPermanent] only when every failure is
// permanent: while one notifier may still succeed, the event must be
// retried (the others then see it again, which at-least-once delivery
// allows).
//
// Nil notifiers are skipped, so Fanout(nil) and Fanout() deliver to no
// one. Each notifier is called through [Recover]: one that panics
// fails for good on that event and the others are still called.
func Fanout(notifiers ...Notifier) Notifier {
	var live []Notifier
	for _, n := range notifiers {
		if n != nil {
			live = append(live, Recover(n))
		}
	}
	return NotifierFunc(func(ctx context.Context, e Event) error {
		var errs []error
		permanent := true
		for _, n := range live {
			if err := n.Notify(ctx, e); err != nil {
				errs = append(errs, err)
				permanent = permanent && errors.Is(err, ErrPermanent)
			}
		}
		if len(errs) == 0 || permanent {
			return errors.Join(errs...)
		}
		for i, err := range errs {
			if pe, ok := err.(permanentError); ok {
				errs[i] = pe.err // keep the cause, drop the mark
			}
		}
		return errors.Join(errs...)
	})
}

// Filter returns a Notifier that passes to n only the events keep
// accepts.
func Filter(n Notifier, keep func(Event) bool) Notifier {
	return NotifierFunc(func(ctx context.Context, e Event) error {
		if !keep(e) {
			return nil
		}
		return n.Notify(ctx, e)
	})
}

// ErrPermanent marks a delivery failure that retrying cannot fix, such
// as a mailbox that does not exist or an event the notifier cannot
// render. A Dispatcher gives up on an event at once when its error
// matches ErrPermanent with errors.Is, instead of retrying it; wrap
// errors with [Permanent].
var ErrPermanent = errors.New("notify: permanent failure")

// Permanent wraps err so that it matches [ErrPermanent]. It returns nil
// for a nil err. Return it from Notify as is, not wrapped further, so
// that [Fanout] can tell which of its notifiers failed for good.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }

func (e permanentError) Unwrap() []error { return []error{ErrPermanent, e.err} }

// IdempotencyKey returns the key a receiver uses to recognise a repeated
// delivery of e to recipient: stable across attempts and dispatchers.
func (e Event) IdempotencyKey(recipient string) string {
	if recipient == "" {
		return e.ID
	}
	return e.ID + "/" + recipient
}
