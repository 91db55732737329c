package ticketkit

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// A tenant's notification setup, number format and tag catalog are
// checked by build with the rest of its configuration, and kept on its
// view: notifiers read them through Desk.NotifySetup.

var _ notify.TenantSource = (*Desk)(nil)

// NotifySetup returns how the events of a tenant are sent (see
// notify.TenantSetup): the catalog, notification rules, switches and
// templates of its configuration, as use cases read it, from the Desk's
// cache while it is fresh (see Config.TenantConfigTTL). A tenant without
// a configuration gets the Desk's catalog and nothing else, so that the
// notifier's own rules and templates apply. Give the Desk to a
// notify.Resolver as its Tenants so that notifiers (notify/email) write
// each event with its ticket's tenant's setup.
func (d *Desk) NotifySetup(ctx context.Context, tenantID string) (_ notify.TenantSetup, err error) {
	ctx, end := d.begin(ctx, "NotifySetup", ticket.Actor{TenantID: tenantID})
	defer func() { end(err) }()
	view, err := d.forTenant(ctx, nil, tenantID)
	if err != nil {
		return notify.TenantSetup{}, err
	}
	var s notify.TenantSetup
	if n := view.notifySetup; n != nil {
		// Copies: the caller may change them.
		s.Rules, s.Off, s.Templates = n.Rules.Clone(), slices.Clone(n.Off), slices.Clone(n.Templates)
	}
	s.Version, s.Catalog = view.configVersion, view.catalog
	return s, nil
}

// defaultTemplates are the templates a tenant's templates are checked
// over: the built-in ones, whose layouts they may call.
var defaultTemplates = sync.OnceValue(notify.DefaultTemplates)

// buildExtras checks the parts of cfg beyond its catalog, workflow and
// SLA, adding each problem to v, and sets them on view.
func buildExtras(v *ticket.ValidationError, cfg TenantConfig, view *Desk) {
	setup := &notify.TenantSetup{}
	view.notifySetup = setup
	if n := cfg.Notifications; n != nil {
		checkRules(v, n.Rules)
		for i, k := range n.Off {
			if !notify.ValidRuleKey(k) {
				v.Add(fmt.Sprintf("notifications.off[%d]", i), "unknown_kind", fmt.Sprintf("%q is not an event kind", k))
			}
		}
		setup.Rules, setup.Off = n.Rules.Clone(), slices.Clone(n.Off)
	}
	if checkTemplates(v, cfg.Templates) {
		setup.Templates = slices.Clone(cfg.Templates)
	}
	if cfg.Numbers != nil {
		f := cfg.Numbers
		n, err := ticket.NewNumberer(ticket.NumberFormat{Prefix: f.Prefix, OmitYear: f.OmitYear, Digits: f.Digits,
			CheckDigit: f.CheckDigit, Separator: f.Separator, NoSeparator: f.NoSeparator})
		if err != nil {
			v.Add(numberField(err), "invalid", err.Error())
		} else {
			view.numberer = n
		}
	}
	checkTenantRetention(v, cfg, view)
	if checkTags(v, cfg) && len(cfg.Tags) > 0 {
		view.tags = &tagCatalog{codes: make(map[string]bool, len(cfg.Tags))}
		for _, t := range cfg.Tags {
			view.tags.codes[t.Code] = true
		}
	}
}

// tagCatalog is the set of tags of a tenant's tag catalog.
type tagCatalog struct {
	codes map[string]bool
}

// checkTags reports, under "tags[i]", every tag of a ticket that the
// tenant's tag catalog lacks; without a catalog, tags are free.
func (d *Desk) checkTags(v *ticket.ValidationError, tags []string) {
	if d.tags == nil {
		return
	}
	for i, tag := range tags {
		if !d.tags.codes[tag] {
			v.Add(fmt.Sprintf("tags[%d]", i), "unknown_tag", fmt.Sprintf("%q is not in the tenant's tag catalog", tag))
		}
	}
}

// checkRules reports every unknown kind and audience of rules.
func checkRules(v *ticket.ValidationError, rules notify.Rules) {
	for _, k := range slices.Sorted(maps.Keys(rules)) {
		if !notify.ValidRuleKey(k) {
			v.Add(fmt.Sprintf("notifications.rules.%s", k), "unknown_kind", fmt.Sprintf("%q is not an event kind", k))
			continue
		}
		for i, a := range rules[k] {
			if !a.Valid() {
				v.Add(fmt.Sprintf("notifications.rules.%s[%d]", k, i), "unknown_audience", fmt.Sprintf("%q is not an audience", a))
			}
		}
	}
}

