package ticketkit_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// tenantAdmin is the admin of agent's tenant.
var tenantAdmin = ticketkit.Actor{ID: "admin-1", Role: ticket.RoleAdmin, TenantID: "acme"}

// withoutStatus returns the default catalog spec without status code and
// with an extra status "on_hold".
func withoutStatus(code string) ticket.CatalogSpec {
	spec := ticket.DefaultCatalogSpec()
	spec.Statuses = slices.DeleteFunc(spec.Statuses, func(s ticket.Status) bool { return s.Code == code })
	spec.Statuses = append(spec.Statuses, ticket.Status{Code: "on_hold", Label: ticket.Label{Text: "On hold", Translations: map[string]string{"fr": "En pause"}}, Category: ticket.CategoryPending})
	return spec
}

// invalidFields returns the field names of a *ValidationError.
func invalidFields(t *testing.T, err error) []string {
	t.Helper()
	v, ok := errors.AsType[*ticketkit.ValidationError](err)
	require.True(t, ok, "want a *ValidationError, got %v", err)
	var out []string
	for _, f := range v.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestDesk_ConfigureTenant(t *testing.T) {
	t.Parallel()

	t.Run("OnlyTheTenantsAdminMayConfigure", func(t *testing.T) {
		t.Parallel()
		desk, err := ticketkit.New(ticketkit.Config{Store: memoryBackend().Open(t)})
		require.NoError(t, err)
		p := ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: withoutStatus(ticket.StatusEscalated)}}
		for _, a := range []ticketkit.Actor{agent, customer, {ID: "sup", Role: ticket.RoleSupervisor, TenantID: "acme"}} {
			_, err := desk.ConfigureTenant(t.Context(), a, p)
			require.ErrorIs(t, err, ticketkit.ErrForbidden, a.Role)
		}
		_, err = desk.TenantConfig(t.Context(), customer, 0)
		require.ErrorIs(t, err, ticketkit.ErrForbidden)
		v, err := desk.ConfigureTenant(t.Context(), tenantAdmin, p)
		require.NoError(t, err)
		require.Equal(t, int64(1), v.Version)
		// Another tenant's configuration is untouched: it still has the
		// status acme's admin removed.
		other := ticketkit.Actor{ID: "agent-9", Role: ticket.RoleAgent, TenantID: "globex"}
		got, err := desk.TenantConfig(t.Context(), other, 0)
		require.NoError(t, err)
		require.Equal(t, int64(0), got.Version)
		_, err = desk.Open(t.Context(), other, ticketkit.OpenParams{Subject: "x"})
		require.NoError(t, err)
		tk, err := desk.Open(t.Context(), other, ticketkit.OpenParams{Subject: "y"})
		require.NoError(t, err)
		_, err = desk.Transition(t.Context(), other, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusEscalated})
		require.NoError(t, err, "globex keeps the Desk's workflow")
	})

	t.Run("RejectsBadInputNamingEveryField", func(t *testing.T) {
		t.Parallel()
		desk, err := ticketkit.New(ticketkit.Config{Store: memoryBackend().Open(t)})
		require.NoError(t, err)
		spec := ticket.DefaultCatalogSpec()
		spec.Priorities = append(spec.Priorities, spec.Priorities[0])                                                   // duplicate code
		spec.Statuses[1].Label = ticket.Label{Translations: map[string]string{"fr": "En cours"}}                        // no default text
		spec.Departments = append(spec.Departments, ticket.Department{Code: "", Label: ticket.Label{Text: "Nameless"}}) // empty code
		_, err = desk.ConfigureTenant(t.Context(), tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: spec}})
		fields := invalidFields(t, err)
		require.Contains(t, fields, "catalog.statuses[1].label.text")
		require.Contains(t, fields, "catalog")
		require.ErrorContains(t, err, `priority "low": duplicate code`)

		// A valid catalog with a workflow naming an unknown status and an
		// SLA whose calendar has overlapping windows and an unknown
		// calendar: every problem at once.
		def := workflow.DefaultDefinition()
		def.Transitions = append(def.Transitions, workflow.Transition{Name: "park", From: []string{ticket.StatusOpen}, To: "parked", Roles: []ticket.Role{ticket.RoleAgent}})
		sla := workflow.SLAConfig{
			Calendars: []workflow.CalendarSpec{{Name: "office", Week: map[string][]workflow.Window{"mon": {{Start: "09:00", End: "12:00"}, {Start: "11:00", End: "17:00"}}}}},
			Policies:  []workflow.Policy{{Name: "std", Calendar: "nowhere", Targets: workflow.Targets{Resolution: workflow.Duration(time.Hour)}}},
		}
		_, err = desk.ConfigureTenant(t.Context(), tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
			Catalog: ticket.DefaultCatalogSpec(), Workflow: &def, SLA: &sla,
		}})
		fields = invalidFields(t, err)
		require.Contains(t, fields, "workflow")
		require.Contains(t, fields, "sla")
		require.ErrorContains(t, err, `"parked"`)
		require.ErrorContains(t, err, "overlap")
		require.ErrorContains(t, err, `unknown calendar "nowhere"`)

		versions, err := desk.TenantConfigVersions(t.Context(), tenantAdmin, ticketkit.TenantConfigVersionsParams{})
		require.NoError(t, err)
		require.Empty(t, versions, "nothing is saved on an error")
	})

	t.Run("VersionMustBeTheLatest", func(t *testing.T) {
		t.Parallel()
		desk, err := ticketkit.New(ticketkit.Config{Store: memoryBackend().Open(t)})
		require.NoError(t, err)
		p := ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: ticket.DefaultCatalogSpec()}}
		_, err = desk.ConfigureTenant(t.Context(), tenantAdmin, p)
		require.NoError(t, err)
		p.Version = 1
		v, err := desk.ConfigureTenant(t.Context(), tenantAdmin, p)
		require.NoError(t, err)
		require.Equal(t, int64(2), v.Version)
		_, err = desk.ConfigureTenant(t.Context(), tenantAdmin, p) // still based on 1
		require.ErrorIs(t, err, ticketkit.ErrConflict)
		got, err := desk.TenantConfig(t.Context(), agent, 1)
		require.NoError(t, err)
		require.Equal(t, int64(1), got.Version)
		require.Equal(t, tenantAdmin.ID, got.CreatedBy)
		versions, err := desk.TenantConfigVersions(t.Context(), tenantAdmin, ticketkit.TenantConfigVersionsParams{})
		require.NoError(t, err)
		require.Len(t, versions, 2)
		_, err = desk.TenantConfig(t.Context(), agent, 7)
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
	})

	// RemovingAStatusInUseNeedsAMapping: removing a status tickets are in
	// is refused, naming it; with a mapping, every ticket moves in the
	// configuration's transaction with a history line, under the new
	// version. Several hundred tickets, so that the move runs in more
	// than one batch, on every backend.
	t.Run("RemovingAStatusInUseNeedsAMapping", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t)})
			require.NoError(t, err)
			n := 650
			if testing.Short() || b.Name == "memory" {
				n = 120
			}
			var ids []string
			for i := range n {
				tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("t%d", i)})
				require.NoError(t, err)
				_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusEscalated})
				require.NoError(t, err)
				ids = append(ids, tk.ID)
			}
			kept, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "stays open"})
			require.NoError(t, err)

			p := ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: withoutStatus(ticket.StatusEscalated)}}
			_, err = desk.ConfigureTenant(ctx, tenantAdmin, p)
			require.Equal(t, []string{"mapping.statuses.escalated"}, invalidFields(t, err))
			require.ErrorContains(t, err, fmt.Sprintf("%d tickets", n))

			p.Mapping.Statuses = map[string]string{ticket.StatusEscalated: "nowhere", ticket.StatusOpen: "on_hold"}
			_, err = desk.ConfigureTenant(ctx, tenantAdmin, p)
			require.ElementsMatch(t, []string{"mapping.statuses.escalated", "mapping.statuses.open"}, invalidFields(t, err))

			p.Mapping.Statuses = map[string]string{ticket.StatusEscalated: "on_hold"}
			v, err := desk.ConfigureTenant(ctx, tenantAdmin, p)
			require.NoError(t, err)
			require.Equal(t, n, v.Moved)
			require.Equal(t, int64(1), v.Version)

			_, err = desk.Search(ctx, agent, ticketkit.SearchParams{Statuses: []string{ticket.StatusEscalated}})
			require.Error(t, err, "escalated is no longer a status of the tenant")
			moved := 0
			for after := ""; ; {
				res, err := desk.Search(ctx, agent, ticketkit.SearchParams{Statuses: []string{"on_hold"}, Limit: 200, After: after})
				require.NoError(t, err)
				for _, tk := range res.Tickets {
					require.Equal(t, int64(1), tk.ConfigVersion)
					moved++
				}
				if after = res.Next; after == "" {
					break
				}
			}
			require.Equal(t, n, moved)
			hist, err := desk.History(ctx, agent, ids[n-1])
			require.NoError(t, err)
			last := hist[len(hist)-2:]
			require.Equal(t, ticket.FieldStatus, last[0].Field)
			require.Equal(t, ticket.StatusEscalated, last[0].Old)
			require.Equal(t, "on_hold", last[0].New)
			require.Equal(t, tenantAdmin.ID, last[0].ActorID)
			require.Equal(t, ticket.FieldConfig, last[1].Field)
			got, err := desk.Get(ctx, agent, kept.ID)
			require.NoError(t, err)
			require.Equal(t, int64(0), got.ConfigVersion, "a ticket the change did not move keeps its version")
			require.Equal(t, ticket.StatusOpen, got.Status)
			// The tenant's new workflow (the free preset: the catalog is
			// not the default one) runs from now on.
			got, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: kept.ID, To: "on_hold"})
			require.NoError(t, err)
			require.Equal(t, int64(1), got.ConfigVersion)
		})
	})

	t.Run("HostRollbackLeavesTheConfigurationAsItWas", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			st := b.Open(t)
			desk, err := ticketkit.New(ticketkit.Config{Store: st})
			require.NoError(t, err)
			tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "x"})
			require.NoError(t, err)
			_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusEscalated})
			require.NoError(t, err)
			errHost := fmt.Errorf("host rolls back")
			err = st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				_, err := desk.ConfigureTenantTx(ctx, tx, tenantAdmin, ticketkit.ConfigureTenantParams{
					Config:  ticketkit.TenantConfig{Catalog: withoutStatus(ticket.StatusEscalated)},
					Mapping: ticketkit.TenantConfigMapping{Statuses: map[string]string{ticket.StatusEscalated: "on_hold"}},
				})
				require.NoError(t, err)
				return errHost
			})
			require.ErrorIs(t, err, errHost)
			got, err := desk.Get(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, ticket.StatusEscalated, got.Status)
			cfg, err := desk.TenantConfig(ctx, agent, 0)
			require.NoError(t, err)
			require.Equal(t, int64(0), cfg.Version)
			_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusInProgress})
			require.NoError(t, err, "the Desk's workflow still runs")
		})
	})

	t.Run("ConfigurationIsJSON", func(t *testing.T) {
		t.Parallel()
		def := workflow.FreeDefinition(nil)
		in := ticketkit.TenantConfig{Catalog: ticket.DefaultCatalogSpec(), Workflow: &def, SLA: &workflow.SLAConfig{
			Calendars: []workflow.CalendarSpec{{Name: "paris", TimeZone: "Europe/Paris", Week: map[string][]workflow.Window{"mon": {{Start: "09:00", End: "18:00"}}}}},
			Policies:  []workflow.Policy{{Name: "std", Calendar: "paris", Targets: workflow.Targets{Resolution: workflow.Duration(8 * time.Hour)}, WarnAt: []int{80}}},
		}}
		data, err := json.Marshal(in)
		require.NoError(t, err)
		var out ticketkit.TenantConfig
		require.NoError(t, json.Unmarshal(data, &out))
		again, err := json.Marshal(out)
		require.NoError(t, err)
		require.JSONEq(t, string(data), string(again))
	})
}

