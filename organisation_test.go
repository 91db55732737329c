package ticketkit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// Customers of organisations: org-1 lets its members see each other's
// tickets, org-2 does not; globex has an org-1 of its own.
var (
	orgAnn  = ticketkit.Actor{ID: "u-orgAnn", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "C-orgAnn", OrganisationID: "org-1"}
	orgBob  = ticketkit.Actor{ID: "u-orgBob", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "C-orgBob", OrganisationID: "org-1"}
	orgCy   = ticketkit.Actor{ID: "u-orgCy", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "C-orgCy", OrganisationID: "org-2"}
	orgDan  = ticketkit.Actor{ID: "u-orgDan", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "C-orgDan", OrganisationID: "org-2"}
	orgEve  = ticketkit.Actor{ID: "u-orgEve", Role: ticket.RoleCustomer, TenantID: "globex", CustomerID: "C-orgEve", OrganisationID: "org-1"}
	orgSolo = ticketkit.Actor{ID: "u-orgSolo", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "C-orgSolo"}
)

// organisations is the host's directory of the test organisations.
var organisations = ticketkit.OrganisationDirectoryFunc(func(_ context.Context, tenantID, id string) (ticketkit.Organisation, error) {
	switch {
	case id == "broken":
		return ticketkit.Organisation{}, errors.New("directory down")
	case id == "org-1": // in both tenants
		return ticketkit.Organisation{ID: id, MembersSeeTickets: true}, nil
	}
	return ticketkit.Organisation{ID: id}, nil
})

// numbersOf returns the numbers of a search's tickets.
func numbersOf(t *testing.T, desk *ticketkit.Desk, a ticketkit.Actor, p ticketkit.SearchParams) []string {
	t.Helper()
	res, err := desk.Search(t.Context(), a, p)
	require.NoError(t, err)
	var out []string
	for _, tk := range res.Tickets {
		out = append(out, tk.Number)
	}
	return out
}

