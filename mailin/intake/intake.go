// Package intake feeds inbound email to a ticketkit Desk: it parses a raw
// message with mailin, routes it to a tenant, drops ticketkit's own mail,
// ingests each message once, threads it onto a ticket (or opens one) and
// keeps mail robots out of the conversation.
//
// It lives apart from the root package so that hosts that take no mail do
// not compile the MIME parser; it uses only the Desk's public API.
//
// # Order
//
// [Intake.Ingest] parses the message, routes it to a tenant (mail no
// route knows is an error naming its recipients), drops ticketkit's own
// mail, claims the message's key (its Message-ID, or its digest when it
// has none) in a storage.InboundStore, and threads it:
//
//  1. In-Reply-To or References holding the thread ID of a ticket of the
//     routed tenant (see mailthread.ThreadID);
//  2. a ticket number in the subject;
//  3. otherwise a new ticket, on channel email, for the customer whose
//     address sent it (see Config.Customers).
//
// Steps 1 and 2 count only when the sender is the ticket's customer or
// one of its contacts: a thread ID is in the headers of every
// notification and numbers are sequential, so a stranger holding either
// must not write onto another customer's ticket, let alone reopen it. A
// stranger's mail opens a new ticket of its own. Automatic replies and
// bounces (which come from mail servers, not from the customer) may
// thread by header whoever sent them, as they are only ever recorded as
// an internal note that names their sender.
//
// Mail from a person is added as a customer message, acting as the
// ticket's customer, so the Desk's reopen policy applies: a reply within
// Config.ReopenWithin of the Desk reopens a resolved or closed ticket, a
// later one opens a linked follow-up ticket. Attachments and inline
// images go to the Desk's blob store.
//
// Automatic replies and bounces never open, reopen or answer a ticket:
// they are recorded as an internal note on the ticket they thread to
// ([PolicyRecord], the default) or dropped.
//
// # Delivering once
//
// The key is claimed before the ticket changes (InboundRecord) and
// completed with the ticket the message went to. When Config.Inbound is
// the Desk's own store, as it usually is, the Desk completes the claim in
// the transaction of the change itself (ticketkit.InboundClaim): the
// ticket change and the completion commit together or not at all, so a
// message is acted on exactly once. With another Inbound store the claim
// is completed after the change, and a process dying between the two
// lets a redelivery act on the message again (at least once). When the
// change fails the claim is taken back, so a redelivery tries again. A
// concurrent delivery of a message still being ingested gets
// [ErrInProgress] (an SMTP server answers 451, and the sender retries
// later). A claim left by a process that crashed before its change
// committed blocks the key for Config.ClaimTimeout; after it a
// redelivery takes the claim over and ingests the message.
package intake

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/mailin"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// DefaultClaimTimeout is the default of Config.ClaimTimeout.
const DefaultClaimTimeout = 10 * time.Minute

// Policy says what happens to automatic replies and bounces.
type Policy string

// Policies for automated mail. Neither ever opens, reopens or answers a
// ticket.
const (
	// PolicyRecord records the mail as an internal note on the ticket
	// it threads to, and drops it when it threads to none. The default
	// ([DefaultPolicy]).
	PolicyRecord Policy = "record"
	// PolicyDrop drops the mail.
	PolicyDrop Policy = "drop"
)

// DefaultPolicy is the default of Config.AutoReplies and Config.Bounces.
const DefaultPolicy = PolicyRecord

// CustomerResolver returns the customer a sender is, for new tickets of
// a tenant: typically the host's own account of that address. Its
// Customer.ID is required.
type CustomerResolver func(ctx context.Context, tenantID string, from mailin.Address) (ticket.Customer, error)

// CcResolver vouches for an address the first mail of a new ticket was
// copied to (its Cc): it returns the contact to record on the ticket,
// and false for an address the host does not vouch for, which is then
// left out. A contact's Email empty means the Cc'd address; its Name
// empty means the name the mail gave. The addresses a customer copies
// are typed by the sender: vouch only for those the host knows, such as
// the people of the customer's account. Staff may then copy those
// contacts on a reply (ticketkit.MessageParams.CopyContacts), and a
// contact's own mail threads onto the ticket like the customer's. Only
// the first mail's Cc is looked at: later mails add no contact.
type CcResolver func(ctx context.Context, tenantID string, customer ticket.Customer, cc mailin.Address) (ticket.Contact, bool, error)

