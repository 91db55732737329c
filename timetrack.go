package ticketkit

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// ErrTimeEntriesUnsupported: the store does not keep time entries
// (storage.TimeEntryStore); it wraps storage.ErrUnsupported.
var ErrTimeEntriesUnsupported = fmt.Errorf("ticketkit: the store does not keep time entries: %w", storage.ErrUnsupported)

// MaxTimeEntryFuture is how far after the present a time entry's date
// may lie: a day, for agents in time zones ahead of UTC.
const MaxTimeEntryFuture = 24 * time.Hour

// TimeEntryParams is time an agent spent on a ticket.
type TimeEntryParams struct {
	TicketID string `json:"ticket_id"`
	// AgentID is the host's user ID of the agent who did the work;
	// default the actor's ID. Required when the actor is the system.
	AgentID string `json:"agent_id,omitempty"`
	// Duration is the time spent: whole seconds, more than zero and at
	// most ticket.MaxTimeEntryDuration.
	Duration time.Duration `json:"-"`
	Billable bool          `json:"billable"`
	// Note is optional, at most ticket.MaxTimeEntryNote bytes.
	Note string `json:"note,omitempty"`
	// Date is the day of the work (its UTC day counts); default today.
	// At most MaxTimeEntryFuture ahead.
	Date time.Time `json:"date,omitzero"`
}

// TimeEntryRef names one time entry of a ticket.
type TimeEntryRef struct {
	TicketID string `json:"ticket_id"`
	ID       string `json:"id"`
}

// TimeReport is the time logged in a period, grouped.
type TimeReport struct {
	ReportParams
	Groups []TimeReportGroup `json:"groups"`
}

// TimeReportGroup is one line of a [TimeReport].
type TimeReportGroup struct {
	// Key is the agent, customer, organisation, day or month; "" for
	// entries without one.
	Key     string `json:"key"`
	Entries int64  `json:"entries"`
	// Seconds is the total time logged, BillableSeconds the billable
	// part of it.
	Seconds         int64 `json:"seconds"`
	BillableSeconds int64 `json:"billable_seconds"`
}

// AddTimeEntry logs time an agent spent on a ticket, with a history
// line (ticket.FieldTimeEntry). Time entries are internal: only staff
// may log, list or delete them (customers get ErrForbidden), and
// customers never see the history line. A duration that is not
// positive, not whole seconds or longer than a day, a date more than a
// day ahead, a note too long or not text: a *ValidationError naming the
// field. The store must implement storage.TimeEntryStore
// (ErrTimeEntriesUnsupported otherwise). [Desk.AddTimeEntryTx] runs it
// in the host's transaction.
func (d *Desk) AddTimeEntry(ctx context.Context, actor ticket.Actor, p TimeEntryParams) (_ *ticket.TimeEntry, err error) {
	ctx, end := d.begin(ctx, "AddTimeEntry", actor)
	defer func() { end(err) }()
	return d.addTimeEntry(ctx, nil, actor, p)
}

// AddTimeEntryTx is [Desk.AddTimeEntry] in the host's transaction tx;
// see [Desk.OpenTx] for what differs.
func (d *Desk) AddTimeEntryTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p TimeEntryParams) (_ *ticket.TimeEntry, err error) {
	ctx, end := d.begin(ctx, "AddTimeEntryTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.addTimeEntry(ctx, tx, actor, p)
}

// DeleteTimeEntry deletes a time entry of a ticket, with a history line;
// an entry the ticket does not have is ErrNotFound. Staff only.
// [Desk.DeleteTimeEntryTx] runs it in the host's transaction.
func (d *Desk) DeleteTimeEntry(ctx context.Context, actor ticket.Actor, ref TimeEntryRef) (err error) {
	ctx, end := d.begin(ctx, "DeleteTimeEntry", actor)
	defer func() { end(err) }()
	return d.deleteTimeEntry(ctx, nil, actor, ref)
}

// DeleteTimeEntryTx is [Desk.DeleteTimeEntry] in the host's transaction
// tx; see [Desk.OpenTx] for what differs.
func (d *Desk) DeleteTimeEntryTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, ref TimeEntryRef) (err error) {
	ctx, end := d.begin(ctx, "DeleteTimeEntryTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return err
	}
	return d.deleteTimeEntry(ctx, tx, actor, ref)
}

// TimeEntries returns the time entries of a ticket, by date. Staff
// only.
func (d *Desk) TimeEntries(ctx context.Context, actor ticket.Actor, ticketID string) (_ []*ticket.TimeEntry, err error) {
	ctx, end := d.begin(ctx, "TimeEntries", actor)
	defer func() { end(err) }()
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if err := requireStaff(actor, "see time entries"); err != nil {
		return nil, err
	}
	ts, ok := d.store.(storage.TimeEntryStore)
	if !ok {
		return nil, fmt.Errorf("ticketkit: time entries: %T does not implement storage.TimeEntryStore: %w", d.store, ErrTimeEntriesUnsupported)
	}
	if _, err := d.loadRead(ctx, actor, ticketID); err != nil {
		return nil, err
	}
	out, err := ts.TimeEntryList(ctx, storage.TimeEntryListParams{TenantID: actor.TenantID, TicketID: ticketID, Limit: storage.MaxLimit})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: time entries of %q: %w", ticketID, err)
	}
	return out, nil
}

