package ticketkit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

func TestDesk_AddTimeEntry(t *testing.T) {
	t.Parallel()

	t.Run("LogsListsDeletesWithHistoryHiddenFromCustomers", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, _ := setupDesk(t, b)
			ctx := t.Context()
			tk := mustOpen(t, desk, customer, ticketkit.OpenParams{Message: "hi"})
			e, err := desk.AddTimeEntry(ctx, agent, ticketkit.TimeEntryParams{TicketID: tk.ID, Duration: 90 * time.Minute, Billable: true, Note: "call"})
			require.NoError(t, err)
			require.Equal(t, agent.ID, e.AgentID)
			require.Equal(t, t0.Truncate(24*time.Hour), e.Date)
			require.Equal(t, "C-1", e.CustomerID)
			_, err = desk.AddTimeEntry(ctx, super, ticketkit.TimeEntryParams{TicketID: tk.ID, AgentID: "agent-2", Duration: time.Minute, Date: t0.Add(-48 * time.Hour)})
			require.NoError(t, err)

			got, err := desk.TimeEntries(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Len(t, got, 2)
			require.Equal(t, "agent-2", got[0].AgentID, "by date")
			require.Equal(t, []string{"time_entry →1h30m0s billable by agent-1 on 2026-03-02", "time_entry →1m0s by agent-2 on 2026-02-28"},
				linesOf(historyLines(t, desk, tk.ID), ticket.FieldTimeEntry))

			require.NoError(t, desk.DeleteTimeEntry(ctx, agent, ticketkit.TimeEntryRef{TicketID: tk.ID, ID: got[0].ID}))
			require.ErrorIs(t, desk.DeleteTimeEntry(ctx, agent, ticketkit.TimeEntryRef{TicketID: tk.ID, ID: got[0].ID}), ticketkit.ErrNotFound)
			got, err = desk.TimeEntries(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, []string{e.ID}, []string{got[0].ID})
			require.Contains(t, historyLines(t, desk, tk.ID), "time_entry 1m0s by agent-2 on 2026-02-28→")

			_, err = desk.TimeEntries(ctx, customer, tk.ID)
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
			_, err = desk.AddTimeEntry(ctx, customer, ticketkit.TimeEntryParams{TicketID: tk.ID, Duration: time.Minute})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
			require.ErrorIs(t, desk.DeleteTimeEntry(ctx, customer, ticketkit.TimeEntryRef{TicketID: tk.ID, ID: e.ID}), ticketkit.ErrForbidden)
			events, err := desk.History(ctx, customer, tk.ID)
			require.NoError(t, err)
			for _, ev := range events {
				require.NotEqual(t, ticket.FieldTimeEntry, ev.Field, "customers never see time entries")
			}

			_, err = desk.AddTimeEntry(ctx, otherOrg, ticketkit.TimeEntryParams{TicketID: tk.ID, Duration: time.Minute})
			require.ErrorIs(t, err, ticketkit.ErrNotFound, "another tenant's ticket")
			require.ErrorIs(t, desk.DeleteTimeEntry(ctx, otherOrg, ticketkit.TimeEntryRef{TicketID: tk.ID, ID: e.ID}), ticketkit.ErrNotFound)
		})
	})

	t.Run("RejectsBadInputNamingEveryField", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupMemoryDesk(t)
		ctx := t.Context()
		tk := mustOpen(t, desk, customer, ticketkit.OpenParams{})
		for name, c := range map[string]struct {
			p    ticketkit.TimeEntryParams
			want []string
		}{
			"negative":   {ticketkit.TimeEntryParams{TicketID: tk.ID, Duration: -time.Minute}, []string{"duration"}},
			"zero":       {ticketkit.TimeEntryParams{TicketID: tk.ID}, []string{"duration"}},
			"absurd":     {ticketkit.TimeEntryParams{TicketID: tk.ID, Duration: 10000 * time.Hour}, []string{"duration"}},
			"nanosecond": {ticketkit.TimeEntryParams{TicketID: tk.ID, Duration: time.Minute + 1}, []string{"duration"}},
			"future":     {ticketkit.TimeEntryParams{TicketID: tk.ID, Duration: time.Minute, Date: t0.Add(72 * time.Hour)}, []string{"date"}},
			"year 20000": {ticketkit.TimeEntryParams{TicketID: tk.ID, Duration: time.Minute, Date: time.Date(20000, 1, 1, 0, 0, 0, 0, time.UTC)}, []string{"date"}},
			"huge note":  {ticketkit.TimeEntryParams{TicketID: tk.ID, Duration: time.Minute, Note: strings.Repeat("n", 1<<20)}, []string{"note"}},
			"every": {ticketkit.TimeEntryParams{TicketID: "x\x00", AgentID: "a\x00", Duration: -1, Note: "\x00"},
				[]string{"ticket_id", "agent_id", "duration", "note"}},
		} {
			_, err := desk.AddTimeEntry(ctx, agent, c.p)
			require.ElementsMatch(t, c.want, badFields(t, err), name)
		}
		_, err := desk.AddTimeEntry(ctx, ticketkit.Actor{ID: "sys", Role: ticket.RoleSystem, TenantID: "acme"}, ticketkit.TimeEntryParams{TicketID: tk.ID, Duration: time.Minute})
		require.Equal(t, []string{"agent_id"}, badFields(t, err))
		got, err := desk.TimeEntries(ctx, agent, tk.ID)
		require.NoError(t, err)
		require.Empty(t, got)
	})

	t.Run("AddTimeEntryTxRollsBackWithTheHost", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setupMemoryDesk(t)
		ctx := t.Context()
		tk := mustOpen(t, desk, customer, ticketkit.OpenParams{})
		err := bundle.store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			_, err := desk.AddTimeEntryTx(ctx, tx, agent, ticketkit.TimeEntryParams{TicketID: tk.ID, Duration: time.Hour})
			require.NoError(t, err)
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		got, err := desk.TimeEntries(ctx, agent, tk.ID)
		require.NoError(t, err)
		require.Empty(t, got)
		require.Empty(t, linesOf(historyLines(t, desk, tk.ID), ticket.FieldTimeEntry))
	})
}