// TestDesk_ConfigureTenantRace saves a tenant's configuration from
// several goroutines at once on every backend: each save that succeeds
// is one version, none is lost or doubled, and the others fail with
// ErrConflict; agents open tickets all the while.
func TestDesk_ConfigureTenantRace(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t)})
		require.NoError(t, err)
		const admins, agents = 6, 2
		errs := make(chan error, admins+agents)
		opened := make(chan *ticket.Ticket, agents*10)
		var wg sync.WaitGroup
		for range agents { // tickets flow while the configuration changes
			wg.Go(func() {
				for range 10 {
					tk, err := desk.Open(t.Context(), agent, ticketkit.OpenParams{Subject: "meanwhile"})
					if err != nil {
						errs <- err
						return
					}
					opened <- tk
				}
			})
		}
		for range admins {
			wg.Go(func() {
				_, err := desk.ConfigureTenant(t.Context(), tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: withoutStatus(ticket.StatusEscalated)}})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		close(opened)
		won := conflictsBut(t, errs)
		require.GreaterOrEqual(t, won, 1)
		versions, err := desk.TenantConfigVersions(t.Context(), tenantAdmin, ticketkit.TenantConfigVersionsParams{})
		require.NoError(t, err)
		require.Len(t, versions, won)
		for i, v := range versions {
			require.Equal(t, int64(won-i), v.Version)
		}
		n := 0
		for tk := range opened {
			require.LessOrEqual(t, tk.ConfigVersion, int64(won))
			n++
		}
		require.Equal(t, agents*10, n)
	})
}

