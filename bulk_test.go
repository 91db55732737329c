package ticketkit_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// openN opens n tickets as agent and returns their IDs.
func openN(t *testing.T, desk *ticketkit.Desk, n int) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		out[i] = mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("Kettle %d", i),
			Customer: ticket.Customer{ID: "C-1", Email: "jane@example.com"}}).ID
	}
	return out
}

func TestDesk_Bulk(t *testing.T) {
	t.Parallel()

	// ReportsEachTicket runs a transition over a list holding a ticket
	// it can move, another tenant's, one the workflow refuses, one at a
	// stale version (a conflict in the middle of the list) and one more
	// it can move: each gets its outcome, and only the two movable ones
	// change, each with its own history line and notification.
	t.Run("ReportsEachTicket", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, bundle := setupDesk(t, b)
			ctx := t.Context()
			ids := openN(t, desk, 4)
			foreign := mustOpen(t, desk, otherOrg, ticketkit.OpenParams{Customer: ticket.Customer{ID: "X"}}).ID
			_, err := desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: ids[1], To: ticket.StatusResolved})
			require.NoError(t, err)
			stale, err := desk.Get(ctx, agent, ids[2])
			require.NoError(t, err)
			_, err = desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: ids[2], Assignee: new("agent-2")})
			require.NoError(t, err)
			bundle.rec.Reset()

			res, err := desk.Bulk(ctx, agent, ticketkit.BulkParams{
				Action: ticketkit.BulkTransition, To: ticket.StatusResolved,
				TicketIDs: []string{ids[0], foreign, ids[1], ids[2], ids[3]},
				Versions:  map[string]int64{ids[2]: stale.Version},
			})
			require.NoError(t, err)
			var outcomes []ticketkit.BulkOutcome
			for _, it := range res.Items {
				outcomes = append(outcomes, it.Outcome)
			}
			require.Equal(t, []ticketkit.BulkOutcome{ticketkit.BulkDone, ticketkit.BulkNotFound, ticketkit.BulkRefused,
				ticketkit.BulkConflict, ticketkit.BulkDone}, outcomes)
			require.ErrorIs(t, res.Items[1].Err, ticketkit.ErrNotFound)
			require.ErrorIs(t, res.Items[2].Err, ticketkit.ErrNoTransition)
			require.ErrorIs(t, res.Items[3].Err, ticketkit.ErrConflict)
			require.NotEmpty(t, res.Items[3].Error)
			require.Equal(t, 2, res.Count(ticketkit.BulkDone))

			for i, want := range []string{ticket.StatusResolved, ticket.StatusResolved, ticket.StatusOpen, ticket.StatusResolved} {
				tk, err := desk.Get(ctx, agent, ids[i])
				require.NoError(t, err)
				require.Equal(t, want, tk.Status, "ticket %d", i)
			}
			require.Equal(t, res.Items[4].Version, mustGet(t, desk, ids[3]).Version)
			require.Contains(t, historyLines(t, desk, ids[0]), "status open→resolved")
			require.NotContains(t, historyLines(t, desk, ids[2]), "status open→resolved")
			var changed []string
			for _, e := range bundle.rec.Events() {
				if e.Kind == notify.KindStatusChanged {
					changed = append(changed, e.Ticket.ID)
				}
			}
			require.ElementsMatch(t, []string{ids[0], ids[3]}, changed, "one status notification per moved ticket, delivered inline")
			other, err := desk.Get(ctx, otherOrg, foreign)
			require.NoError(t, err)
			require.Equal(t, ticket.StatusOpen, other.Status)
		})
	})

	// RefusesTheWholeCall: a customer, 501 IDs, an ID twice, an unknown
	// action, a field the action does not use: a call-level error, and
	// no ticket changed.
	t.Run("RefusesTheWholeCall", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, _ := setupDesk(t, b)
			ctx := t.Context()
			ids := openN(t, desk, 2)
			mine := mustOpen(t, desk, customer, ticketkit.OpenParams{}).ID

			_, err := desk.Bulk(ctx, customer, ticketkit.BulkParams{Action: ticketkit.BulkTransition, To: ticket.StatusClosed,
				Reason: "done", TicketIDs: []string{mine}})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)

			many := make([]string, ticketkit.DefaultMaxBulkTickets+1)
			for i := range many {
				many[i] = fmt.Sprintf("id-%d", i)
			}
			_, err = desk.Bulk(ctx, agent, ticketkit.BulkParams{Action: ticketkit.BulkAssign, Assignee: "a", TicketIDs: many})
			require.Equal(t, []string{"ticket_ids"}, validationFields(t, err))

			_, err = desk.Bulk(ctx, agent, ticketkit.BulkParams{Action: ticketkit.BulkTransition, To: ticket.StatusResolved,
				Priority: ticket.PriorityHigh, TicketIDs: []string{ids[0], ids[1], ids[0]}, Versions: map[string]int64{"nope": 1}})
			require.ElementsMatch(t, []string{"ticket_ids[2]", "priority", "versions"}, validationFields(t, err))

			_, err = desk.Bulk(ctx, agent, ticketkit.BulkParams{Action: "delete", TicketIDs: ids})
			require.Equal(t, []string{"action"}, validationFields(t, err))
			_, err = desk.Bulk(ctx, agent, ticketkit.BulkParams{Action: ticketkit.BulkSetPriority, Priority: "whenever", TicketIDs: ids})
			require.Equal(t, []string{"priority"}, validationFields(t, err))
			_, err = desk.Bulk(ctx, agent, ticketkit.BulkParams{Action: ticketkit.BulkAddTags, Tags: []string{"a", "", "a"}, TicketIDs: ids})
			require.ElementsMatch(t, []string{"tags[1]", "tags[2]"}, validationFields(t, err))

			for _, id := range append(ids, mine) {
				tk := mustGet(t, desk, id)
				require.Equal(t, ticket.StatusOpen, tk.Status)
				require.Empty(t, tk.Assignee)
			}
		})
	})

	// MaxBulkTicketsIsConfigurable: a Desk with a limit of 2 refuses 3.
	t.Run("MaxBulkTicketsIsConfigurable", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupDesk(t, memoryBackend(), func(c *ticketkit.Config) { c.MaxBulkTickets = 2 })
		ids := openN(t, desk, 3)
		_, err := desk.Bulk(t.Context(), agent, ticketkit.BulkParams{Action: ticketkit.BulkAssign, Assignee: "a", TicketIDs: ids})
		require.Equal(t, []string{"ticket_ids"}, validationFields(t, err))
		_, err = ticketkit.New(ticketkit.Config{Store: memoryBackend().Open(t), MaxBulkTickets: -1})
		require.ErrorContains(t, err, "MaxBulkTickets")
	})

	// TagsAssigneesAndPriorities: each action changes what it names,
	// with a history line per ticket; a ticket that would hold too many
	// tags is refused on its own.
	t.Run("TagsAssigneesAndPriorities", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, _ := setupDesk(t, b)
			ctx := t.Context()
			ids := openN(t, desk, 3)
			full := make([]string, 50)
			for i := range full {
				full[i] = fmt.Sprintf("t%d", i)
			}
			_, err := desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: ids[2], Tags: full})
			require.NoError(t, err)

			run := func(p ticketkit.BulkParams) *ticketkit.BulkResult {
				p.TicketIDs = ids
				res, err := desk.Bulk(ctx, agent, p)
				require.NoError(t, err)
				return res
			}
			res := run(ticketkit.BulkParams{Action: ticketkit.BulkAddTags, Tags: []string{"vip", "kettle"}})
			require.Equal(t, 2, res.Count(ticketkit.BulkDone))
			require.Equal(t, ticketkit.BulkRefused, res.Items[2].Outcome)
			require.Equal(t, []string{"tags"}, validationFields(t, res.Items[2].Err))
			require.Equal(t, []string{"vip", "kettle"}, mustGet(t, desk, ids[0]).Tags)
			require.Contains(t, historyLines(t, desk, ids[0]), "tags →vip, kettle")

			res = run(ticketkit.BulkParams{Action: ticketkit.BulkRemoveTags, Tags: []string{"vip", "t0"}})
			require.Equal(t, 3, res.Count(ticketkit.BulkDone))
			require.Equal(t, []string{"kettle"}, mustGet(t, desk, ids[1]).Tags)
			require.Equal(t, full[1:], mustGet(t, desk, ids[2]).Tags)

			res = run(ticketkit.BulkParams{Action: ticketkit.BulkAssign, Assignee: "agent-7"})
			require.Equal(t, 3, res.Count(ticketkit.BulkDone))
			res = run(ticketkit.BulkParams{Action: ticketkit.BulkSetPriority, Priority: ticket.PriorityUrgent})
			require.Equal(t, 3, res.Count(ticketkit.BulkDone))
			for _, id := range ids {
				tk := mustGet(t, desk, id)
				require.Equal(t, "agent-7", tk.Assignee)
				require.Equal(t, ticket.PriorityUrgent, tk.Priority)
				require.Contains(t, historyLines(t, desk, id), "assignee →agent-7")
				require.Contains(t, historyLines(t, desk, id), "priority normal→urgent")
			}
			_, err = desk.Bulk(ctx, agent, ticketkit.BulkParams{Action: ticketkit.BulkSetDepartment, Department: "nowhere", TicketIDs: ids})
			require.Equal(t, []string{"department"}, validationFields(t, err))
		})
	})

	// AStoreErrorRollsBackItsChunkOnly: the store fails on one ticket of
	// the second chunk: the first chunk stays changed, every ticket of
	// the second is BulkFailed with the store's error and unchanged.
	t.Run("AStoreErrorRollsBackItsChunkOnly", func(t *testing.T) {
		t.Parallel()
		store := &failingStore{Store: memoryBackend().Open(t)}
		desk, err := ticketkit.New(ticketkit.Config{Store: store})
		require.NoError(t, err)
		ids := openN(t, desk, 150)
		store.failOn = ids[120]

		res, err := desk.Bulk(t.Context(), agent, ticketkit.BulkParams{Action: ticketkit.BulkAssign, Assignee: "agent-7", TicketIDs: ids})
		require.NoError(t, err)
		for i, it := range res.Items {
			tk := mustGet(t, desk, ids[i])
			if i < 100 {
				require.Equal(t, ticketkit.BulkDone, it.Outcome, "ticket %d", i)
				require.Equal(t, "agent-7", tk.Assignee)
				continue
			}
			require.Equal(t, ticketkit.BulkFailed, it.Outcome, "ticket %d", i)
			require.ErrorIs(t, it.Err, errDiskOnFire)
			require.Empty(t, tk.Assignee, "ticket %d of the rolled back chunk changed", i)
		}
	})

	// ALostRaceRunsTheChunkAgain: a ticket in the middle of a chunk
	// loses a race twice: the chunk is rolled back and run again, and in
	// the end every ticket is changed once, with one history line and
	// one notification each (the rolled back attempts left none).
	t.Run("ALostRaceRunsTheChunkAgain", func(t *testing.T) {
		t.Parallel()
		store := &failingStore{Store: memoryBackend().Open(t)}
		rec := notifytest.NewRecorder()
		desk, err := ticketkit.New(ticketkit.Config{Store: store, Notifier: rec})
		require.NoError(t, err)
		ids := openN(t, desk, 10)
		store.raceOn = ids[5]
		store.races.Store(2)
		rec.Reset()

		res, err := desk.Bulk(t.Context(), agent, ticketkit.BulkParams{Action: ticketkit.BulkAssign, Assignee: "agent-7", TicketIDs: ids})
		require.NoError(t, err)
		require.Equal(t, len(ids), res.Count(ticketkit.BulkDone))
		for _, id := range ids {
			require.Equal(t, []string{"assignee →agent-7"}, slices.DeleteFunc(historyLines(t, desk, id), func(l string) bool {
				return !strings.HasPrefix(l, "assignee")
			}))
			require.Equal(t, int64(2), mustGet(t, desk, id).Version)
		}
		require.Len(t, rec.OfKind(notify.KindAssigned), len(ids))
		require.Negative(t, store.races.Load(), "both races were lost")
	})

	// CrossingBulksLoseNoUpdate: two bulk actions over the same tickets
	// in opposite orders, with single changes racing them: every ticket
	// ends with all three changes and no call fails or deadlocks.
	t.Run("CrossingBulksLoseNoUpdate", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, _ := setupDesk(t, b)
			ctx := t.Context()
			ids := openN(t, desk, 30)
			rev := slices.Clone(ids)
			slices.Reverse(rev)
			var wg sync.WaitGroup
			results := make([]*ticketkit.BulkResult, 2)
			errs := make([]error, 3)
			wg.Go(func() {
				results[0], errs[0] = desk.Bulk(ctx, agent, ticketkit.BulkParams{Action: ticketkit.BulkAddTags, Tags: []string{"a"}, TicketIDs: ids})
			})
			wg.Go(func() {
				results[1], errs[1] = desk.Bulk(ctx, agent, ticketkit.BulkParams{Action: ticketkit.BulkAddTags, Tags: []string{"b"}, TicketIDs: rev})
			})
			wg.Go(func() {
				for _, id := range ids {
					if _, err := desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: id, Assignee: new("agent-3")}); err != nil {
						errs[2] = err
						return
					}
				}
			})
			wg.Wait()
			require.NoError(t, errors.Join(errs...))
			for _, r := range results {
				require.Equal(t, len(ids), r.Count(ticketkit.BulkDone))
			}
			for _, id := range ids {
				tk := mustGet(t, desk, id)
				require.ElementsMatch(t, []string{"a", "b"}, tk.Tags)
				require.Equal(t, "agent-3", tk.Assignee)
			}
		})
	})

	// BulkTxCommitsWithTheHost: BulkTx writes through the host's
	// transaction; a host rollback takes every change back.
	t.Run("BulkTxCommitsWithTheHost", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, bundle := setupDesk(t, b)
			ctx := t.Context()
			ids := openN(t, desk, 3)
			p := ticketkit.BulkParams{Action: ticketkit.BulkSetPriority, Priority: ticket.PriorityHigh, TicketIDs: ids}
			rollback := errors.New("host changed its mind")
			err := bundle.store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				res, err := desk.BulkTx(ctx, tx, agent, p)
				require.NoError(t, err)
				require.Equal(t, 3, res.Count(ticketkit.BulkDone))
				return rollback
			})
			require.ErrorIs(t, err, rollback)
			require.Equal(t, ticket.PriorityNormal, mustGet(t, desk, ids[0]).Priority)
			require.NoError(t, bundle.store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				_, err := desk.BulkTx(ctx, tx, agent, p)
				return err
			}))
			require.Equal(t, ticket.PriorityHigh, mustGet(t, desk, ids[2]).Priority)
			_, err = desk.BulkTx(ctx, nil, agent, p)
			require.ErrorIs(t, err, ticketkit.ErrNoTx)
		})
	})
}

