package ticketkit

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ListMacrosParams selects the macros [Desk.ListMacros] returns.
type ListMacrosParams struct {
	// Department, when set, keeps the macros listed for this department
	// (and those listed for every department).
	Department string `json:"department,omitempty"`
	// Team, when set, keeps the macros listed for this team of the host
	// (and those listed for every team).
	Team string `json:"team,omitempty"`
}

// MacroParams names a macro and the ticket it is applied to or
// previewed on.
type MacroParams struct {
	TicketID string `json:"ticket_id"`
	MacroID  string `json:"macro_id"`
	// Locale, when set, renders the macro in this locale rather than the
	// customer's (Config.Macros.Locale).
	Locale string `json:"locale,omitempty"`
	// Version, when set, makes ApplyMacro fail with ErrConflict unless
	// the ticket is still at this version.
	Version int64 `json:"version,omitempty"`
	// SeenMessageID is the last message the agent had seen, as in
	// MessageParams.SeenMessageID.
	SeenMessageID string `json:"seen_message_id,omitempty"`
}

// MacroPreview is a macro rendered for a ticket, and what applying it
// would do, with nothing written.
type MacroPreview struct {
	MacroID string    `json:"macro_id"`
	Kind    MacroKind `json:"kind"`
	// Locale is the locale of the text used; "" for the default text.
	Locale string `json:"locale"`
	// Body is the rendered reply or note.
	Body string `json:"body"`
	// Status, AddTags, RemoveTags and Assignee are the macro's actions
	// (Assignee resolved for Macro.AssignToSelf).
	Status     string   `json:"status,omitempty"`
	AddTags    []string `json:"add_tags,omitempty"`
	RemoveTags []string `json:"remove_tags,omitempty"`
	Assignee   *string  `json:"assignee,omitempty"`
}

// MacroResult is what [Desk.ApplyMacro] did: the message it posted and
// the ticket after all of the macro's actions.
type MacroResult struct {
	Ticket  *ticket.Ticket  `json:"ticket"`
	Message *ticket.Message `json:"message"`
}

// ListMacros returns the macros of the actor's tenant (TenantConfig.Macros,
// else Config.Macros) listed for p's department and team, in their
// configured order. Only staff may list them: customers get ErrForbidden.
func (d *Desk) ListMacros(ctx context.Context, actor ticket.Actor, p ListMacrosParams) (_ []Macro, err error) {
	ctx, end := d.begin(ctx, "ListMacros", actor)
	defer func() { end(err) }()
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if err := requireStaff(actor, "list macros"); err != nil {
		return nil, err
	}
	v := &ticket.ValidationError{}
	for _, f := range []struct{ name, value string }{{"department", p.Department}, {"team", p.Team}} {
		if err := ticket.CheckText(f.name, f.value); err != nil || len(f.value) > 200 {
			v.Add(f.name, "invalid", "must be at most 200 bytes of text")
		}
	}
	if err := failed(v); err != nil {
		return nil, err
	}
	td, err := d.forTenant(ctx, nil, actor.TenantID)
	if err != nil {
		return nil, err
	}
	out := []Macro{}
	if td.macros != nil {
		for _, m := range td.macros.list {
			if m.listedFor(p.Department, p.Team) {
				out = append(out, m.clone())
			}
		}
	}
	return out, nil
}

// PreviewMacro renders a macro for a ticket as [Desk.ApplyMacro] would
// post it, in the customer's locale (p.Locale, else Config.Macros.Locale,
// else the macro's default text), and lists its actions, writing
// nothing. Only staff may preview: customers get ErrForbidden. An
// unknown macro or ticket is ErrNotFound.
func (d *Desk) PreviewMacro(ctx context.Context, actor ticket.Actor, p MacroParams) (_ *MacroPreview, err error) {
	ctx, end := d.begin(ctx, "PreviewMacro", actor)
	defer func() { end(err) }()
	td, pm, err := d.macroFor(ctx, nil, actor, p)
	if err != nil {
		return nil, err
	}
	t, err := load(ctx, td.store, actor, p.TicketID)
	if err != nil {
		return nil, err
	}
	body, locale, err := td.renderMacro(ctx, actor, pm, t, p.Locale)
	if err != nil {
		return nil, err
	}
	m := pm.m
	out := &MacroPreview{MacroID: m.ID, Kind: m.kind(), Locale: locale, Body: body, Status: m.Status,
		AddTags: slices.Clone(m.AddTags), RemoveTags: slices.Clone(m.RemoveTags), Assignee: macroAssignee(actor, m)}
	return out, nil
}

