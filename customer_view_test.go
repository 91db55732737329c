package ticketkit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// Staff of the view tests, with IDs no other text contains: Ann is in
// the host's staff directory, Raj is not.
var (
	ann = ticketkit.Actor{ID: "stf-ann-4711", Role: ticket.RoleAgent, TenantID: "acme"}
	raj = ticketkit.Actor{ID: "stf-raj-0815", Role: ticket.RoleSupervisor, TenantID: "acme"}
)

// staffDirectory names Ann and does not know anyone else.
var staffDirectory = notify.DirectoryFunc(func(_ context.Context, tenantID, userID string) (notify.Recipient, error) {
	if tenantID == "acme" && userID == ann.ID {
		return notify.Recipient{Name: "Ann", Address: "ann@desk.example"}, nil
	}
	return notify.Recipient{}, fmt.Errorf("%s: %w", userID, notify.ErrUnknownUser)
})

// requireNoStaffID fails when the JSON of v carries a staff user ID.
func requireNoStaffID(t *testing.T, what string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	for _, id := range []string{ann.ID, raj.ID} {
		require.NotContains(t, string(b), id, "%s shows a staff ID", what)
	}
}

// TestDesk_CustomerViews checks what customers read of a ticket.
func TestDesk_CustomerViews(t *testing.T) {
	t.Parallel()

	// SeeNoInternals: every ticket the Desk returns to a customer leaves
	// out the assignee, the creator, tags, the action plan, the SLA
	// state and internal custom fields; staff still see them all.
	t.Run("SeeNoInternals", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
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
		desk, err := ticketkit.New(ticketkit.Config{Store: memoryBackend().Open(t), Catalog: catalog, SLA: sla})
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
	})

	// NameNoStaff: what a customer reads (tickets, messages, history and
	// the mails the templates write for them) carries no staff user ID;
	// staff are shown by the host's display name or the staff label, and
	// staff views keep the IDs.
	t.Run("NameNoStaff", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			catalog := fieldCatalog(t)
			mail := notifytest.NewMailbox(&notify.Resolver{Catalog: catalog, Directory: staffDirectory}, notify.DefaultTemplates(), catalog)
			desk, err := ticketkit.New(ticketkit.Config{
				Store: b.Open(t), Catalog: catalog, Notifier: mail, Customers: customerDirectory, Staff: staffDirectory,
			})
			require.NoError(t, err)

			tk, err := desk.Open(ctx, ann, ticketkit.OpenParams{
				Subject: "Kettle", Customer: ticket.Customer{ID: customer.CustomerID, Name: "Jane", Email: "jane@example.com"},
				Assignee: raj.ID, Fields: map[string]string{"margin": "3"}, Message: "Opened on the phone.",
			})
			require.NoError(t, err)
			_, err = desk.Reply(ctx, raj, ticketkit.MessageParams{TicketID: tk.ID, Body: "We are on it."})
			require.NoError(t, err)
			_, err = desk.AddNote(ctx, raj, ticketkit.MessageParams{TicketID: tk.ID, Body: "Batch B-17."})
			require.NoError(t, err)
			_, err = desk.Reply(ctx, customer, ticketkit.MessageParams{TicketID: tk.ID, Body: "Thanks."})
			require.NoError(t, err)
			_, err = desk.Transition(ctx, ann, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusInProgress})
			require.NoError(t, err)
			_, err = desk.Transition(ctx, raj, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusClosed, Reason: "Replaced"})
			require.NoError(t, err)

			got, err := desk.Get(ctx, customer, tk.ID)
			require.NoError(t, err)
			requireNoStaffID(t, "Get", got)
			got, err = desk.GetByNumber(ctx, customer, tk.Number)
			require.NoError(t, err)
			requireNoStaffID(t, "GetByNumber", got)
			found, err := desk.Search(ctx, customer, ticketkit.SearchParams{})
			require.NoError(t, err)
			require.Len(t, found.Tickets, 1)
			requireNoStaffID(t, "Search", found)
			mine, err := desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Second kettle"})
			require.NoError(t, err)
			requireNoStaffID(t, "Open", mine)

			msgs, err := desk.Messages(ctx, customer, ticketkit.MessageListParams{TicketID: tk.ID})
			require.NoError(t, err)
			requireNoStaffID(t, "Messages", msgs)
			type author struct{ id, name, body string }
			var authors []author
			for _, m := range msgs.Messages {
				authors = append(authors, author{m.AuthorID, m.AuthorName, m.Body})
			}
			require.Equal(t, []author{
				{"", "Ann", "Opened on the phone."},
				{"", ticketkit.DefaultStaffLabel, "We are on it."},
				{customer.ID, "", "Thanks."},
			}, authors)

			history, err := desk.History(ctx, customer, tk.ID)
			require.NoError(t, err)
			requireNoStaffID(t, "History", history)
			var actors []string
			for _, e := range history {
				require.Empty(t, e.ActorID)
				actors = append(actors, e.Field+" by "+e.ActorName)
			}
			require.Equal(t, []string{"created by Ann", "status by Ann", "status by " + ticketkit.DefaultStaffLabel}, actors)

			toJane := mail.To("jane@example.com")
			require.NotEmpty(t, toJane)
			for _, m := range toJane {
				requireNoStaffID(t, fmt.Sprintf("the %s mail", m.Event.Kind), m.Rendered)
			}

			staffMsgs, err := desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: tk.ID})
			require.NoError(t, err)
			require.Equal(t, ann.ID, staffMsgs.Messages[0].AuthorID, "staff views keep the IDs")
			require.Empty(t, staffMsgs.Messages[0].AuthorName)
			staffHistory, err := desk.History(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, ann.ID, staffHistory[0].ActorID)
			stored, err := desk.Get(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, raj.ID, stored.Assignee)
			require.Equal(t, ann.ID, stored.CreatedBy)
		})
	})

	// ShowTheStaffLabel: without a staff directory customers see
	// Config.StaffLabel for every staff author.
	t.Run("ShowTheStaffLabel", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), StaffLabel: "Kettle Co."})
			require.NoError(t, err)
			tk, err := desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Kettle"})
			require.NoError(t, err)
			_, err = desk.Reply(ctx, ann, ticketkit.MessageParams{TicketID: tk.ID, Body: "On it."})
			require.NoError(t, err)
			msgs, err := desk.Messages(ctx, customer, ticketkit.MessageListParams{TicketID: tk.ID})
			require.NoError(t, err)
			require.Len(t, msgs.Messages, 1)
			require.Equal(t, "Kettle Co.", msgs.Messages[0].AuthorName)
			require.Empty(t, msgs.Messages[0].AuthorID)
			history, err := desk.History(ctx, customer, tk.ID)
			require.NoError(t, err)
			require.Equal(t, customer.ID, history[0].ActorID, "the customer's own actions keep their ID")
			require.Empty(t, history[0].ActorName)
		})
	})
}

