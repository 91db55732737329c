package ticketkit_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// TestCustomersSeeNoInternals checks that every ticket the Desk returns
// to a customer leaves out the assignee, the creator, tags, the action
// plan, the SLA state and internal custom fields, and that staff still
// see them all.
func TestCustomersSeeNoInternals(t *testing.T) {
	ctx := context.Background()
	spec := ticket.DefaultCatalogSpec()
	spec.Fields = []ticket.FieldDef{
		{Key: "store", Label: ticket.Label{Text: "Store"}, Type: ticket.FieldText},
		{Key: "margin", Label: ticket.Label{Text: "Margin"}, Type: ticket.FieldNumber, Internal: true},
	}
	catalog, err := ticket.NewCatalog(spec)
	require.NoError(t, err)
	sla, err := workflow.NewSLA(workflow.SLAConfig{Policies: []workflow.Policy{{
		Name: "std", Targets: workflow.Targets{Resolution: workflow.Duration(8 * time.Hour)},
	}}}, catalog)
	require.NoError(t, err)
	desk, err := ticketkit.New(ticketkit.Config{Store: memory.New(), Catalog: catalog, SLA: sla})
	require.NoError(t, err)
	tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{
		Subject: "Kettle leaks", Customer: ticket.Customer{ID: customer.CustomerID, Email: "ann@example.com"},
		Assignee: "agent-7", Tags: []string{"vip"}, Fields: map[string]string{"store": "Lyon", "margin": "12.5"},
	})
	require.NoError(t, err)
	require.NotEmpty(t, tk.SLA.Policy)

	requireRedacted := func(t *testing.T, got *ticket.Ticket) {
		t.Helper()
		require.Equal(t, tk.ID, got.ID)
		require.Equal(t, "Kettle leaks", got.Subject)
		require.Empty(t, got.Assignee)
		require.Empty(t, got.CreatedBy)
		require.Empty(t, got.Tags)
		require.Empty(t, got.Actions)
		require.True(t, got.SLA.IsZero())
		require.Equal(t, map[string]string{"store": "Lyon"}, got.Fields)
		require.Equal(t, tk.Version, got.Version)
	}
	got, err := desk.Get(ctx, customer, tk.ID)
	require.NoError(t, err)
	requireRedacted(t, got)
	got, err = desk.GetByNumber(ctx, customer, tk.Number)
	require.NoError(t, err)
	requireRedacted(t, got)
	page, err := desk.Search(ctx, customer, ticketkit.SearchParams{})
	require.NoError(t, err)
	require.Len(t, page.Tickets, 1)
	requireRedacted(t, page.Tickets[0])

	mine, err := desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Second kettle"})
	require.NoError(t, err)
	require.True(t, mine.SLA.IsZero(), "the customer's own new ticket comes back redacted too")

	staff, err := desk.Get(ctx, agent, tk.ID)
	require.NoError(t, err)
	require.Equal(t, "agent-7", staff.Assignee)
	require.Equal(t, []string{"vip"}, staff.Tags)
	require.Equal(t, "12.5", staff.Fields["margin"])
	require.False(t, staff.SLA.IsZero(), "redacting a customer's copy leaves the stored ticket whole")

	// A customer's change works on the stored ticket, not on the copy.
	_, err = desk.Reply(ctx, customer, ticketkit.MessageParams{TicketID: tk.ID, Body: "Any news?"})
	require.NoError(t, err)
	staff, err = desk.Get(ctx, agent, tk.ID)
	require.NoError(t, err)
	require.Equal(t, "agent-7", staff.Assignee)
	require.Equal(t, "12.5", staff.Fields["margin"])
}