// errDiskOnFire is the error of failingStore.
var errDiskOnFire = errors.New("disk on fire")

// failingStore fails every TicketUpdate of the ticket failOn, and the
// first races TicketUpdates of the ticket raceOn with ErrConflict, as a
// write lost to another writer would.
type failingStore struct {
	storage.Store
	failOn string
	raceOn string
	races  atomic.Int32
}

func (s *failingStore) RunInTx(ctx context.Context, fn func(context.Context, storage.Tx) error) error {
	return s.Store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		return fn(ctx, failingTx{Tx: tx, s: s})
	})
}

// failingTx is a transaction of failingStore.
type failingTx struct {
	storage.Tx
	s *failingStore
}

func (x failingTx) TicketUpdate(ctx context.Context, t *ticket.Ticket) error {
	switch {
	case t.ID == x.s.failOn:
		return errDiskOnFire
	case t.ID == x.s.raceOn && x.s.races.Add(-1) >= 0:
		return fmt.Errorf("lost a race: %w", storage.ErrConflict)
	}
	return x.Tx.TicketUpdate(ctx, t)
}

// mustGet reads a ticket as agent.
func mustGet(t *testing.T, desk *ticketkit.Desk, id string) *ticket.Ticket {
	t.Helper()
	tk, err := desk.Get(t.Context(), agent, id)
	require.NoError(t, err)
	return tk
}