// TestDesk_TimeEntryRequiredGuard: a workflow whose resolving transition
// has the guard time_entry_required refuses it until time is logged.
func TestDesk_TimeEntryRequiredGuard(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		def := workflow.DefaultDefinition()
		for i, tr := range def.Transitions {
			if tr.To == ticket.StatusResolved {
				def.Transitions[i].Guards = append(def.Transitions[i].Guards, workflow.GuardTimeEntryRequired)
			}
		}
		m, err := workflow.New(workflow.Config{Definition: def})
		require.NoError(t, err)
		desk, _ := setupDesk(t, b, func(c *ticketkit.Config) { c.Workflow = m })
		ctx := t.Context()
		tk := mustOpen(t, desk, customer, ticketkit.OpenParams{})
		_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusResolved})
		require.ErrorIs(t, err, ticketkit.ErrGuard)
		require.ErrorContains(t, err, "no time is logged")
		_, err = desk.AddTimeEntry(ctx, agent, ticketkit.TimeEntryParams{TicketID: tk.ID, Duration: 5 * time.Minute})
		require.NoError(t, err)
		got, err := desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusResolved})
		require.NoError(t, err)
		require.Equal(t, ticket.StatusResolved, got.Status)
	})
}

func TestDesk_TimeReport(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		desk, _ := setupDesk(t, b)
		ctx := t.Context()
		a := mustOpen(t, desk, customer, ticketkit.OpenParams{})
		c := mustOpen(t, desk, ticketkit.Actor{ID: "u2", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "C-2"}, ticketkit.OpenParams{})
		for _, p := range []ticketkit.TimeEntryParams{
			{TicketID: a.ID, Duration: time.Hour, Billable: true},
			{TicketID: a.ID, Duration: 30 * time.Minute, AgentID: "agent-2"},
			{TicketID: c.ID, Duration: 15 * time.Minute, Billable: true},
		} {
			_, err := desk.AddTimeEntry(ctx, agent, p)
			require.NoError(t, err)
		}
		rep, err := desk.TimeReport(ctx, agent, ticketkit.ReportParams{GroupBy: storage.GroupByCustomer, From: t0, To: t0.Add(24 * time.Hour)})
		require.NoError(t, err)
		require.Equal(t, []ticketkit.TimeReportGroup{
			{Key: "C-1", Entries: 2, Seconds: 5400, BillableSeconds: 3600},
			{Key: "C-2", Entries: 1, Seconds: 900, BillableSeconds: 900},
		}, rep.Groups)
		rep, err = desk.TimeReport(ctx, agent, ticketkit.ReportParams{GroupBy: storage.GroupByAgent})
		require.NoError(t, err)
		require.Equal(t, []string{"agent-1", "agent-2"}, []string{rep.Groups[0].Key, rep.Groups[1].Key})
		_, err = desk.TimeReport(ctx, customer, ticketkit.ReportParams{GroupBy: storage.GroupByAgent})
		require.ErrorIs(t, err, ticketkit.ErrForbidden)
		_, err = desk.TimeReport(ctx, agent, ticketkit.ReportParams{GroupBy: storage.GroupByCategory})
		require.Equal(t, []string{"group_by"}, badFields(t, err))
	})
}
