package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ticketkit/ticketkit/ticket"
)

// ErrUnknownUser is returned, wrapped, by a [Directory] that does not
// know a user. The [Resolver] then leaves the user out instead of
// failing the event.
var ErrUnknownUser = errors.New("notify: unknown user")

// Directory turns the host's user IDs (assignees, agents) into
// recipients with an email address, a name and a locale. ticketkit keeps
// no user table: the host implements it.
type Directory interface {
	// User returns the recipient for a user of a tenant. It returns an
	// error wrapping [ErrUnknownUser] for users it does not know.
	User(ctx context.Context, tenantID, userID string) (Recipient, error)
}

// DirectoryFunc adapts a function to the [Directory] interface.
type DirectoryFunc func(ctx context.Context, tenantID, userID string) (Recipient, error)

// User calls f(ctx, tenantID, userID).
func (f DirectoryFunc) User(ctx context.Context, tenantID, userID string) (Recipient, error) {
	return f(ctx, tenantID, userID)
}

// Preferences lets people opt out of notifications: the [Resolver] drops
// every recipient for whom Wants returns false.
type Preferences interface {
	Wants(ctx context.Context, r Recipient, e Event) bool
}

// PreferencesFunc adapts a function to the [Preferences] interface.
type PreferencesFunc func(ctx context.Context, r Recipient, e Event) bool

// Wants calls f(ctx, r, e).
func (f PreferencesFunc) Wants(ctx context.Context, r Recipient, e Event) bool { return f(ctx, r, e) }

// Resolver decides who receives an event, following [Rules]. Its zero
// value uses [DefaultRules] and reaches only the customer; give it a
// Catalog to reach departments and a Directory to reach assignees.
//
// Whatever the rules say, the Resolver:
//
//   - never sends an internal note to the customer or the contacts, and
//     reaches the contacts only on a message whose author copied them
//     (Event.CopyContacts);
//   - never notifies the actor of the change (a staff recipient whose
//     UserID is the actor's ID, or the customer when the actor is a
//     customer), so agents do not get their own replies. The one
//     exception is the customer's acknowledgement of a ticket they opened
//     themselves, which tells them its number; leave
//     [AudienceCustomer] out of the tenant's [KindOpened] rule to drop
//     it;
//   - sends a [KindStatusChanged] event into a closed status only to the
//     audiences that do not also get the [KindClosed] event sent along
//     with it, so nobody gets two mails for one closure (this needs
//     Catalog);
//   - sends each address at most once per event (addresses compare
//     case-insensitively; the first audience wins);
//   - skips recipients without an address and users the Directory does
//     not know.
//
// A Resolver is safe for concurrent use if its hooks are.
type Resolver struct {
	// Rules returns the rules of a tenant. Nil, or a nil result, means
	// DefaultRules. A tenant switches an audience off by leaving it out
	// of its rules.
	Rules func(tenantID string) Rules
	// Catalog holds the departments and their email addresses. Without
	// it, department audiences reach no one.
	Catalog *ticket.Catalog
	// TenantCatalog, if set, returns the catalog of a tenant's tickets,
	// which replaces Catalog for the events of that tenant: with
	// per-tenant configurations, ticketkit.Desk.TenantCatalog. A nil
	// catalog means Catalog; an error fails Recipients (the outbox
	// retries the delivery).
	TenantCatalog func(ctx context.Context, tenantID string) (*ticket.Catalog, error)
	// Directory looks up assignees. Without it, assignee audiences reach
	// no one.
	Directory Directory
	// Preferences, if set, is asked about every recipient.
	Preferences Preferences
	// DefaultLocale is the locale of the customer and of department
	// mailboxes, and of users the Directory gives none. Default "en".
	DefaultLocale string
	// CustomerLocale, if set, returns the customer's locale for a
	// ticket; an empty result means DefaultLocale.
	CustomerLocale func(ctx context.Context, t *ticket.Ticket) string
	// Tenants, if set, gives each tenant's setup (see [TenantSetup]):
	// its catalog, rules and switches replace Catalog and Rules for the
	// events of that tenant (Event.TenantID). With per-tenant
	// configurations, ticketkit's Desk. An error fails Recipients (the
	// outbox retries the delivery).
	Tenants TenantSource

	// off lists the kinds switched off (see [Resolver.ForTenant]).
	off []Kind
}