func TestDesk_Organisations(t *testing.T) {
	t.Parallel()

	t.Run("MembersSeeTheOrganisationsTicketsWhenItAllows", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, _ := setupDesk(t, b, func(c *ticketkit.Config) { c.Organisations = organisations })
			ctx := t.Context()
			annT := mustOpen(t, desk, orgAnn, ticketkit.OpenParams{Message: "orgAnn's"})
			bobT := mustOpen(t, desk, orgBob, ticketkit.OpenParams{Message: "orgBob's"})
			cyT := mustOpen(t, desk, orgCy, ticketkit.OpenParams{Message: "orgCy's"})
			danT := mustOpen(t, desk, orgDan, ticketkit.OpenParams{})
			soloT := mustOpen(t, desk, orgSolo, ticketkit.OpenParams{})
			eveT := mustOpen(t, desk, orgEve, ticketkit.OpenParams{})
			require.Equal(t, "org-1", annT.Customer.OrganisationID, "from the actor")

			// org-1 shares: Ann reads and searches Bob's ticket.
			require.Equal(t, []string{annT.Number, bobT.Number}, numbersOf(t, desk, orgAnn, ticketkit.SearchParams{}))
			got, err := desk.Get(ctx, orgAnn, bobT.ID)
			require.NoError(t, err)
			_, err = desk.GetByNumber(ctx, orgAnn, bobT.Number)
			require.NoError(t, err)
			_, err = desk.GetByNumber(ctx, orgCy, danT.Number)
			require.ErrorIs(t, err, ticketkit.ErrNotFound)
			require.Empty(t, got.Assignee, "the customer view")
			msgs, err := desk.Messages(ctx, orgAnn, ticketkit.MessageListParams{TicketID: bobT.ID})
			require.NoError(t, err)
			require.Len(t, msgs.Messages, 1)
			_, err = desk.History(ctx, orgAnn, bobT.ID)
			require.NoError(t, err)
			// ... but changes only her own.
			_, err = desk.Reply(ctx, orgAnn, ticketkit.MessageParams{TicketID: bobT.ID, Body: "me too"})
			require.ErrorIs(t, err, ticketkit.ErrNotFound)
			_, err = desk.AddCC(ctx, orgAnn, ticketkit.CCParams{TicketID: bobT.ID, Address: "x@example.com"})
			require.ErrorIs(t, err, ticketkit.ErrNotFound)

			// org-2 does not share: Cy sees only his own.
			require.Equal(t, []string{cyT.Number}, numbersOf(t, desk, orgCy, ticketkit.SearchParams{}))
			_, err = desk.Get(ctx, orgCy, danT.ID)
			require.ErrorIs(t, err, ticketkit.ErrNotFound)
			_, err = desk.Messages(ctx, orgDan, ticketkit.MessageListParams{TicketID: cyT.ID})
			require.ErrorIs(t, err, ticketkit.ErrNotFound)
			// Nor does a customer of no organisation, nor another
			// organisation's member.
			require.Equal(t, []string{soloT.Number}, numbersOf(t, desk, orgSolo, ticketkit.SearchParams{}))
			_, err = desk.Get(ctx, orgCy, annT.ID)
			require.ErrorIs(t, err, ticketkit.ErrNotFound)

			// Tenant isolation: globex's org-1 sees none of acme's org-1.
			require.Equal(t, []string{eveT.Number}, numbersOf(t, desk, orgEve, ticketkit.SearchParams{}))
			_, err = desk.Get(ctx, orgEve, annT.ID)
			require.ErrorIs(t, err, ticketkit.ErrNotFound)
			_, err = desk.Get(ctx, orgAnn, eveT.ID)
			require.ErrorIs(t, err, ticketkit.ErrNotFound)

			// Staff filter by organisation, within their tenant.
			require.Equal(t, []string{annT.Number, bobT.Number}, numbersOf(t, desk, agent, ticketkit.SearchParams{OrganisationID: "org-1"}))
			require.Equal(t, []string{eveT.Number}, numbersOf(t, desk, otherOrg, ticketkit.SearchParams{OrganisationID: "org-1"}))
			rep, err := desk.SLAReport(ctx, agent, ticketkit.SLAReportParams{SearchParams: ticketkit.SearchParams{OrganisationID: "org-2"}, GroupBy: "organisation"})
			require.NoError(t, err)
			require.Equal(t, 2, rep.Tickets)
			require.Len(t, rep.Groups, 1)
			require.Equal(t, "org-2", rep.Groups[0].Key)
		})
	})

	t.Run("WithoutADirectoryEveryCustomerSeesTheirOwn", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupMemoryDesk(t)
		annT := mustOpen(t, desk, orgAnn, ticketkit.OpenParams{})
		bobT := mustOpen(t, desk, orgBob, ticketkit.OpenParams{})
		require.Equal(t, []string{annT.Number}, numbersOf(t, desk, orgAnn, ticketkit.SearchParams{}))
		_, err := desk.Get(t.Context(), orgAnn, bobT.ID)
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
	})

	t.Run("ACustomerCannotClaimAnotherOrganisation", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupMemoryDesk(t, func(c *ticketkit.Config) { c.Organisations = organisations })
		ctx := t.Context()
		_, err := desk.Open(ctx, orgCy, ticketkit.OpenParams{Subject: "x", Customer: ticket.Customer{OrganisationID: "org-1"}})
		var v *ticketkit.ValidationError
		require.ErrorAs(t, err, &v)
		require.Equal(t, []string{"customer.organisation_id"}, fieldNames(v))
		_, err = desk.Search(ctx, orgAnn, ticketkit.SearchParams{OrganisationID: "org-2"})
		require.ErrorAs(t, err, &v)
		require.Equal(t, []string{"organisation_id"}, fieldNames(v))
		_, err = desk.Search(ctx, agent, ticketkit.SearchParams{OrganisationID: "org\x00"})
		require.ErrorAs(t, err, &v)
		_, err = desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "x", Customer: ticket.Customer{ID: "C-1", OrganisationID: "a\nb"}})
		require.ErrorAs(t, err, &v)
		require.Equal(t, []string{"customer.organisation_id"}, fieldNames(v))
	})

	t.Run("TheDirectoryDecidesTheCustomersOrganisation", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupMemoryDesk(t, func(c *ticketkit.Config) {
			c.Customers = ticketkit.CustomerDirectoryFunc(func(context.Context, string, string) (ticket.Customer, error) {
				return ticket.Customer{Name: "Cy", OrganisationID: "org-9"}, nil
			})
		})
		tk := mustOpen(t, desk, orgCy, ticketkit.OpenParams{})
		require.Equal(t, "org-9", tk.Customer.OrganisationID)
	})

	t.Run("AFailingDirectoryFailsTheRead", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupMemoryDesk(t, func(c *ticketkit.Config) { c.Organisations = organisations })
		broken := ticketkit.Actor{ID: "u-x", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "C-x", OrganisationID: "broken"}
		_, err := desk.Search(t.Context(), broken, ticketkit.SearchParams{})
		require.ErrorContains(t, err, "directory down")
	})
}
