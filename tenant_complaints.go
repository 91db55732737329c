package ticketkit

import (
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// ComplaintTenantConfig is a tenant's complaint catalog and workflow as
// data (TenantConfig.Complaints), which replace the Desk's
// (Config.Complaints) for the tenant's complaints. What a company's
// admin changes at runtime is data: its complaint statuses, categories
// with their template actions, reason and cause codes, labels and the
// workflow between the statuses. What stays host code is the Desk's:
// the source resolver, remedy and reversal handlers, the numbering
// series, ConfirmActions, the action deadlines and the host's guards,
// which the tenant's workflow may name.
type ComplaintTenantConfig struct {
	// Catalog holds the complaint statuses, priorities, categories,
	// reason codes and the other complaint codes, checked as
	// [ticket.NewCatalog] checks it (problems under
	// "complaints.catalog"); every label needs a default text
	// ("complaints.catalog.statuses[2].label.text"). Required.
	Catalog ticket.CatalogSpec `json:"catalog"`
	// Workflow is the tenant's complaint workflow on Catalog. It may use
	// the built-in guards, the complaint guards
	// ([workflow.ComplaintGuardNames]) and the guards the host registered
	// on the Desk's complaint workflow, by name. nil means
	// [workflow.DefaultComplaintDefinition] of the rules below. Problems
	// under "complaints.workflow".
	Workflow *workflow.Definition `json:"workflow,omitempty"`
	// ClosureReason requires a reason to post or reject a complaint
	// (see workflow.ComplaintRules); used when Workflow is nil.
	ClosureReason bool `json:"closure_reason,omitempty"`
	// SupervisorReview requires a supervisor's approving review before
	// a complaint is posted or rejected; used when Workflow is nil.
	SupervisorReview bool `json:"supervisor_review,omitempty"`
	// ReasonCodeFrom names the transition from which on a complaint
	// needs a reason code: "plan", "fulfil" (default) or "post"; used
	// when Workflow is nil.
	ReasonCodeFrom string `json:"reason_code_from,omitempty"`
	// PostedStatus is the terminal status that posts a complaint; ""
	// means ticket.StatusPosted.
	PostedStatus string `json:"posted_status,omitempty"`
}

// buildComplaints checks the complaint part of a tenant's configuration,
// adding each problem to v, and sets the tenant's complaint setup on
// view, a copy of the root Desk. A Desk without complaints refuses the
// part ("complaints").
func buildComplaints(v *ticket.ValidationError, cfg *ComplaintTenantConfig, view *Desk) {
	if cfg == nil {
		return
	}
	if view.complaints == nil {
		v.Add("complaints", "unsupported", "complaints are off on this desk (Config.Complaints)")
		return
	}
	checkLabelsAt(v, "complaints.catalog", cfg.Catalog)
	cat, err := ticket.NewCatalog(cfg.Catalog)
	addCatalogProblems(v, "complaints.catalog", err)
	if cat == nil {
		return
	}
	host := view.complaints.machine
	wc := workflow.ComplaintConfig{
		Catalog: cat, PostedStatus: cfg.PostedStatus,
		Rules:  workflow.ComplaintRules{ClosureReason: cfg.ClosureReason, SupervisorReview: cfg.SupervisorReview, ReasonCodeFrom: cfg.ReasonCodeFrom},
		Guards: host.HostGuards(), ComplaintGuards: host.HostComplaintGuards(),
	}
	if cfg.Workflow != nil {
		if len(cfg.Workflow.Transitions) == 0 {
			v.Add("complaints.workflow", "invalid", "a complaint workflow needs transitions; leave it out for the default one")
			return
		}
		wc.Definition = *cfg.Workflow
	}
	m, err := workflow.NewComplaint(wc)
	addDefinitionProblems(v, "complaints.workflow", err)
	if err != nil {
		return
	}
	setup := *view.complaints
	setup.cfg.Workflow, setup.machine, setup.catalog = m, m, cat
	view.complaints = &setup
}

// CachedTenantComplaintCatalog returns the complaint catalog of a
// tenant's configuration (TenantConfig.Complaints) as this Desk last read
// it, without reading the store: the Desk's own ([Desk.ComplaintCatalog])
// when the tenant has none or the Desk has read none; nil when
// complaints are off. Every complaint use case reads its tenant's
// configuration before it returns complaints, so their labels can be
// taken from it (httpapi does) at no cost.
func (d *Desk) CachedTenantComplaintCatalog(tenantID string) *ticket.Catalog {
	return d.cached(tenantID).ComplaintCatalog()
}

// complaintConfig returns the Desk's complaint catalog and workflow as a
// ComplaintTenantConfig, the complaint part of configuration version 0;
// nil when complaints are off.
func (d *Desk) complaintConfig() *ComplaintTenantConfig {
	cm := d.ComplaintWorkflow()
	if cm == nil {
		return nil
	}
	def := cm.Machine().Definition()
	return &ComplaintTenantConfig{Catalog: cm.Machine().Catalog().Spec(), Workflow: &def, PostedStatus: cm.PostedStatus()}
}
