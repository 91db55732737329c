package ticketkit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
)

// counterStore decorates a store whose transactions keep storage.Tx and
// storage.TicketCounter and, as grouped says, a TicketAssigneeCounter.
type counterStore struct {
	storage.Store
	grouped storage.TicketAssigneeCounter // nil: none
}

// failingGrouped is a TicketAssigneeCounter that fails.
type failingGrouped struct{}

var errGroupedDown = errors.New("grouped count down")

func (failingGrouped) TicketCountByAssignee(context.Context, storage.TicketCountByAssigneeParams) (map[string]int, error) {
	return nil, errGroupedDown
}

// countingGrouped forwards to the store's own grouped count, counting
// the calls.
type countingGrouped struct {
	next  storage.TicketAssigneeCounter
	calls *int
}

func (c countingGrouped) TicketCountByAssignee(ctx context.Context, p storage.TicketCountByAssigneeParams) (map[string]int, error) {
	*c.calls++
	return c.next.TicketCountByAssignee(ctx, p)
}

func (s counterStore) RunInTx(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	return s.Store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		counter := tx.(storage.TicketCounter)
		switch g := s.grouped.(type) {
		case nil:
			return fn(ctx, struct {
				storage.Tx
				storage.TicketCounter
			}{tx, counter})
		case countingGrouped:
			g.next = tx.(storage.TicketAssigneeCounter)
			return fn(ctx, struct {
				storage.Tx
				storage.TicketCounter
				storage.TicketAssigneeCounter
			}{tx, counter, g})
		default:
			return fn(ctx, struct {
				storage.Tx
				storage.TicketCounter
				storage.TicketAssigneeCounter
			}{tx, counter, g})
		}
	})
}

// Least-open assignment counts the agents' open tickets in one grouped
// statement when the store can, one count per agent otherwise, and
// picks the same agents either way.
func TestDesk_AutoAssignCounts(t *testing.T) {
	t.Parallel()
	scenario := func(t *testing.T, wrap func(storage.Store) storage.Store) ([]string, error) {
		t.Helper()
		dir := &agentTable{agents: map[string][]ticketkit.Agent{"returns": {{ID: "a"}, {ID: "b", Capacity: 1}, {ID: "c", Capacity: 3}}}}
		desk, _ := setupDesk(t, memoryBackend(), func(c *ticketkit.Config) {
			c.Store = wrap(c.Store)
			c.Catalog = assignCatalog()
			c.Agents = dir
			c.Assignment = &ticketkit.AssignmentConfig{Pools: []ticketkit.AssignmentPool{{Department: "returns", Strategy: ticketkit.AssignLeastOpen, OnOpen: true, Capacity: 2}}}
		})
		mustOpen(t, desk, agent, ticketkit.OpenParams{Department: "billing", Assignee: "a"})
		mustOpen(t, desk, agent, ticketkit.OpenParams{Department: "billing", Assignee: "c"})
		var got []string
		for range 7 {
			tk, err := desk.Open(t.Context(), agent, ticketkit.OpenParams{Subject: "Return", Department: "returns"})
			if err != nil {
				return got, err
			}
			got = append(got, tk.Assignee)
		}
		return got, nil
	}
	want := []string{"b", "c", "a", "c", "", "", ""} // b (cap 1, none open) first; a and c (one open each) by turn; a up to 2, c up to 3; then nobody

	t.Run("Grouped", func(t *testing.T) {
		t.Parallel()
		calls := 0
		got, err := scenario(t, func(s storage.Store) storage.Store {
			return counterStore{Store: s, grouped: countingGrouped{calls: &calls}}
		})
		require.NoError(t, err)
		require.Equal(t, want, got)
		require.Equal(t, 7, calls, "one grouped count per pick")
	})
	t.Run("PerAgentFallback", func(t *testing.T) {
		t.Parallel()
		got, err := scenario(t, func(s storage.Store) storage.Store { return counterStore{Store: s} })
		require.NoError(t, err)
		require.Equal(t, want, got, "the same picks")
	})
	t.Run("AFailingGroupedCountFailsTheOpen", func(t *testing.T) {
		t.Parallel()
		_, err := scenario(t, func(s storage.Store) storage.Store { return counterStore{Store: s, grouped: failingGrouped{}} })
		require.ErrorIs(t, err, errGroupedDown)
	})
	t.Run("NoCounterAtAll", func(t *testing.T) {
		t.Parallel()
		_, err := scenario(t, func(s storage.Store) storage.Store { return bareStore{s} })
		require.ErrorIs(t, err, ticketkit.ErrAssignmentUnsupported)
	})
}