// TestDesk_TenantCustomFields checks that a tenant's own custom fields
// are accepted on its tickets, refused on another tenant's, and that a
// field the tenant marks internal is kept from its customers.
func TestDesk_TenantCustomFields(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t)})
		require.NoError(t, err)
		spec := ticket.DefaultCatalogSpec()
		spec.Fields = []ticket.FieldDef{
			{Key: "store", Label: ticket.Label{Text: "Store"}, Type: ticket.FieldText},
			{Key: "margin", Label: ticket.Label{Text: "Margin"}, Type: ticket.FieldNumber, Internal: true},
		}
		_, err = desk.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: spec}})
		require.NoError(t, err)
		tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "x", Customer: ticket.Customer{ID: customer.CustomerID},
			Fields: map[string]string{"store": "Lyon", "margin": "12.5"}})
		require.NoError(t, err)
		require.Equal(t, map[string]string{"store": "Lyon", "margin": "12.5"}, tk.Fields)
		seen, err := desk.Get(ctx, customer, tk.ID)
		require.NoError(t, err)
		require.Equal(t, map[string]string{"store": "Lyon"}, seen.Fields, "the tenant's internal field is hidden")

		other := ticketkit.Actor{ID: "agent-9", Role: ticket.RoleAgent, TenantID: "globex"}
		_, err = desk.Open(ctx, other, ticketkit.OpenParams{Subject: "y", Fields: map[string]string{"store": "Lyon"}})
		require.Error(t, err, "globex's catalog has no such field")
		require.Contains(t, invalidFields(t, err), "fields.store")
	})
}
