package ticketkit_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestDesk_ConfigureTenantReranks reverses a tenant's priority order
// through ConfigureTenant on every backend, with no call to
// RerankTickets: a search sorted by priority (and one filtered by
// priorities, which reads the stored ranks) follows the new order at
// once, on this Desk and on a fresh one over the same store; the
// tickets' versions do not move; a change rolled back in the host's
// transaction leaves the stored order as it was; a change that keeps the
// order rewrites nothing.
func TestDesk_ConfigureTenantReranks(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		desk, bundle := setupDesk(t, b)
		prios := []string{ticket.PriorityLow, ticket.PriorityUrgent, ticket.PriorityNormal, ticket.PriorityHigh}
		var opened []*ticket.Ticket
		for i := range 3 * len(prios) {
			opened = append(opened, mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("Rank %d", i),
				Priority: prios[i%len(prios)], Category: ticket.CategoryProblem, Customer: ticket.Customer{ID: customer.CustomerID}}))
		}
		fresh := func() *ticketkit.Desk {
			d, err := ticketkit.New(ticketkit.Config{Store: bundle.store, Clock: bundle.clock, Notifier: bundle.rec})
			require.NoError(t, err)
			return d
		}
		// highestFirst returns the distinct priorities of a search
		// sorted by priority, highest first, filtered by only.
		highestFirst := func(d *ticketkit.Desk, only ...string) []string {
			t.Helper()
			res, err := d.Search(ctx, agent, ticketkit.SearchParams{Sort: storage.SortPriority, Desc: true, Priorities: only})
			require.NoError(t, err)
			var out []string
			for _, tk := range res.Tickets {
				if len(out) == 0 || out[len(out)-1] != tk.Priority {
					out = append(out, tk.Priority)
				}
			}
			want := len(prios)
			if len(only) > 0 {
				want = len(only)
			}
			require.Len(t, res.Tickets, 3*want, "every ticket of those priorities")
			return out
		}
		old := []string{ticket.PriorityUrgent, ticket.PriorityHigh, ticket.PriorityNormal, ticket.PriorityLow}
		require.Equal(t, old, highestFirst(desk))

		spec := ticket.DefaultCatalogSpec()
		slices.Reverse(spec.Priorities)
		p := ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: spec}}

		// Rolled back in the host's transaction: nothing moved.
		rollback := fmt.Errorf("roll back")
		err := bundle.store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			_, err := desk.ConfigureTenantTx(ctx, tx, tenantAdmin, p)
			require.NoError(t, err)
			return rollback
		})
		require.ErrorIs(t, err, rollback)
		require.Equal(t, old, highestFirst(fresh()), "a rolled back change leaves the stored order")

		_, err = desk.ConfigureTenant(ctx, tenantAdmin, p)
		require.NoError(t, err)
		reversed := []string{ticket.PriorityLow, ticket.PriorityNormal, ticket.PriorityHigh, ticket.PriorityUrgent}
		require.Equal(t, reversed, highestFirst(desk), "the new order, with no RerankTickets")
		require.Equal(t, reversed, highestFirst(fresh()), "another Desk reads the same stored order")
		two := []string{ticket.PriorityLow, ticket.PriorityUrgent}
		require.Equal(t, two, highestFirst(fresh(), two...), "a priority filter on the new ranks finds every ticket")
		for _, tk := range opened {
			got, err := desk.Get(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, tk.Version, got.Version, "a rerank changes no ticket")
			require.Equal(t, tk.UpdatedAt, got.UpdatedAt)
		}

		// Nothing left for RerankTickets, and a change that keeps the
		// order rewrites nothing.
		admin := ticketkit.Actor{ID: "admin-1", Role: ticket.RoleAdmin, TenantID: agent.TenantID}
		res, err := desk.RerankTickets(ctx, admin, ticketkit.RerankParams{})
		require.NoError(t, err)
		require.Zero(t, res.Rewritten)
		spec.Fields = []ticket.FieldDef{{Key: "store", Label: ticket.Label{Text: "Store"}, Type: ticket.FieldText}}
		_, err = desk.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: spec}})
		require.NoError(t, err)
		require.Equal(t, reversed, highestFirst(fresh()))
	})
}