// Recipients returns who receives e, in the order of the rule's
// audiences. It fails only when e has no ticket or when the Directory
// fails for another reason than an unknown user.
func (r *Resolver) Recipients(ctx context.Context, e Event) ([]Recipient, error) {
	if e.Ticket == nil {
		return nil, fmt.Errorf("notify: event %s (%s) has no ticket", e.ID, e.Kind)
	}
	if r.TenantCatalog != nil || r.Tenants != nil {
		s, err := r.Setup(ctx, e.TenantID)
		if err != nil {
			return nil, err
		}
		return r.ForTenant(s).Recipients(ctx, e)
	}
	if Switched(r.off, e) {
		return nil, nil
	}
	rules := r.rules(e.TenantID)
	audiences := slices.Clone(rules.For(e))
	if e.Kind == KindStatusChanged && r.closes(e.To) {
		closed := rules[KindClosed]
		audiences = slices.DeleteFunc(audiences, func(a Audience) bool { return slices.Contains(closed, a) })
	}

	var out []Recipient
	seen := make(map[string]bool)
	for _, a := range audiences {
		rs, err := r.audience(ctx, a, e)
		if err != nil {
			return nil, err
		}
		for _, rc := range rs {
			key := strings.ToLower(strings.TrimSpace(rc.Address))
			if key == "" || seen[key] || r.isActor(rc, e) {
				continue
			}
			seen[key] = true
			if r.Preferences != nil && !r.Preferences.Wants(ctx, rc, e) {
				continue
			}
			out = append(out, rc)
		}
	}
	return out, nil
}

func (r *Resolver) rules(tenantID string) Rules {
	if r.Rules != nil {
		if rules := r.Rules(tenantID); rules != nil {
			return rules
		}
	}
	return DefaultRules()
}

func (r *Resolver) locale() string {
	if r.DefaultLocale != "" {
		return r.DefaultLocale
	}
	return "en"
}

// closes reports whether status is a closed status of the catalog.
func (r *Resolver) closes(status string) bool {
	if r.Catalog == nil {
		return false
	}
	s, ok := r.Catalog.Status(status)
	return ok && s.Category == ticket.CategoryClosed
}

// isActor reports whether rc is the actor of e. The customer's
// acknowledgement of a ticket they opened is let through.
func (r *Resolver) isActor(rc Recipient, e Event) bool {
	if rc.Audience == AudienceCustomer {
		return e.Actor.Role == ticket.RoleCustomer && e.Kind != KindOpened
	}
	return rc.UserID != "" && rc.UserID == e.Actor.ID
}

// audience resolves one audience of e.
func (r *Resolver) audience(ctx context.Context, a Audience, e Event) ([]Recipient, error) {
	t := e.Ticket
	switch a {
	case AudienceCustomer:
		if e.Message != nil && e.Message.Kind.Internal() {
			return nil, nil // internal notes never reach the customer
		}
		if e.CustomerMuted {
			return nil, nil // its author kept it from the customer
		}
		return r.customerAndCC(ctx, e), nil
	case AudienceContacts:
		return r.contacts(ctx, e), nil
	case AudienceDepartment:
		return r.department(t), nil
	case AudiencePreviousDepartment:
		if e.Kind != KindRouted || e.From == t.Department {
			return nil, nil
		}
		return r.departmentOf(a, e.From), nil
	case AudienceAssignee:
		return r.user(ctx, a, t.TenantID, t.Assignee)
	case AudienceOwner:
		if t.Assignee != "" {
			return r.user(ctx, a, t.TenantID, t.Assignee)
		}
		rs := r.department(t)
		for i := range rs {
			rs[i].Audience = AudienceOwner
		}
		return rs, nil
	case AudienceEscalation:
		return r.escalation(ctx, e)
	case AudienceRule:
		return r.rule(ctx, e)
	case AudienceWatchers:
		return r.watchers(ctx, e)
	}
	if rs, ok, err := r.complaintAudience(ctx, a, e); ok {
		return rs, err
	}
	return nil, nil // unknown audiences reach no one
}