// Config configures an [Intake].
type Config struct {
	// Desk receives the tickets and messages. Required. Its Numberer
	// must be the one given here (the Desk's default is
	// ticket.DefaultNumberer()).
	Desk *ticketkit.Desk
	// Parser parses and classifies the raw mail. Required; build it
	// with mailin.New and list ticketkit's sender addresses in its
	// Config.OwnAddresses.
	Parser *mailin.Parser
	// Routes maps mailbox addresses to tenants and departments.
	// Required.
	Routes mailin.Routes
	// Inbound remembers ingested messages, usually the Desk's store.
	// Required.
	Inbound storage.InboundStore
	// Domain is the thread domain of ticketkit's outgoing mail (the
	// notify/email Sender's Config.Domain). Empty skips header threading.
	Domain string
	// Numberer finds ticket numbers in subjects. Default:
	// ticket.DefaultNumberer(). The number formats of the routed
	// tenant's configuration (ticketkit.TenantConfig.Numbers) and the
	// Desk's are looked for first (Desk.FindTicketNumber).
	Numberer ticket.Numberer
	// AutoReplies and Bounces say what happens to automatic replies and
	// to bounces. Default [DefaultPolicy].
	AutoReplies Policy
	Bounces     Policy
	// Customers, when set, resolves the customer of a new ticket. By
	// default the customer of the newest ticket of the tenant with the
	// sender's address is reused, and otherwise a customer with ID
	// "email:{address}" is made from the sender's name and address.
	Customers CustomerResolver
	// CcContacts, when set, turns the Cc'd addresses of a new ticket's
	// first mail that it vouches for into the ticket's contacts. The
	// sender, the desk's own mailboxes (Routes) and repeated addresses
	// are never asked about; at most 20 contacts are kept. Nil records
	// no Cc'd address: nobody a sender copied is ever mailed.
	CcContacts CcResolver
	// ClaimTimeout is how long a claimed message that was never
	// completed blocks redeliveries (see the package documentation).
	// Default DefaultClaimTimeout.
	ClaimTimeout time.Duration
	// Clock tells the time of claims. Default clock.System().
	Clock clock.Clock
}

// Intake ingests inbound mail into a Desk. It is safe for concurrent
// use.
type Intake struct {
	cfg Config
	// inDesk says that Config.Inbound is the Desk's own store: the Desk
	// then completes a message's claim in the transaction of the change
	// the message causes (ticketkit.InboundClaim).
	inDesk bool
}

// WithDefaults returns a copy of c with every zero field set to its
// documented default: Numberer, AutoReplies, Bounces, ClaimTimeout and
// Clock. [New] calls it.
func (c Config) WithDefaults() Config {
	c.Numberer = cmp.Or[ticket.Numberer](c.Numberer, ticket.DefaultNumberer())
	c.AutoReplies = cmp.Or(c.AutoReplies, DefaultPolicy)
	c.Bounces = cmp.Or(c.Bounces, DefaultPolicy)
	c.ClaimTimeout = cmp.Or(c.ClaimTimeout, DefaultClaimTimeout)
	c.Clock = cmp.Or(c.Clock, clock.System())
	return c
}

// validate reports every problem of a Config that WithDefaults filled,
// each naming its field.
func (c Config) validate() error {
	var errs []error
	if c.Desk == nil {
		errs = append(errs, errors.New("Config.Desk is required"))
	}
	if c.Parser == nil {
		errs = append(errs, errors.New("Config.Parser is required"))
	}
	if len(c.Routes) == 0 {
		errs = append(errs, errors.New("Config.Routes is required"))
	} else if err := c.Routes.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("Config.Routes: %w", err))
	}
	if c.Inbound == nil {
		errs = append(errs, errors.New("Config.Inbound is required"))
	}
	for _, p := range []struct {
		name   string
		policy Policy
	}{{"Config.AutoReplies", c.AutoReplies}, {"Config.Bounces", c.Bounces}} {
		if p.policy != PolicyRecord && p.policy != PolicyDrop {
			errs = append(errs, fmt.Errorf("%s must be %q or %q", p.name, PolicyRecord, PolicyDrop))
		}
	}
	if c.ClaimTimeout < 0 {
		errs = append(errs, errors.New("Config.ClaimTimeout must not be negative"))
	}
	return errors.Join(errs...)
}