// TimeReport aggregates the tenant's time entries of a period by agent,
// customer, organisation, day or month, in the store (one GROUP BY over
// an index of the day). Staff only.
func (d *Desk) TimeReport(ctx context.Context, actor ticket.Actor, p ReportParams) (_ *TimeReport, err error) {
	ctx, end := d.begin(ctx, "TimeReport", actor)
	defer func() { end(err) }()
	if err := checkReport(actor, p, storage.TimeGroupings()); err != nil {
		return nil, err
	}
	ts, ok := d.store.(storage.TimeEntryStore)
	if !ok {
		return nil, fmt.Errorf("ticketkit: time entries: %T does not implement storage.TimeEntryStore: %w", d.store, ErrTimeEntriesUnsupported)
	}
	groups, err := ts.TimeEntryReport(ctx, storage.TimeReportParams{TenantID: actor.TenantID, GroupBy: p.GroupBy, From: p.From, To: p.To})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: time report: %w", err)
	}
	out := &TimeReport{ReportParams: p, Groups: make([]TimeReportGroup, len(groups))}
	for i, g := range groups {
		out.Groups[i] = TimeReportGroup{Key: g.Key, Entries: g.Entries, Seconds: g.Seconds, BillableSeconds: g.BillableSeconds}
	}
	return out, nil
}

// describeTimeEntry is the history value of e: "1h30m0s billable".
func describeTimeEntry(e *ticket.TimeEntry) string {
	s := e.Duration.String()
	if e.Billable {
		s += " billable"
	}
	return s + " by " + e.AgentID + " on " + storage.ReportDay(e.Date)
}

// checkTimeEntry validates p at now and returns the agent and the day.
func checkTimeEntry(actor ticket.Actor, p TimeEntryParams, now time.Time) (string, time.Time, error) {
	if err := checkActor(actor); err != nil {
		return "", time.Time{}, err
	}
	if err := requireStaff(actor, "log time"); err != nil {
		return "", time.Time{}, err
	}
	v := &ticket.ValidationError{}
	if err := checkKey("ticket_id", p.TicketID); err != nil {
		v.Fields = append(v.Fields, asValidation(err).Fields...)
	} else if p.TicketID == "" {
		v.Add("ticket_id", "required", "is required")
	}
	agent := strings.TrimSpace(p.AgentID)
	if err := checkKey("agent_id", agent); err != nil {
		v.Fields = append(v.Fields, asValidation(err).Fields...)
	} else if agent == "" && actor.Role == ticket.RoleSystem {
		v.Add("agent_id", "required", "is required when the system logs time for an agent")
	}
	switch {
	case p.Duration <= 0:
		v.Add("duration", "gt", "must be more than zero")
	case p.Duration > ticket.MaxTimeEntryDuration:
		v.Add("duration", "max", fmt.Sprintf("must be at most %s", ticket.MaxTimeEntryDuration))
	case p.Duration%time.Second != 0:
		v.Add("duration", "seconds", "must be whole seconds")
	}
	if len(p.Note) > ticket.MaxTimeEntryNote {
		v.Add("note", "max", fmt.Sprintf("must be at most %d bytes", ticket.MaxTimeEntryNote))
	} else if err := ticket.CheckText("note", p.Note); err != nil {
		v.Fields = append(v.Fields, asValidation(err).Fields...)
	}
	date := cmp.Or(p.Date, now)
	if err := ticket.CheckTime("date", p.Date); err != nil {
		v.Fields = append(v.Fields, asValidation(err).Fields...)
	} else if date.After(now.Add(MaxTimeEntryFuture)) {
		v.Add("date", "future", fmt.Sprintf("must be at most %s ahead", MaxTimeEntryFuture))
	}
	y, m, dd := date.UTC().Date()
	return cmp.Or(agent, actor.ID), time.Date(y, m, dd, 0, 0, 0, 0, time.UTC), failed(distinct(v))
}

// timeTarget returns the time entry store of tx and the ticket ticketID
// of the actor's tenant, locked where the store can.
func timeTarget(ctx context.Context, tx storage.Tx, actor ticket.Actor, ticketID string) (storage.TimeEntryStore, *ticket.Ticket, error) {
	ts, ok := tx.(storage.TimeEntryStore)
	if !ok {
		return nil, nil, fmt.Errorf("ticketkit: time entries: %T does not implement storage.TimeEntryStore: %w", tx, ErrTimeEntriesUnsupported)
	}
	got, err := lockTickets(ctx, tx, actor.TenantID, []string{ticketID})
	if err != nil {
		return nil, nil, err
	}
	t := got[ticketID]
	if t == nil {
		return nil, nil, fmt.Errorf("ticketkit: ticket %q: %w", ticketID, ErrNotFound)
	}
	noteTicket(ctx, t)
	return ts, t, nil
}