// checkTemplates reports every template of specs that does not parse,
// names an unknown field or repeats a kind, variant and locale, and
// reports whether all are good.
func checkTemplates(v *ticket.ValidationError, specs []notify.TemplateSpec) bool {
	ok := true
	seen := make(map[[3]string]int)
	for i, s := range specs {
		field := fmt.Sprintf("templates[%d]", i)
		key := [3]string{string(s.Kind), s.Variant, strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s.Locale), "_", "-"))}
		if j, dup := seen[key]; dup {
			v.Add(field, "duplicate", fmt.Sprintf("templates[%d] has the same kind, variant and locale", j))
			ok = false
			continue
		}
		seen[key] = i
		if _, err := defaultTemplates().With(s); err != nil {
			msg := err.Error()
			if te, isSpec := errors.AsType[*notify.TemplateSpecError](err); isSpec {
				msg = te.Err.Error()
			}
			v.Add(field, "invalid", msg)
			ok = false
		}
	}
	return ok
}

// numberField names the field of a ticket.NewNumberer error, such as
// "numbers.prefix" for "invalid NumberFormat.Prefix".
func numberField(err error) string {
	_, rest, ok := strings.Cut(err.Error(), "NumberFormat.")
	if !ok {
		return "numbers"
	}
	name, _, _ := strings.Cut(rest, " ")
	var b strings.Builder
	for i, r := range name {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return "numbers." + b.String()
}

// cssColor is the form of a tag's colour.
var cssColor = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// maxTagLen is the longest tag, in bytes, as workflow effects allow.
const maxTagLen = 50

// checkTags reports the problems of cfg's tag catalog, and every tag a
// workflow effect names that a non-empty catalog lacks; it reports
// whether there were none.
func checkTags(v *ticket.ValidationError, cfg TenantConfig) bool {
	before := len(v.Fields)
	codes := make(map[string]int, len(cfg.Tags))
	for i, t := range cfg.Tags {
		field := fmt.Sprintf("tags[%d]", i)
		switch {
		case strings.TrimSpace(t.Code) == "" || len(t.Code) > maxTagLen || ticket.CheckText("tag", t.Code) != nil:
			v.Add(field+".code", "invalid", fmt.Sprintf("a tag is 1 to %d bytes of text", maxTagLen))
		case codes[t.Code] > 0:
			v.Add(field+".code", "duplicate", fmt.Sprintf("%q is tags[%d] already", t.Code, codes[t.Code]-1))
		default:
			codes[t.Code] = i + 1
		}
		if t.Label.Text == "" {
			v.Add(field+".label.text", "required", "a label needs a default text, whatever its translations")
		}
		if t.Label.Color != "" && !cssColor.MatchString(t.Label.Color) {
			v.Add(field+".label.color", "invalid", fmt.Sprintf("%q is not a colour such as #d32f2f", t.Label.Color))
		}
	}
	if len(cfg.Tags) == 0 || cfg.Workflow == nil {
		return len(v.Fields) == before
	}
	for i, tr := range cfg.Workflow.Transitions {
		for _, e := range tr.Effects {
			for _, tag := range slices.Concat(e.AddTags, e.RemoveTags) {
				if codes[tag] == 0 {
					v.Add(fmt.Sprintf("workflow.transitions[%d].effects", i), "unknown_tag", fmt.Sprintf("tag %q is not in the tenant's tag catalog", tag))
				}
			}
		}
	}
	return len(v.Fields) == before
}

// hostGuards returns the guards the host registered on the Desk's
// workflow, which tenants' workflows may name.
func (d *Desk) hostGuards() map[string]workflow.Guard {
	if d.workflow == nil {
		return nil
	}
	return d.workflow.HostGuards()
}

// FindTicketNumber returns the first ticket number of a tenant in text,
// such as the "BAK-0001" of a mail subject "Re: [BAK-0001] parcel", in
// canonical case: a number in the format of the tenant's configuration
// (TenantConfig.Numbers) or else in the Desk's (Config.Numberer), the
// format of the tenant's numbers given before it had one of its own. A
// number in a format only another tenant's configuration gives is not
// found: the mail intake (mailin/intake) threads replies with it, so
// that another tenant's number never matches. It reads the tenant's
// configuration as use cases do, from the Desk's cache while it is
// fresh.
func (d *Desk) FindTicketNumber(ctx context.Context, tenantID, text string) (_ string, _ bool, err error) {
	ctx, end := d.begin(ctx, "FindTicketNumber", ticket.Actor{TenantID: tenantID})
	defer func() { end(err) }()
	view, err := d.forTenant(ctx, nil, tenantID)
	if err != nil {
		return "", false, err
	}
	if n, ok := view.numberer.Find(text); ok {
		return n, true, nil
	}
	// The Desk's format; the same numberer again for a tenant without
	// one of its own, which finds nothing new (numberers need not be
	// comparable).
	n, ok := d.root().numberer.Find(text)
	return n, ok, nil
}