// New fills cfg's defaults (see [Config.WithDefaults]), validates it,
// reporting every invalid field at once, and returns an Intake.
func New(cfg Config) (*Intake, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("intake: invalid Config: %w", err)
	}
	return &Intake{cfg: cfg, inDesk: sameStore(cfg.Inbound, cfg.Desk.Store())}, nil
}

// sameStore reports whether inbound is the Desk's store desk. Stores of a
// type that cannot be compared (a struct holding a map, say) count as
// different rather than panic.
func sameStore(inbound storage.InboundStore, desk storage.Store) bool {
	if t := reflect.TypeOf(inbound); t == nil || !t.Comparable() {
		return false
	}
	return any(inbound) == any(desk)
}

// Outcome says what [Intake.Ingest] did with a message.
type Outcome string

// Outcomes of Ingest.
const (
	// Opened: the message opened a new ticket.
	Opened Outcome = "opened"
	// Appended: the message was added to an existing ticket.
	Appended Outcome = "appended"
	// Reopened: the message was added to a resolved or closed ticket,
	// which the reopen policy reopened.
	Reopened Outcome = "reopened"
	// FollowUp: the message was about a ticket closed too long ago; it
	// went to a new follow-up ticket (Result.TicketID), linked to the
	// old one.
	FollowUp Outcome = "follow_up"
	// Recorded: automated mail was recorded as an internal note.
	Recorded Outcome = "recorded"
	// Dropped: the message was ignored: ticketkit's own mail, or
	// automated mail that threads to no ticket or whose policy is
	// PolicyDrop.
	Dropped Outcome = "dropped"
	// Duplicate: the message was ingested before; nothing changed.
	Duplicate Outcome = "duplicate"
)

// Outcomes returns every outcome.
func Outcomes() []Outcome {
	return []Outcome{Opened, Appended, Reopened, FollowUp, Recorded, Dropped, Duplicate}
}

// Result is what Ingest did with a message.
type Result struct {
	Outcome Outcome
	// TicketID and Number name the ticket the message went to; for
	// Duplicate the ticket it went to the first time (the number is
	// then empty); empty for Dropped.
	TicketID string
	Number   string
	// Class is the message's class.
	Class mailin.Class
	// TenantID is the routed tenant; empty when routing failed.
	TenantID string
	// Key is the dedupe key: the Message-ID, or "sha256:{digest}".
	Key string
	// Thread is how the message was threaded.
	Thread mailin.ThreadMatch
}

// Errors of Ingest, besides the parse errors of mailin (ErrTooLarge,
// ErrMalformed, ErrNoSender) and the Desk's own.
var (
	// ErrUnroutable: no recipient of the message is a mailbox of
	// Config.Routes. The error is an *UnroutableError.
	ErrUnroutable = errors.New("intake: no route for any recipient")
	// ErrInProgress: another delivery of the same message is being
	// ingested right now. Try again later.
	ErrInProgress = errors.New("intake: message is being ingested by another delivery")
)

// UnroutableError names the recipients of a message no route knows.
type UnroutableError struct {
	Recipients []string
}

// Error lists the recipients.
func (e *UnroutableError) Error() string {
	if len(e.Recipients) == 0 {
		return ErrUnroutable.Error() + ": the message has no recipients"
	}
	return ErrUnroutable.Error() + ": " + strings.Join(e.Recipients, ", ")
}

// Unwrap returns ErrUnroutable.
func (e *UnroutableError) Unwrap() error { return ErrUnroutable }

