package ticketkit_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// heldComplaints is a complaint configuration with an "on_hold" status
// (registered ⇄ on_hold) and a reason code "CR99" the Desk's complaint
// catalog does not have.
func heldComplaints() *ticketkit.ComplaintTenantConfig {
	spec := ticket.ComplaintCatalogSpec()
	spec.Statuses = append(spec.Statuses, ticket.Status{Code: "on_hold", Label: ticket.Label{Text: "On hold", Translations: map[string]string{"fr": "En attente"}}, Category: ticket.CategoryPending})
	spec.Reasons = append(spec.Reasons, ticket.ReasonCode{Code: "CR99", Label: ticket.Label{Text: "Packaging"}})
	def := workflow.DefaultComplaintDefinition(workflow.ComplaintRules{})
	staff := []ticket.Role{ticket.RoleAgent, ticket.RoleSupervisor, ticket.RoleSystem}
	def.Transitions = append(def.Transitions,
		workflow.Transition{Name: "hold", From: []string{ticket.StatusRegistered}, To: "on_hold", Roles: staff},
		workflow.Transition{Name: "resume", From: []string{"on_hold"}, To: ticket.StatusRegistered, Roles: staff})
	return &ticketkit.ComplaintTenantConfig{Catalog: spec, Workflow: &def}
}

// TestDesk_TenantComplaints gives one of two tenants of a Desk its own
// complaint catalog and workflow and checks that every complaint use
// case of each tenant follows its own, in the Desk's transaction and in
// the host's, and that removing a status complaints are in needs a
// mapping that moves them.
func TestDesk_TenantComplaints(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
		desk := cd.desk
		globex := ticketkit.Actor{ID: "agent-9", Role: ticket.RoleAgent, TenantID: "globex"}
		cfg := ticketkit.TenantConfig{Catalog: ticket.DefaultCatalogSpec(), Complaints: heldComplaints()}
		v1, err := desk.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: cfg})
		require.NoError(t, err)

		open := func(a ticketkit.Actor, reason string) (*ticket.Complaint, error) {
			return desk.ComplaintOpen(ctx, a, ticketkit.ComplaintOpenParams{Subject: "Dented box", Reason: reason,
				Category: ticket.CategoryComplaint, RemedySought: ticket.RemedyCreditNote, Customer: ticket.Customer{ID: "C-1", Name: "Kettle Shop"}})
		}
		// acme has the reason code CR99 and the status on_hold; globex,
		// on the Desk's complaint configuration, has neither.
		acmeC, err := open(agent, "CR99")
		require.NoError(t, err)
		_, err = open(globex, "CR99")
		require.Contains(t, invalidFields(t, err), "reason")
		globexC, err := open(globex, "CR02")
		require.NoError(t, err)

		held, err := desk.ComplaintTransition(ctx, agent, ticketkit.ComplaintTransitionParams{ComplaintID: acmeC.ID, To: "on_hold"})
		require.NoError(t, err)
		require.Equal(t, "on_hold", held.Status)
		require.Equal(t, v1.Version, held.ConfigVersion, "the complaint records the configuration it was changed under")
		_, err = desk.ComplaintTransition(ctx, globex, ticketkit.ComplaintTransitionParams{ComplaintID: globexC.ID, To: "on_hold"})
		require.Contains(t, invalidFields(t, err), "to", "globex's complaint catalog has no on_hold")

		// The generic Transition of a complaint and the Tx variants use
		// the tenant's complaint workflow too.
		back, err := desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: acmeC.ID, To: ticket.StatusRegistered})
		require.NoError(t, err)
		require.Equal(t, ticket.StatusRegistered, back.Status)
		err = cd.store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			_, err := desk.ComplaintTransitionTx(ctx, tx, agent, ticketkit.ComplaintTransitionParams{ComplaintID: acmeC.ID, To: "on_hold"})
			return err
		})
		require.NoError(t, err)
		got, err := desk.ComplaintGet(ctx, agent, acmeC.ID)
		require.NoError(t, err)
		require.Equal(t, "on_hold", got.Status)

		// A second process (another Desk on the store) reads acme's
		// complaint configuration from the store.
		other, err := ticketkit.New(ticketkit.Config{Store: cd.store, Clock: cd.clock, Complaints: &ticketkit.ComplaintConfig{}})
		require.NoError(t, err)
		_, err = other.ComplaintTransition(ctx, agent, ticketkit.ComplaintTransitionParams{ComplaintID: acmeC.ID, To: ticket.StatusRegistered})
		require.NoError(t, err)
		_, err = other.ComplaintTransition(ctx, agent, ticketkit.ComplaintTransitionParams{ComplaintID: acmeC.ID, To: "on_hold"})
		require.NoError(t, err)

		// Removing on_hold while a complaint is in it needs a mapping;
		// nothing is saved without one.
		cfg.Complaints = &ticketkit.ComplaintTenantConfig{Catalog: ticket.ComplaintCatalogSpec()}
		cfg.Complaints.Catalog.Reasons = append(cfg.Complaints.Catalog.Reasons, ticket.ReasonCode{Code: "CR99", Label: ticket.Label{Text: "Packaging"}})
		_, err = desk.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: cfg})
		require.Equal(t, []string{"mapping.complaint_statuses.on_hold"}, invalidFields(t, err))
		_, err = desk.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: cfg,
			Mapping: ticketkit.TenantConfigMapping{ComplaintStatuses: map[string]string{"on_hold": "nowhere"}}})
		require.Contains(t, invalidFields(t, err), "mapping.complaint_statuses.on_hold")
		v2, err := desk.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: cfg,
			Mapping: ticketkit.TenantConfigMapping{ComplaintStatuses: map[string]string{"on_hold": ticket.StatusRegistered}}})
		require.NoError(t, err)
		require.Equal(t, v1.Version+1, v2.Version)
		require.Equal(t, 1, v2.Moved)
		got, err = desk.ComplaintGet(ctx, agent, acmeC.ID)
		require.NoError(t, err)
		require.Equal(t, ticket.StatusRegistered, got.Status)
		_, err = desk.ComplaintTransition(ctx, agent, ticketkit.ComplaintTransitionParams{ComplaintID: acmeC.ID, To: "on_hold"})
		require.Error(t, err, "on_hold is gone from acme's complaints")
		// globex's complaint was never touched.
		gc, err := desk.ComplaintGet(ctx, globex, globexC.ID)
		require.NoError(t, err)
		require.Equal(t, globexC.Version, gc.Version)
	})
}