// addTimeEntry is AddTimeEntry in the host's transaction host, or in
// the Desk's own when host is nil.
func (d *Desk) addTimeEntry(ctx context.Context, host storage.Tx, actor ticket.Actor, p TimeEntryParams) (*ticket.TimeEntry, error) {
	now := d.now()
	agent, day, err := checkTimeEntry(actor, p, now)
	if err != nil {
		return nil, err
	}
	var out *ticket.TimeEntry
	err = d.relate(ctx, host, actor, func(ctx context.Context, tx storage.Tx, b *batch) error {
		ts, t, err := timeTarget(ctx, tx, actor, p.TicketID)
		if err != nil {
			return err
		}
		if t.MergedInto != "" {
			return fmt.Errorf("ticketkit: ticket %s was merged into another ticket: %w", t.Number, ErrMerged)
		}
		now := d.now()
		e := &ticket.TimeEntry{
			ID: newID(), TenantID: t.TenantID, TicketID: t.ID, AgentID: agent, Duration: p.Duration, Billable: p.Billable,
			Note: strings.TrimSpace(p.Note), Date: day, CustomerID: t.Customer.ID, OrganisationID: t.Customer.OrganisationID,
			CreatedBy: actor.ID, CreatedAt: now,
		}
		if err := ts.TimeEntryAdd(ctx, e); err != nil {
			return fmt.Errorf("ticketkit: log time on %s: %w", t.Number, err)
		}
		b.at = now
		b.history(t, []ticket.Event{{Field: ticket.FieldTimeEntry, New: describeTimeEntry(e)}})
		out = e
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// deleteTimeEntry is DeleteTimeEntry in the host's transaction host, or
// in the Desk's own when host is nil.
func (d *Desk) deleteTimeEntry(ctx context.Context, host storage.Tx, actor ticket.Actor, ref TimeEntryRef) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if err := requireStaff(actor, "delete time entries"); err != nil {
		return err
	}
	v := &ticket.ValidationError{}
	for _, f := range []struct{ name, key string }{{"ticket_id", ref.TicketID}, {"id", ref.ID}} {
		if err := checkKey(f.name, f.key); err != nil {
			v.Fields = append(v.Fields, asValidation(err).Fields...)
		} else if f.key == "" {
			v.Add(f.name, "required", "is required")
		}
	}
	if err := failed(v); err != nil {
		return err
	}
	return d.relate(ctx, host, actor, func(ctx context.Context, tx storage.Tx, b *batch) error {
		ts, t, err := timeTarget(ctx, tx, actor, ref.TicketID)
		if err != nil {
			return err
		}
		have, err := ts.TimeEntryList(ctx, storage.TimeEntryListParams{TenantID: t.TenantID, TicketID: t.ID, Limit: storage.MaxLimit})
		if err != nil {
			return fmt.Errorf("ticketkit: time entries of %s: %w", t.Number, err)
		}
		i := slices.IndexFunc(have, func(e *ticket.TimeEntry) bool { return e.ID == ref.ID })
		if i < 0 {
			return fmt.Errorf("ticketkit: time entry %q of %s: %w", ref.ID, t.Number, ErrNotFound)
		}
		if err := ts.TimeEntryDelete(ctx, storage.TimeEntryDeleteParams{TenantID: t.TenantID, TicketID: t.ID, ID: ref.ID}); err != nil {
			return fmt.Errorf("ticketkit: delete time entry %q of %s: %w", ref.ID, t.Number, err)
		}
		b.at = d.now()
		b.history(t, []ticket.Event{{Field: ticket.FieldTimeEntry, Old: describeTimeEntry(have[i])}})
		return nil
	})
}

// timeEntryCount returns how many time entries (0 or 1: enough for the
// guard) t has when d's workflow has the guard
// workflow.GuardTimeEntryRequired, else 0; a store without
// storage.TimeEntryStore has none.
func (d *Desk) timeEntryCount(ctx context.Context, tx storage.Tx, t *ticket.Ticket) (int, error) {
	if !d.workflow.UsesGuard(workflow.GuardTimeEntryRequired) {
		return 0, nil
	}
	ts, ok := tx.(storage.TimeEntryStore)
	if !ok {
		return 0, nil
	}
	got, err := ts.TimeEntryList(ctx, storage.TimeEntryListParams{TenantID: t.TenantID, TicketID: t.ID, Limit: 1})
	if err != nil {
		return 0, fmt.Errorf("ticketkit: time entries of %s: %w", t.Number, err)
	}
	return len(got), nil
}