// Ingest reads one raw RFC 5322 message from r and acts on it; see the
// package documentation for the order of the steps. A message that was
// ingested before gives Duplicate and changes nothing. With an error the
// message was not ingested and may be delivered again.
func (i *Intake) Ingest(ctx context.Context, r io.Reader) (Result, error) {
	in, err := i.cfg.Parser.Parse(r)
	if err != nil {
		return Result{}, err
	}
	res := Result{Class: in.Class.Class}
	route, ok := i.cfg.Routes.Match(in)
	if !ok {
		return res, &UnroutableError{Recipients: in.Recipients()}
	}
	res.TenantID = route.TenantID
	if in.Class.Class == mailin.ClassOwn {
		res.Outcome = Dropped
		return res, nil
	}
	res.Key = dedupeKey(in)
	claim, dup, err := i.claim(ctx, route.TenantID, res.Key)
	if err != nil {
		return res, err
	}
	if dup != nil {
		res.Outcome, res.TicketID = Duplicate, dup.TicketID
		return res, nil
	}
	var inbound *ticketkit.InboundClaim
	if i.inDesk {
		inbound = &ticketkit.InboundClaim{Key: res.Key, At: claim}
	}
	if err := i.ingest(ctx, in, route, &res, inbound); err != nil {
		i.release(ctx, route.TenantID, res.Key, claim)
		return res, err
	}
	if res.TicketID == "" {
		// Nothing to remember: dropped mail may come again harmlessly,
		// and keeping its key would let strangers fill the table.
		i.release(ctx, route.TenantID, res.Key, claim)
		return res, nil
	}
	// The ticket changed, so Ingest succeeded even if this fails: the
	// pending claim then blocks redeliveries until ClaimTimeout.
	_ = i.cfg.Inbound.InboundComplete(context.WithoutCancel(ctx), storage.InboundCompleteParams{
		TenantID: route.TenantID, Key: res.Key, At: claim, TicketID: res.TicketID,
	})
	return res, nil
}

// dedupeKey returns the key a message is ingested once by.
func dedupeKey(in mailin.Inbound) string {
	if in.MessageID != "" && len(in.MessageID) <= 900 {
		return in.MessageID
	}
	return "sha256:" + in.Digest
}

// claim records key for tenant. It returns the claim's time, or the
// record of an earlier delivery that completed (dup), or ErrInProgress
// for one still running. A claim older than ClaimTimeout that was never
// completed is taken over.
func (i *Intake) claim(ctx context.Context, tenant, key string) (time.Time, *storage.Inbound, error) {
	for range 3 {
		now := i.cfg.Clock.Now().UTC().Truncate(time.Microsecond)
		err := i.cfg.Inbound.InboundRecord(ctx, storage.InboundRecordParams{TenantID: tenant, Key: key, At: now})
		if err == nil {
			return now, nil, nil
		}
		if !errors.Is(err, storage.ErrConflict) {
			return time.Time{}, nil, fmt.Errorf("intake: claim message %q: %w", key, err)
		}
		old, err := i.cfg.Inbound.InboundGet(ctx, storage.InboundGetParams{TenantID: tenant, Key: key})
		if errors.Is(err, storage.ErrNotFound) {
			continue // released meanwhile: try again
		}
		if err != nil {
			return time.Time{}, nil, fmt.Errorf("intake: claim message %q: %w", key, err)
		}
		if old.TicketID != "" {
			return time.Time{}, old, nil
		}
		if now.Sub(old.At) < i.cfg.ClaimTimeout {
			return time.Time{}, nil, fmt.Errorf("intake: message %q: %w", key, ErrInProgress)
		}
		err = i.cfg.Inbound.InboundDelete(ctx, storage.InboundDeleteParams{TenantID: tenant, Key: key, At: old.At})
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return time.Time{}, nil, fmt.Errorf("intake: take over claim of message %q: %w", key, err)
		}
	}
	return time.Time{}, nil, fmt.Errorf("intake: message %q: %w", key, ErrInProgress)
}

// release takes back a claim; failing that, the claim expires after
// ClaimTimeout.
func (i *Intake) release(ctx context.Context, tenant, key string, at time.Time) {
	_ = i.cfg.Inbound.InboundDelete(context.WithoutCancel(ctx), storage.InboundDeleteParams{TenantID: tenant, Key: key, At: at})
}

// truncate shortens s to at most n bytes of whole runes.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
