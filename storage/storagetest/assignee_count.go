package storagetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// assigneeCounter tests the optional [storage.TicketAssigneeCounter]
// (see Features.AssigneeCounter).
func (s suite) assigneeCounter(t *testing.T) {
	ctx := context.Background()
	count := func(t *testing.T, x any, p storage.TicketCountByAssigneeParams) map[string]int {
		t.Helper()
		got, err := as[storage.TicketAssigneeCounter](t, x).TicketCountByAssignee(ctx, p)
		require.NoError(t, err)
		return got
	}
	held := func(tenant, assignee, status, department string) *ticket.Ticket {
		return newTicket(tenant, func(tk *ticket.Ticket) { tk.Assignee, tk.Status, tk.Department = assignee, status, department })
	}
	t.Run("CountsEachAssigneeOfTheTenantInTheStatuses", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		mustCreate(t, st,
			held(tenantA, "ann", "open", "support"), held(tenantA, "ann", "waiting", "returns"), held(tenantA, "ann", "closed", "support"),
			held(tenantA, "bob", "open", "support"),
			held(tenantA, "eve", "open", "support"), // not asked for
			held(tenantA, "", "open", "support"),
			held(tenantB, "ann", "open", "support"), held(tenantB, "cid", "open", "support"))
		p := storage.TicketCountByAssigneeParams{TenantID: tenantA, Assignees: []string{"ann", "bob", "cid"}, Statuses: []string{"open", "waiting"}, Max: 10}
		require.Equal(t, map[string]int{"ann": 2, "bob": 1}, count(t, st, p), "cid holds none in this tenant; closed and other tenants' tickets do not count")
		p.Department = "support"
		require.Equal(t, map[string]int{"ann": 1, "bob": 1}, count(t, st, p), "one department")
		p.Department, p.Statuses = "", nil
		require.Equal(t, map[string]int{"ann": 3, "bob": 1}, count(t, st, p), "any status")
		p.TenantID = tenantB
		require.Equal(t, map[string]int{"ann": 1, "cid": 1}, count(t, st, p))
		p.Assignees = nil
		require.Empty(t, count(t, st, p), "no assignees, no counts")

		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			mustCreate(t, tx, held(tenantA, "bob", "open", "support"))
			got := count(t, tx, storage.TicketCountByAssigneeParams{TenantID: tenantA, Assignees: []string{"bob"}, Statuses: []string{"open"}, Max: 10})
			require.Equal(t, map[string]int{"bob": 2}, got, "the transaction sees its own tickets")
			return nil
		}))
	})
	t.Run("CapsAtMaxPlusOne", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		for i := range 5 {
			mustCreate(t, st, held(tenantA, "ann", "open", fmt.Sprint("d", i)))
		}
		mustCreate(t, st, held(tenantA, "bob", "open", "support"), held(tenantA, "bob", "open", "support"))
		got := count(t, st, storage.TicketCountByAssigneeParams{TenantID: tenantA, Assignees: []string{"ann", "bob"}, Max: 2})
		require.Equal(t, map[string]int{"ann": 3, "bob": 2}, got, "more than Max is Max+1")
	})
	t.Run("BadParams", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		c := as[storage.TicketAssigneeCounter](t, st)
		_, err := c.TicketCountByAssignee(ctx, storage.TicketCountByAssigneeParams{Assignees: []string{"ann"}, Max: 1})
		require.Error(t, err, "no tenant")
		_, err = c.TicketCountByAssignee(ctx, storage.TicketCountByAssigneeParams{TenantID: tenantA, Assignees: []string{"ann"}})
		require.Error(t, err, "no Max")
		many := make([]string, storage.MaxLimit+1)
		for i := range many {
			many[i] = fmt.Sprint("a", i)
		}
		_, err = c.TicketCountByAssignee(ctx, storage.TicketCountByAssigneeParams{TenantID: tenantA, Assignees: many, Max: 1})
		require.Error(t, err, "too many assignees")
		got, err := c.TicketCountByAssignee(ctx, storage.TicketCountByAssigneeParams{TenantID: tenantA, Assignees: []string{"x' OR '1'='1", "ann"}, Max: 1})
		require.NoError(t, err, "a hostile ID is a value")
		require.Empty(t, got)
	})
}
