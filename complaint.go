package ticketkit

import (
	"context"
	"errors"
	"fmt"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// Errors of the complaint methods.
var (
	// ErrComplaint: a generic ticket method was asked to change what
	// only the complaint methods may change on a complaint, such as its
	// status or its fields ([Desk.ComplaintTransition],
	// [Desk.ComplaintUpdate]).
	ErrComplaint = errors.New("ticketkit: ticket is a complaint")
	// ErrPosted: the complaint is posted, and a posted complaint is
	// immutable; see [ticket.ErrPosted].
	ErrPosted = ticket.ErrPosted
	// ErrComplaintsOff: the Desk was built without Config.Complaints.
	ErrComplaintsOff = errors.New("ticketkit: complaints are not configured (Config.Complaints)")
	// ErrComplaintsUnsupported: Config.Complaints is set but the store,
	// or the transaction its RunInTx hands out (a decorator that does
	// not forward the capability, say), does not implement
	// storage.ComplaintStore; see [storage.ErrComplaintsUnsupported].
	ErrComplaintsUnsupported = storage.ErrComplaintsUnsupported
)

// ComplaintConfig turns on complaint documents (see [ticket.Complaint]):
// set it as Config.Complaints. The zero value runs
// workflow.DefaultComplaintDefinition without extra rules on
// ticket.ComplaintCatalog(), with no source resolver and no remedy
// handler. The store must implement [storage.ComplaintStore].
//
// Every Desk sharing a store with complaints should set it: it is what
// makes the generic methods (Transition, Update) route or refuse
// complaint tickets rather than treat them as plain tickets.
type ComplaintConfig struct {
	// Workflow decides complaint status changes; its catalog is the
	// complaints' catalog. Default: workflow.DefaultComplaint(nil, Rules).
	Workflow *workflow.ComplaintMachine
	// Rules shape the default workflow: a reason required to close, a
	// supervisor's review before closing. Ignored when Workflow is set.
	Rules workflow.ComplaintRules
	// Sources finds the host document (invoice, order, job) a complaint
	// is opened from; see ComplaintOpenParams.Source. Default: none, and the
	// complaint only keeps the reference.
	Sources ticket.SourceResolver
	// Remedies carries out the decided remedy when a complaint is
	// posted, inside the posting's transaction: an error rolls the
	// posting back. Default: none, and posting records the decision only.
	Remedies ticket.RemedyHandler
	// Reversals posts the entry that reverses a posted complaint (see
	// [Desk.ComplaintReverse]), inside the reversal's transaction: an
	// error rolls the reversal back. Default: Remedies, when it also
	// implements ticket.ReversalHandler; otherwise none, and a reversal
	// records the reversal only.
	Reversals ticket.ReversalHandler
	// Numbering draws complaint numbers from numbering series, such as
	// ticket.SeriesNumberer's "CC-BU1-2026-0001", gap-free from the
	// store's counters like ticket numbers. Default: none, and
	// complaints are numbered like tickets (Config.Numberer).
	Numbering ticket.ComplaintNumberer
	// ConfirmActions, when set, is asked about each template action of
	// a category given to a complaint; actions it declines are not
	// added. Default: all are added.
	ConfirmActions func(ctx context.Context, c *ticket.Complaint, tmpl ticket.ActionTemplate) bool
	// Deadlines make the actions of complaint plans fall due a given
	// amount of business time after they are added, counted on a
	// business-hours calendar, such as containment within 24 business
	// hours; see [ActionDeadlines]. The escalation sweep announces
	// actions left open past their due date ([Desk.RunEscalations]).
	// Default: none; actions are due when the caller says, and template
	// actions their DueIn of wall time after they are added.
	Deadlines ActionDeadlines
}

// complaints is the complaint setup of a Desk.
type complaints struct {
	cfg     ComplaintConfig
	machine *workflow.ComplaintMachine
	catalog *ticket.Catalog
	// calendar counts the business time of action deadlines.
	calendar *workflow.Calendar
}

// WithDefaults returns a copy of c with its zero Workflow set to
// workflow.DefaultComplaint(nil, Rules) and Deadlines' defaults (see
// [ActionDeadlines.WithDefaults]). [Config.WithDefaults] calls it for
// Config.Complaints.
func (c ComplaintConfig) WithDefaults() ComplaintConfig {
	c.Deadlines = c.Deadlines.WithDefaults()
	if c.Workflow == nil {
		// The default definition on the default catalog always builds
		// (its tests say so); should it not, Config.validate reports why.
		if m, err := workflow.DefaultComplaint(nil, c.Rules); err == nil {
			c.Workflow = m
		}
	}
	return c
}

// initComplaints sets up complaints from cfg, which Config.validate
// checked; nil leaves them off.
func (d *Desk) initComplaints(cfg *ComplaintConfig) {
	if cfg != nil {
		d.complaints = &complaints{cfg: *cfg, machine: cfg.Workflow, catalog: cfg.Workflow.Machine().Catalog(),
			calendar: cfg.Deadlines.calendar(d.sla)}
	}
}

// ComplaintCatalog returns the catalog of the desk's complaints, or nil
// when complaints are off. A tenant whose configuration has a complaint
// part (TenantConfig.Complaints) uses its own: see
// [Desk.CachedTenantComplaintCatalog].
func (d *Desk) ComplaintCatalog() *ticket.Catalog {
	if d.complaints == nil {
		return nil
	}
	return d.complaints.catalog
}

// ComplaintWorkflow returns the desk's complaint workflow, or nil when
// complaints are off. A tenant whose configuration has a complaint part
// (TenantConfig.Complaints) runs its own.
func (d *Desk) ComplaintWorkflow() *workflow.ComplaintMachine {
	if d.complaints == nil {
		return nil
	}
	return d.complaints.machine
}

// complaintSetup returns the view of a tenant's configuration (see
// forTenant; read through q, the use case's transaction, or the store
// when nil) and its complaint setup: the tenant's complaint catalog and
// workflow when its configuration has them (TenantConfig.Complaints),
// else the Desk's; or ErrComplaintsOff. Every complaint use case starts
// with it and runs on the view it returns.
func (d *Desk) complaintSetup(ctx context.Context, q storage.Tx, tenantID string) (*Desk, *complaints, error) {
	if d.root().complaints == nil {
		return nil, nil, ErrComplaintsOff
	}
	view, err := d.forTenant(ctx, q, tenantID)
	if err != nil {
		return nil, nil, err
	}
	if view.complaints == nil {
		return nil, nil, ErrComplaintsOff
	}
	return view, view.complaints, nil
}

// complaintTx returns tx's complaint methods, or an error wrapping
// ErrComplaintsUnsupported. New checked the store offers them, but a
// store's RunInTx may hand out a transaction that does not (a tracing
// decorator that forgets to forward them), so every use checks again.
func complaintTx(tx storage.Tx) (storage.ComplaintStore, error) {
	cs, ok := tx.(storage.ComplaintStore)
	if !ok {
		return nil, fmt.Errorf("ticketkit: %T does not implement storage.ComplaintStore: %w", tx, ErrComplaintsUnsupported)
	}
	return cs, nil
}

// ComplaintGet returns a complaint by its ticket ID. A customer sees only
// their own complaints, without the help desk's assessment (see
// complaintView); a plain ticket gives ErrNotFound.
func (d *Desk) ComplaintGet(ctx context.Context, actor ticket.Actor, id string) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintGet", actor)
	defer func() { end(err) }()
	c, err := d.loadComplaint(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	return d.complaintView(actor, c), nil
}

// loadComplaint reads a complaint the actor may see, whole.
func (d *Desk) loadComplaint(ctx context.Context, actor ticket.Actor, id string) (*ticket.Complaint, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	d, _, err := d.complaintSetup(ctx, nil, actor.TenantID)
	if err != nil {
		return nil, err
	}
	if err := checkKey("id", id); err != nil {
		return nil, err
	}
	cs, err := complaintTx(d.store)
	if err != nil {
		return nil, err
	}
	c, err := cs.ComplaintGet(ctx, storage.TicketGetParams{TenantID: actor.TenantID, ID: id})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: complaint %q: %w", id, err)
	}
	if !canSee(actor, &c.Ticket) {
		return nil, fmt.Errorf("ticketkit: complaint %q: %w", id, ErrNotFound)
	}
	noteTicket(ctx, &c.Ticket)
	c.Details.NumberLines() // lines stored before lines had numbers
	return c, nil
}