// ApplyMacro applies a macro to a ticket in one transaction: it posts
// the macro's text, rendered in the customer's locale (p.Locale, else
// Config.Macros.Locale, else the macro's default text), as a reply or an
// internal note, then changes the tags, the assignee and the status, each
// through the path of its own method ([Desk.Reply] or [Desk.AddNote],
// the tags as [Desk.Bulk] changes them, [Desk.Assign],
// [Desk.Transition]) with the same workflow guards, routing rules and
// role checks, history lines and notifications. When any of them is
// refused (a *TransitionError, ErrForbidden, a *ValidationError, a
// *StaleReplyError) nothing is written and the error says why. Only
// staff may apply macros: customers get ErrForbidden. An unknown macro
// or ticket is ErrNotFound; a merged ticket takes none (ErrMerged). A
// status the ticket has already is left as it is. [Desk.ApplyMacroTx]
// runs it in the host's transaction.
func (d *Desk) ApplyMacro(ctx context.Context, actor ticket.Actor, p MacroParams) (_ *MacroResult, err error) {
	ctx, end := d.begin(ctx, "ApplyMacro", actor)
	defer func() { end(err) }()
	return d.applyMacro(ctx, nil, actor, p)
}

// ApplyMacroTx is [Desk.ApplyMacro] in the host's transaction tx; see
// [Desk.OpenTx] for what differs.
func (d *Desk) ApplyMacroTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p MacroParams) (_ *MacroResult, err error) {
	ctx, end := d.begin(ctx, "ApplyMacroTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.applyMacro(ctx, tx, actor, p)
}

// macroApplyAttempts is how often ApplyMacro runs again after losing a
// race with another writer.
const macroApplyAttempts = 5

// applyMacro is ApplyMacro in the host's transaction host, or in the
// Desk's own when host is nil.
func (d *Desk) applyMacro(ctx context.Context, host storage.Tx, actor ticket.Actor, p MacroParams) (*MacroResult, error) {
	td, pm, err := d.macroFor(ctx, host, actor, p)
	if err != nil {
		return nil, err
	}
	if p.SeenMessageID != "" {
		if err := checkKey("seen_message_id", p.SeenMessageID); err != nil {
			return nil, err
		}
	}
	if host != nil {
		var res *MacroResult
		err := d.inTx(ctx, host, func(ctx context.Context, tx storage.Tx, _ time.Time) error {
			var err error
			res, err = td.applyMacroIn(ctx, tx, actor, p, pm)
			return err
		})
		return res, err
	}
	for attempt := 1; ; attempt++ {
		var res *MacroResult
		// The steps run as a bulk chunk's do: in one transaction, their
		// notifications delivered once it commits.
		c := &bulkCollector{lockUntil: d.lockUntil()}
		err := d.runTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			c.tx, c.notices = tx, nil
			ctx = context.WithValue(ctx, bulkKey{}, c)
			var err error
			res, err = td.applyMacroIn(ctx, tx, actor, p, pm)
			return err
		})
		if err == nil {
			d.deliver(ctx, c.notices)
			return res, nil
		}
		if !errors.Is(err, ErrConflict) || errors.As(err, new(staleVersion)) || attempt >= macroApplyAttempts {
			return nil, err
		}
		if werr := waitToRetry(ctx, attempt); werr != nil {
			return nil, fmt.Errorf("ticketkit: apply macro %q: %w while retrying a lost race (last: %v)", p.MacroID, werr, err)
		}
	}
}

