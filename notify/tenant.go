package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/ticketkit/ticketkit/ticket"
)

// TenantSetup is how one tenant's notifications are sent: the catalog
// their labels come from, the tenant's rules and switches, and the
// tenant's own templates. A zero field means the notifier's own: the
// [Resolver]'s Catalog and Rules, the notifier's [Templates].
type TenantSetup struct {
	// Version is the version of the tenant's configuration this setup
	// comes from (0: the host's defaults), so that a notifier can cache
	// what it builds from it.
	Version int64
	// Catalog is the tenant's catalog.
	Catalog *ticket.Catalog
	// Rules are the tenant's rules; nil means the Resolver's.
	Rules Rules
	// Off lists the kinds the tenant switched off: events of these kinds
	// notify no one, whatever the rules say. A [MessageRule] key switches
	// off the messages of one kind only (such as customer comments); the
	// plain [KindMessageAdded] switches off every message.
	Off []Kind
	// Templates are the tenant's templates, applied over the notifier's
	// own with [Templates.With].
	Templates []TemplateSpec
}

// TenantSource gives the notification setup of a tenant. ticketkit's
// Desk implements it (Desk.NotifySetup) from each tenant's saved
// configuration, so that notifiers, which never import ticketkit, send
// each event with its tenant's (Event.TenantID) catalog, rules, switches
// and templates.
type TenantSource interface {
	NotifySetup(ctx context.Context, tenantID string) (TenantSetup, error)
}

// TenantSourceFunc adapts a function to the [TenantSource] interface.
type TenantSourceFunc func(ctx context.Context, tenantID string) (TenantSetup, error)

// NotifySetup calls f(ctx, tenantID).
func (f TenantSourceFunc) NotifySetup(ctx context.Context, tenantID string) (TenantSetup, error) {
	return f(ctx, tenantID)
}

// Switched reports whether a tenant's Off list switches e off: its kind
// is listed, or for a message, the [MessageRule] of its message's kind.
func Switched(off []Kind, e Event) bool {
	if slices.Contains(off, e.Kind) {
		return true
	}
	return e.Kind == KindMessageAdded && e.Message != nil && slices.Contains(off, MessageRule(e.Message.Kind))
}

// ValidRuleKey reports whether k is a kind [Rules] and switches may
// name: one of [Kinds], or a [MessageRule] of a message kind.
func ValidRuleKey(k Kind) bool {
	if slices.Contains(Kinds(), k) {
		return true
	}
	for _, mk := range ticket.MessageKinds() {
		if k == MessageRule(mk) {
			return true
		}
	}
	return false
}

// Setup returns the setup of e's tenant for a notifier built on r: the
// Tenants source's answer, with its Catalog, when missing, from
// TenantCatalog. Without either it is the zero setup.
func (r *Resolver) Setup(ctx context.Context, tenantID string) (TenantSetup, error) {
	var s TenantSetup
	if r.Tenants != nil {
		var err error
		if s, err = r.Tenants.NotifySetup(ctx, tenantID); err != nil {
			return TenantSetup{}, fmt.Errorf("notify: the setup of tenant %q: %w", tenantID, err)
		}
	}
	if s.Catalog == nil && r.TenantCatalog != nil {
		c, err := r.TenantCatalog(ctx, tenantID)
		if err != nil {
			return TenantSetup{}, fmt.Errorf("notify: the catalog of tenant %q: %w", tenantID, err)
		}
		s.Catalog = c
	}
	return s, nil
}

// ForTenant returns a copy of r that follows a tenant's setup: its
// catalog and rules replace r's when set, and its switched-off kinds
// reach no one. The copy asks no TenantSource or TenantCatalog again.
func (r *Resolver) ForTenant(s TenantSetup) *Resolver {
	c := *r
	c.Tenants, c.TenantCatalog = nil, nil
	if s.Catalog != nil {
		c.Catalog = s.Catalog
	}
	if s.Rules != nil {
		rules := s.Rules
		c.Rules = func(string) Rules { return rules }
	}
	c.off = slices.Concat(r.off, s.Off)
	return &c
}

// errNoTemplates is returned by [Templates.With] on a nil receiver.
var errNoTemplates = errors.New("notify: no templates to apply the specs over")

// TemplateSpec is one template set as data, as a tenant configuration
// holds it: the subject, text and HTML of an event kind and variant in a
// locale (see [Templates.Override]).
type TemplateSpec struct {
	Kind    Kind   `json:"kind"`
	Variant string `json:"variant,omitempty"`
	Locale  string `json:"locale"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html,omitempty"`
}

// With returns a copy of t in which specs override t's templates, each as
// [Templates.Override] would: a spec that does not parse or names an
// unknown field fails, and the error names each failing spec by its
// index. t is not changed.
func (t *Templates) With(specs ...TemplateSpec) (*Templates, error) {
	if t == nil {
		return nil, errNoTemplates
	}
	t.mu.RLock()
	c := &Templates{loc: t.loc, sets: make(map[templateKey]*templateSet, len(t.sets)+len(specs)), layouts: make(map[string]*templateSet, len(t.layouts))}
	for k, v := range t.sets {
		c.sets[k] = v
	}
	for k, v := range t.layouts {
		c.layouts[k] = v
	}
	t.mu.RUnlock()
	var errs []error
	for i, s := range specs {
		if err := c.Override(s.Kind, s.Variant, s.Locale, s.Subject, s.Text, s.HTML); err != nil {
			errs = append(errs, &TemplateSpecError{Index: i, Err: err})
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// TemplateSpecError is a [TemplateSpec] that [Templates.With] refused.
type TemplateSpecError struct {
	// Index is the spec's index in the list.
	Index int
	// Err is why.
	Err error
}

// Error implements error.
func (e *TemplateSpecError) Error() string { return fmt.Sprintf("template %d: %v", e.Index, e.Err) }

// Unwrap returns the cause.
func (e *TemplateSpecError) Unwrap() error { return e.Err }

// Outgoing is an event ready to be written: who receives it, and the
// templates and catalog of its tenant to write it with.
type Outgoing struct {
	Recipients []Recipient
	Templates  *Templates
	Catalog    *ticket.Catalog
}

// Outgoing resolves e for a notifier that writes with templates and
// catalog: it asks Setup for e's tenant, finds the recipients with
// [Resolver.ForTenant], and returns the tenant's catalog (catalog when it
// has none) and templates (its specs over templates). A tenant's
// templates that no longer apply are a [Permanent] error: no retry
// makes them. Email notifiers call it first.
func (r *Resolver) Outgoing(ctx context.Context, e Event, templates *Templates, catalog *ticket.Catalog) (Outgoing, error) {
	setup, err := r.Setup(ctx, e.TenantID)
	if err != nil {
		return Outgoing{}, err
	}
	recipients, err := r.ForTenant(setup).Recipients(ctx, e)
	if err != nil {
		return Outgoing{}, err
	}
	out := Outgoing{Recipients: recipients, Templates: templates, Catalog: catalog}
	if setup.Catalog != nil {
		out.Catalog = setup.Catalog
	}
	if len(recipients) > 0 && len(setup.Templates) > 0 {
		if out.Templates, err = templates.With(setup.Templates...); err != nil {
			return Outgoing{}, Permanent(fmt.Errorf("notify: the templates of tenant %q: %w", e.TenantID, err))
		}
	}
	return out, nil
}