// TestDesk_Visibility checks that a ticket does not exist for another
// customer nor for another tenant's staff, through every use case that
// names it or lists tickets.
func TestDesk_Visibility(t *testing.T) {
	t.Parallel()

	setup := setupCustomerTicket

	for name, a := range map[string]ticketkit.Actor{"OtherCustomerSeesNothing": stranger, "OtherTenantSeesNothing": otherOrg} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			desk, bundle := setup(t)
			ctx, tk := t.Context(), bundle.tk
			_, err := desk.Get(ctx, a, tk.ID)
			require.ErrorIs(t, err, ticketkit.ErrNotFound, name)
			_, err = desk.GetByNumber(ctx, a, tk.Number)
			require.ErrorIs(t, err, ticketkit.ErrNotFound, name)
			_, err = desk.History(ctx, a, tk.ID)
			require.ErrorIs(t, err, ticketkit.ErrNotFound, name)
			_, err = desk.Reply(ctx, a, ticketkit.MessageParams{TicketID: tk.ID, Body: "hi"})
			require.ErrorIs(t, err, ticketkit.ErrNotFound, name)
			res, err := desk.Search(ctx, a, ticketkit.SearchParams{})
			require.NoError(t, err)
			require.Empty(t, res.Tickets, name)
			page, err := desk.Messages(ctx, a, ticketkit.MessageListParams{})
			require.NoError(t, err)
			require.Empty(t, page.Messages, name)
		})
	}

	t.Run("OtherTenantCannotTransition", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		_, err := desk.Transition(t.Context(), otherOrg, ticketkit.TransitionParams{TicketID: bundle.tk.ID, To: ticket.StatusInProgress})
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
	})

	t.Run("TheOwnerSeesIt", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		got, err := desk.Get(t.Context(), customer, bundle.tk.ID)
		require.NoError(t, err)
		require.Equal(t, bundle.tk.Number, got.Number)
	})
}
