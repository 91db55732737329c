package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// holdCatalog is the default catalog plus a status of the host's own,
// which the default workflow knows nothing about.
func holdCatalog(t *testing.T) *ticket.Catalog {
	t.Helper()
	spec := ticket.DefaultCatalogSpec()
	spec.Statuses = append(spec.Statuses, ticket.Status{Code: "on_hold", Label: ticket.Label{Text: "On hold"}, Category: ticket.CategoryPending})
	c, err := ticket.NewCatalog(spec)
	require.NoError(t, err)
	return c
}

func TestFree(t *testing.T) {
	t.Parallel()

	t.Run("StaffMoveBetweenEveryStatusIncludingNewOnes", func(t *testing.T) {
		t.Parallel()
		c := holdCatalog(t)
		m, err := workflow.Free(c)
		require.NoError(t, err)
		for _, from := range c.Statuses() {
			if from.Terminal {
				continue
			}
			for _, to := range c.Statuses() {
				if to.Code == from.Code {
					continue
				}
				for _, actor := range []ticket.Actor{agent, supervisor, system} {
					d, err := m.Decide(t.Context(), workflow.Request{Ticket: newTicket(from.Code), Actor: actor, To: to.Code, Now: now})
					require.NoError(t, err, "%s: %s -> %s", actor.Role, from.Code, to.Code)
					require.Equal(t, "to_"+to.Code, d.Transition.Name)
					require.False(t, d.Reopen)
				}
			}
		}
	})

	t.Run("CustomersTakeNoTransition", func(t *testing.T) {
		t.Parallel()
		m, err := workflow.Free(holdCatalog(t))
		require.NoError(t, err)
		_, err = m.Decide(t.Context(), workflow.Request{Ticket: newTicket(ticket.StatusOpen), Actor: customer, To: "on_hold", Now: now})
		require.ErrorIs(t, err, workflow.ErrForbidden)
		require.Empty(t, m.Available(t.Context(), newTicket(ticket.StatusOpen), customer, now))
	})

	t.Run("ReopensAnyTimeIntoTheFirstOpenStatus", func(t *testing.T) {
		t.Parallel()
		m, err := workflow.Free(nil)
		require.NoError(t, err)
		closed := closedTicket(now.Add(-5 * 365 * 24 * time.Hour))
		d, err := m.Decide(t.Context(), workflow.Request{Ticket: closed, Actor: agent, To: ticket.StatusInProgress, Now: now})
		require.NoError(t, err)
		require.True(t, d.Reopen)
		_, err = m.Decide(t.Context(), workflow.Request{Ticket: closed, Actor: agent, To: ticket.StatusWaiting, Now: now})
		require.ErrorIs(t, err, workflow.ErrNoTransition, "only the reopen rule leaves a terminal status")
		_, err = m.Decide(t.Context(), workflow.Request{Ticket: closed, Actor: customer, To: ticket.StatusInProgress, Now: now})
		require.ErrorIs(t, err, workflow.ErrForbidden)
	})

	t.Run("FitsCatalogsTheDefaultWorkflowDoesNot", func(t *testing.T) {
		t.Parallel()
		spec := ticket.CatalogSpec{
			Statuses: []ticket.Status{
				{Code: "nouveau", Label: ticket.Label{Text: "Nouveau"}, Category: ticket.CategoryNew, Initial: true},
				{Code: "traite", Label: ticket.Label{Text: "Traité"}, Category: ticket.CategoryResolved, Terminal: true},
			},
			Priorities: []ticket.Priority{{Code: "p", Label: ticket.Label{Text: "P"}, Default: true}},
		}
		c, err := ticket.NewCatalog(spec)
		require.NoError(t, err)
		_, err = workflow.Default(c)
		var de *workflow.DefinitionError
		require.True(t, errors.As(err, &de), "the default workflow needs the default codes")
		m, err := workflow.Free(c)
		require.NoError(t, err)
		d := m.Definition()
		require.Len(t, d.Transitions, 1, "no transition leads into the only non-terminal status from elsewhere")
		require.Equal(t, "nouveau", d.Reopen.To, "no open-category status: reopen enters the initial one")
		_, err = m.Decide(t.Context(), workflow.Request{Ticket: newTicket("nouveau"), Actor: agent, To: "traite", Now: now})
		require.NoError(t, err)
	})

	t.Run("IsDataHostsCanAddGuardsTo", func(t *testing.T) {
		t.Parallel()
		d := workflow.FreeDefinition(nil)
		for i := range d.Transitions {
			if d.Transitions[i].To == ticket.StatusClosed {
				d.Transitions[i].Guards = append(d.Transitions[i].Guards, workflow.GuardReasonRequired)
			}
		}
		m, err := workflow.New(workflow.Config{Definition: d})
		require.NoError(t, err)
		_, err = m.Decide(t.Context(), workflow.Request{Ticket: newTicket(ticket.StatusOpen), Actor: agent, To: ticket.StatusClosed, Now: now})
		require.ErrorIs(t, err, workflow.ErrGuard)
		_, err = workflow.Free(nil)
		require.NoError(t, err, "changing the returned definition leaves the preset as it was")
		require.Empty(t, workflow.FreeDefinition(nil).Transitions[0].Guards)
	})
}

func ExampleFree() {
	spec := ticket.DefaultCatalogSpec()
	spec.Statuses = append(spec.Statuses, ticket.Status{Code: "on_hold", Label: ticket.Label{Text: "On hold"}, Category: ticket.CategoryPending})
	c, err := ticket.NewCatalog(spec)
	if err != nil {
		panic(err)
	}
	m, err := workflow.Free(c) // no transition to write for "on_hold"
	if err != nil {
		panic(err)
	}
	t := &ticket.Ticket{ID: "tk-1", TenantID: "t1", Status: ticket.StatusOpen, Priority: ticket.PriorityNormal}
	for _, tr := range m.Available(context.Background(), t, ticket.Actor{ID: "u-1", Role: ticket.RoleAgent, TenantID: "t1"}, time.Now()) {
		fmt.Println(tr.Name)
	}
	// Output:
	// to_in_progress
	// to_waiting
	// to_escalated
	// to_resolved
	// to_closed
	// to_on_hold
}