// applyMacroIn runs the steps of a macro in tx.
func (d *Desk) applyMacroIn(ctx context.Context, tx storage.Tx, actor ticket.Actor, p MacroParams, pm *parsedMacro) (*MacroResult, error) {
	got, err := lockTickets(ctx, tx, actor.TenantID, []string{p.TicketID})
	if err != nil {
		return nil, err
	}
	t := got[p.TicketID]
	if t == nil || !canSee(actor, t) {
		return nil, fmt.Errorf("ticketkit: ticket %q: %w", p.TicketID, ErrNotFound)
	}
	noteTicket(ctx, t)
	if t.MergedInto != "" {
		return nil, fmt.Errorf("ticketkit: ticket %s was merged into another ticket; apply the macro there: %w", t.Number, ErrMerged)
	}
	if p.Version != 0 && t.Version != p.Version {
		return nil, staleVersion{fmt.Errorf("ticketkit: ticket %s is at version %d, not %d: %w", t.Number, t.Version, p.Version, ErrConflict)}
	}
	body, _, err := d.renderMacro(ctx, actor, pm, t, p.Locale)
	if err != nil {
		return nil, err
	}
	m := pm.m
	res := &MacroResult{}
	mp := MessageParams{TicketID: t.ID, Body: body, SeenMessageID: p.SeenMessageID}
	if m.kind() == MacroNote {
		res.Message, err = d.addNote(ctx, tx, actor, mp)
	} else {
		res.Message, err = d.addMessage(ctx, tx, actor, ticket.MessageReply, mp)
	}
	if err != nil {
		return nil, fmt.Errorf("ticketkit: macro %q: post its text: %w", m.ID, err)
	}
	if len(m.AddTags) > 0 || len(m.RemoveTags) > 0 {
		if err := requireStaff(actor, "change tags"); err != nil {
			return nil, err
		}
		_, _, err := d.change(ctx, tx, actor, t.ID, 0, func(_ context.Context, _ storage.Tx, t *ticket.Ticket, _ *batch) error {
			if d.complaints != nil && t.Kind == ticket.KindComplaint {
				return fmt.Errorf("ticketkit: ticket %s: change its tags with Desk.ComplaintUpdate: %w", t.Number, ErrComplaint)
			}
			t.Tags = bulkTags(bulkTags(t.Tags, BulkAddTags, m.AddTags), BulkRemoveTags, m.RemoveTags)
			if len(t.Tags) > maxTags {
				return ticket.NewValidationError(ticket.FieldError{Field: "tags", Rule: "max",
					Message: fmt.Sprintf("ticket %s would have %d tags, more than %d", t.Number, len(t.Tags), maxTags)})
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("ticketkit: macro %q: tags: %w", m.ID, err)
		}
	}
	if a := macroAssignee(actor, m); a != nil {
		if _, err := d.assign(ctx, tx, actor, AssignParams{TicketID: t.ID, Assignee: a}); err != nil {
			return nil, fmt.Errorf("ticketkit: macro %q: assignee: %w", m.ID, err)
		}
	}
	if m.Status != "" {
		now, err := load(ctx, tx, actor, t.ID)
		if err != nil {
			return nil, err
		}
		if now.Status != m.Status {
			if _, err := d.transition(ctx, tx, actor, TransitionParams{TicketID: t.ID, To: m.Status, Reason: m.Reason}); err != nil {
				return nil, fmt.Errorf("ticketkit: macro %q: status: %w", m.ID, err)
			}
		}
	}
	final, err := load(ctx, tx, actor, t.ID)
	if err != nil {
		return nil, err
	}
	// One line says which macro made the steps above (ticket.FieldMacro).
	mb := &batch{actor: actor}
	mb.history(final, []ticket.Event{{Field: ticket.FieldMacro, New: m.ID}})
	if _, err := mb.write(ctx, tx, time.Time{}); err != nil {
		return nil, fmt.Errorf("ticketkit: macro %q: history: %w", m.ID, err)
	}
	res.Ticket = d.view(actor, final)
	return res, nil
}

// macroAssignee returns the assignee a macro sets when applied by
// actor, or nil.
func macroAssignee(actor ticket.Actor, m Macro) *string {
	if m.AssignToSelf {
		id := actor.ID
		return &id
	}
	if m.Assignee != nil {
		a := *m.Assignee
		return &a
	}
	return nil
}

// macroFor checks p and the actor and returns the tenant's view and the
// macro p names.
func (d *Desk) macroFor(ctx context.Context, host storage.Tx, actor ticket.Actor, p MacroParams) (*Desk, *parsedMacro, error) {
	if err := checkActor(actor); err != nil {
		return nil, nil, err
	}
	if err := requireStaff(actor, "use macros"); err != nil {
		return nil, nil, err
	}
	v := &ticket.ValidationError{}
	for _, f := range []struct{ name, value string }{{"ticket_id", p.TicketID}, {"macro_id", p.MacroID}} {
		if err := checkKey(f.name, f.value); err != nil {
			v.Fields = append(v.Fields, asValidation(err).Fields...)
		} else if f.value == "" {
			v.Add(f.name, "required", "is required")
		}
	}
	if p.Locale != "" && (len(p.Locale) > maxMacroLocaleLen || ticket.CheckText("locale", p.Locale) != nil) {
		v.Add("locale", "invalid", fmt.Sprintf("a locale is at most %d bytes, such as fr or fr-CA", maxMacroLocaleLen))
	}
	if err := failed(v); err != nil {
		return nil, nil, err
	}
	td, err := d.forTenant(ctx, host, actor.TenantID)
	if err != nil {
		return nil, nil, err
	}
	pm := td.macros.get(p.MacroID)
	if pm == nil {
		return nil, nil, fmt.Errorf("ticketkit: macro %q: %w", p.MacroID, ErrNotFound)
	}
	return td, pm, nil
}

// renderMacro renders the macro for t in locale, else in the customer's
// locale (Config.Macros.Locale), and returns the text and the locale of
// the text used ("" for the default).
func (d *Desk) renderMacro(ctx context.Context, actor ticket.Actor, pm *parsedMacro, t *ticket.Ticket, locale string) (string, string, error) {
	if locale == "" && d.macroLocale != nil {
		locale = strings.TrimSpace(d.macroLocale.fn(ctx, t))
	}
	tmpl, used := pm.template(locale)
	data := d.macroData(ctx, actor, pm.m.kind(), t, used)
	body, err := renderMacroTemplate(tmpl, data)
	if err != nil {
		return "", "", ticket.NewValidationError(ticket.FieldError{Field: "macro_id", Rule: "template",
			Message: fmt.Sprintf("macro %q does not render for ticket %s: %v", pm.m.ID, t.Number, err)})
	}
	return body, used, nil
}

// macroData returns the data a macro of kind is rendered with for t,
// in locale: for a reply, only what the customer may see.
func (d *Desk) macroData(ctx context.Context, actor ticket.Actor, kind MacroKind, t *ticket.Ticket, locale string) MacroData {
	cat := d.catalog
	label := func(l ticket.Label, ok bool, code string) string {
		if ok {
			return l.In(locale)
		}
		return code
	}
	st, okS := cat.Status(t.Status)
	pr, okP := cat.Priority(t.Priority)
	ca, okC := cat.Category(t.Category)
	de, okD := cat.Department(t.Department)
	data := MacroData{
		Ticket: MacroTicket{
			Number: t.Number, Subject: t.Subject,
			Status: label(st.Label, okS, t.Status), Priority: label(pr.Label, okP, t.Priority),
			Category: label(ca.Label, okC, t.Category), Department: label(de.Label, okD, t.Department),
			Opened: t.CreatedAt.UTC().Format("2006-01-02"),
			Fields: make(map[string]string, len(t.Fields)),
		},
		Customer: MacroCustomer{Name: t.Customer.Name, Email: t.Customer.Email},
		Agent:    MacroAgent{Name: d.staffNamer(ctx, t.TenantID)(actor.ID)},
		Locale:   locale,
	}
	if t.Channel != "" {
		data.Ticket.Channel = t.Channel.Label().In(locale)
	}
	if ref, ok := t.Reference(ticket.RefOrder); ok {
		data.Ticket.Order = ref.ID
	}
	if ref, ok := t.Reference(ticket.RefProduct); ok {
		data.Ticket.Product = ref.ID
		if ref.Label != "" {
			data.Ticket.Product = ref.Label
		}
	}
	if ref, ok := t.Reference(ticket.RefSerial); ok {
		data.Ticket.Serial = ref.ID
	}
	for _, key := range slices.Sorted(maps.Keys(t.Fields)) {
		def, ok := cat.Field(key)
		if kind == MacroNote || (ok && !def.Internal) {
			data.Ticket.Fields[key] = t.Fields[key]
		}
	}
	if kind == MacroNote {
		data.Staff = MacroStaff{AgentID: actor.ID, Assignee: t.Assignee, Tags: strings.Join(t.Tags, ", ")}
	}
	return data
}