// TestDesk_TenantComplaintsValidation saves bad complaint parts: every
// problem is one field of one *ValidationError, and nothing is saved.
func TestDesk_TenantComplaintsValidation(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	cd := newComplaintDesk(t, memoryBackend(), workflow.ComplaintRules{})
	bad := heldComplaints()
	bad.Catalog.Statuses[1].Label = ticket.Label{Translations: map[string]string{"fr": "Planifiée"}} // no default text
	bad.Catalog.Reasons = append(bad.Catalog.Reasons, bad.Catalog.Reasons[0])                        // duplicate code
	_, err := cd.desk.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
		Catalog: ticket.DefaultCatalogSpec(), Complaints: bad,
	}})
	fields := invalidFields(t, err)
	require.Contains(t, fields, "complaints.catalog.statuses[1].label.text")
	require.Contains(t, fields, "complaints.catalog")

	// A workflow to an unknown status with an unknown guard, a posted
	// status that is not terminal and a bad ticket catalog: all at once.
	bad = heldComplaints()
	bad.Workflow.Transitions = append(bad.Workflow.Transitions, workflow.Transition{Name: "park", From: []string{"on_hold"}, To: "parked",
		Roles: []ticket.Role{ticket.RoleAgent}, Guards: []string{"no_such_guard"}})
	bad.PostedStatus = ticket.StatusPlanned
	badTickets := ticket.DefaultCatalogSpec()
	badTickets.Statuses[0].Label = ticket.Label{}
	_, err = cd.desk.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
		Catalog: badTickets, Complaints: bad,
	}})
	fields = invalidFields(t, err)
	require.Contains(t, fields, "complaints.workflow")
	require.Contains(t, fields, "catalog.statuses[0].label.text")
	require.ErrorContains(t, err, `"parked"`)
	require.ErrorContains(t, err, "no_such_guard")
	require.ErrorContains(t, err, "not terminal")

	// An empty workflow is refused rather than silently the default.
	bad = heldComplaints()
	bad.Workflow = &workflow.Definition{Name: "empty"}
	_, err = cd.desk.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
		Catalog: ticket.DefaultCatalogSpec(), Complaints: bad,
	}})
	require.Equal(t, []string{"complaints.workflow"}, invalidFields(t, err))

	versions, err := cd.desk.TenantConfigVersions(ctx, tenantAdmin, ticketkit.TenantConfigVersionsParams{})
	require.NoError(t, err)
	require.Empty(t, versions, "nothing was saved")
	_, err = cd.desk.ComplaintTransition(ctx, agent, ticketkit.ComplaintTransitionParams{ComplaintID: cd.open(t).ID, To: "on_hold"})
	require.Contains(t, invalidFields(t, err), "to")

	// A Desk without complaints refuses a complaint part.
	plain, err := ticketkit.New(ticketkit.Config{Store: memoryBackend().Open(t)})
	require.NoError(t, err)
	_, err = plain.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
		Catalog: ticket.DefaultCatalogSpec(), Complaints: heldComplaints(),
	}})
	require.Equal(t, []string{"complaints"}, invalidFields(t, err))
}

// TestDesk_TenantComplaintsDefault reads configuration version 0 of a
// Desk with complaints: its complaint part is the Desk's, and saving it
// back as the tenant's first version is valid and changes nothing.
func TestDesk_TenantComplaintsDefault(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	cd := newComplaintDesk(t, memoryBackend(), workflow.ComplaintRules{ClosureReason: true})
	v0, err := cd.desk.TenantConfig(ctx, tenantAdmin, 0)
	require.NoError(t, err)
	require.NotNil(t, v0.Config.Complaints)
	require.Equal(t, cd.desk.ComplaintCatalog().Spec(), v0.Config.Complaints.Catalog)
	v1, err := cd.desk.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: v0.Config})
	require.NoError(t, err)
	require.Equal(t, int64(1), v1.Version)
	// The closure reason the Desk's rules require is still required.
	c := cd.toFulfilled(t, cd.open(t))
	_, err = cd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: c.ID})
	require.ErrorIs(t, err, ticketkit.ErrGuard)
	_, err = cd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: c.ID, Reason: "credited"})
	require.NoError(t, err)
}