// escalation resolves the Notify list of e's escalation level.
func (r *Resolver) escalation(ctx context.Context, e Event) ([]Recipient, error) {
	if e.Escalation == nil || r.Directory == nil {
		return nil, nil
	}
	var out []Recipient
	for _, target := range e.Escalation.Notify {
		var rs []Recipient
		var err error
		if userID, ok := strings.CutPrefix(target, "user:"); ok {
			rs, err = r.user(ctx, AudienceEscalation, e.TenantID, userID)
		} else {
			rs, err = r.role(ctx, AudienceEscalation, e.TenantID, target)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}

// customerAndCC returns the customer of e's ticket and the addresses
// copied on it (Event.CC), which get what the customer gets, in the
// customer's locale.
func (r *Resolver) customerAndCC(ctx context.Context, e Event) []Recipient {
	c := r.customer(ctx, e.Ticket)
	out := []Recipient{c}
	for _, addr := range e.CC {
		out = append(out, Recipient{Audience: AudienceCustomer, Address: addr, Locale: c.Locale})
	}
	return out
}

// watchers resolves the agents following e's ticket (Event.Watchers).
func (r *Resolver) watchers(ctx context.Context, e Event) ([]Recipient, error) {
	var out []Recipient
	for _, id := range e.Watchers {
		rs, err := r.user(ctx, AudienceWatchers, e.TenantID, id)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}

func (r *Resolver) customer(ctx context.Context, t *ticket.Ticket) Recipient {
	locale := ""
	if r.CustomerLocale != nil {
		locale = r.CustomerLocale(ctx, t)
	}
	if locale == "" {
		locale = r.locale()
	}
	return Recipient{
		Audience: AudienceCustomer,
		Address:  t.Customer.Email,
		Name:     t.Customer.Name,
		Locale:   locale,
	}
}

// contacts returns the contacts of e's ticket that have an address, in
// the customer's locale, when e's author copied them on a message that
// is not internal. The Desk only stores a contact address from staff or
// from host code that vouches for it, never one a customer typed.
func (r *Resolver) contacts(ctx context.Context, e Event) []Recipient {
	if !e.CopyContacts || e.Message == nil || e.Message.Kind.Internal() {
		return nil
	}
	var out []Recipient
	locale := ""
	for _, c := range e.Ticket.Contacts {
		if strings.TrimSpace(c.Email) == "" {
			continue
		}
		if locale == "" {
			locale = r.customer(ctx, e.Ticket).Locale
		}
		out = append(out, Recipient{Audience: AudienceContacts, Address: c.Email, Name: c.Name, Locale: locale})
	}
	return out
}

func (r *Resolver) department(t *ticket.Ticket) []Recipient {
	return r.departmentOf(AudienceDepartment, t.Department)
}

// departmentOf returns the mailbox of the department code as audience a,
// or nothing when the catalog has no address for it.
func (r *Resolver) departmentOf(a Audience, code string) []Recipient {
	if r.Catalog == nil || code == "" {
		return nil
	}
	d, ok := r.Catalog.Department(code)
	if !ok || d.Email == "" {
		return nil
	}
	return []Recipient{{
		Audience: a,
		Address:  d.Email,
		Name:     d.Label.In(r.locale()),
		Locale:   r.locale(),
	}}
}

func (r *Resolver) user(ctx context.Context, a Audience, tenantID, userID string) ([]Recipient, error) {
	if r.Directory == nil || userID == "" {
		return nil, nil
	}
	rc, err := r.Directory.User(ctx, tenantID, userID)
	if errors.Is(err, ErrUnknownUser) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("notify: look up user %s of tenant %s: %w", userID, tenantID, err)
	}
	rc.Audience = a
	if rc.UserID == "" {
		rc.UserID = userID
	}
	if rc.Locale == "" {
		rc.Locale = r.locale()
	}
	return []Recipient{rc}, nil
}
