package httpapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// newDirectoryEnv is an env whose Desk takes customers' contact data
// from the host (Config.Customers knows Ada) and staff display names from
// Config.Staff (which knows agent-1 as "Alice").
func newDirectoryEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, clock: clock.NewFake(start), rec: notifytest.NewRecorder(), logs: &syncBuffer{}}
	desk, err := ticketkit.New(ticketkit.Config{
		Store: memory.New(), Catalog: testCatalog(t), Clock: e.clock, Notifier: e.rec,
		Customers: ticketkit.CustomerDirectoryFunc(func(_ context.Context, _, customerID string) (ticket.Customer, error) {
			if customerID == ada.CustomerID {
				return ticket.Customer{Name: "Ada Lovelace", Email: "ada@example.com"}, nil
			}
			return ticket.Customer{}, nil
		}),
		Staff: notify.DirectoryFunc(func(_ context.Context, _, userID string) (notify.Recipient, error) {
			if userID == agent.ID {
				return notify.Recipient{Name: "Alice"}, nil
			}
			return notify.Recipient{}, notify.ErrUnknownUser
		}),
	})
	require.NoError(t, err)
	e.desk = desk
	e.api, err = httpapi.New(httpapi.Config{Desk: desk, Authenticate: headerAuth, Logger: slog.New(slog.NewTextHandler(e.logs, nil))})
	require.NoError(t, err)
	return e
}

// TestOpenTicketCustomerContact checks over POST /tickets that a
// customer cannot have the desk mail an address they typed, nor set the
// help desk's own properties, and that what customers read over the API
// names staff by display name only.
func TestOpenTicketCustomerContact(t *testing.T) {
	t.Parallel()
	phishing := map[string]any{
		"subject":  "Your account is locked: log in at evil.example",
		"customer": map[string]any{"name": "Victim", "email": "victim@example.org"},
	}

	t.Run("TypedAddressRefusedWithoutDirectory", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		w := e.send(ada, http.MethodPost, "/tickets", phishing)
		got := requireError(t, w, http.StatusBadRequest, "validation_failed")
		require.Equal(t, []string{"customer.email"}, got.fieldNames())
		require.Equal(t, "forbidden", got.Errors[0].Rule)
		require.Empty(t, e.rec.Events(), "nothing was opened, nobody is told")
	})

	t.Run("StaffOwnedPropertiesRefused", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		w := e.send(ada, http.MethodPost, "/tickets", map[string]any{
			"subject": "Kettle", "priority": "urgent", "department": "service", "tags": []string{"vip"},
			"fields": map[string]string{"store": "Lyon", "margin": "12.5"},
		})
		got := requireError(t, w, http.StatusBadRequest, "validation_failed")
		require.ElementsMatch(t, []string{"priority", "department", "tags", "fields.margin"}, got.fieldNames())
	})

	t.Run("TheHostsAddressIsMailed", func(t *testing.T) {
		t.Parallel()
		e := newDirectoryEnv(t)
		tk := e.open(ada, phishing)
		require.Equal(t, "ada@example.com", tk.Customer.Email)
		events := e.rec.Events()
		require.Len(t, events, 1)
		require.Equal(t, ticket.Customer{ID: ada.CustomerID, Name: "Ada Lovelace", Email: "ada@example.com"}, events[0].Ticket.Customer)
	})

	t.Run("CustomersReadNoStaffID", func(t *testing.T) {
		t.Parallel()
		e := newDirectoryEnv(t)
		tk := e.open(agent, map[string]any{"subject": "Kettle", "customer": map[string]any{"id": ada.CustomerID}, "assignee": supervisor.ID})
		w := e.send(agent, http.MethodPost, "/tickets/"+tk.ID+"/messages", map[string]any{"body": "On it."})
		require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
		for _, path := range []string{"/tickets/" + tk.ID, "/tickets/" + tk.ID + "/messages", "/tickets/" + tk.ID + "/history", "/tickets"} {
			w := e.get(ada, path)
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			require.NotContains(t, w.Body.String(), agent.ID, path)
			require.NotContains(t, w.Body.String(), supervisor.ID, path)
		}
		require.Contains(t, e.get(ada, "/tickets/"+tk.ID+"/messages").Body.String(), `"author_name":"Alice"`)
		require.Contains(t, e.get(ada, "/tickets/"+tk.ID+"/history").Body.String(), `"actor_name":"Alice"`)
		require.Contains(t, e.get(agent, "/tickets/"+tk.ID+"/messages").Body.String(), `"author_id":"`+agent.ID+`"`)
	})
}
