package ticketkit_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// keys returns the keys of ws.
func keys(ws []*ticket.Watcher) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.Key
	}
	return out
}

// lastOf returns the last recorded notification of kind k.
func lastOf(t *testing.T, b *deskBundle, k notify.Kind) notify.Event {
	t.Helper()
	es := b.rec.OfKind(k)
	require.NotEmpty(t, es, "no %s notification", k)
	return es[len(es)-1]
}

func TestDesk_Watch(t *testing.T) {
	t.Parallel()

	t.Run("AgentsFollowAndTheirNotificationsNameThem", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, bundle := setupDesk(t, b)
			ctx := t.Context()
			tk := mustOpen(t, desk, customer, ticketkit.OpenParams{Message: "hello"})
			w, err := desk.Watch(ctx, agent, ticketkit.WatchParams{TicketID: tk.ID})
			require.NoError(t, err)
			require.Equal(t, agent.ID, w.Key)
			_, err = desk.Watch(ctx, super, ticketkit.WatchParams{TicketID: tk.ID, UserID: "agent-2"})
			require.NoError(t, err)
			again, err := desk.Watch(ctx, agent, ticketkit.WatchParams{TicketID: tk.ID})
			require.NoError(t, err, "watching twice is no error")
			require.Equal(t, w.CreatedAt, again.CreatedAt)

			ws, err := desk.Watchers(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, []string{agent.ID, "agent-2"}, keys(ws))
			require.Equal(t, []string{"watcher →agent-1", "watcher →agent-2"}, linesOf(historyLines(t, desk, tk.ID), "watcher"))

			_, err = desk.Reply(ctx, customer, ticketkit.MessageParams{TicketID: tk.ID, Body: "any news?"})
			require.NoError(t, err)
			require.Equal(t, []string{agent.ID, "agent-2"}, lastOf(t, bundle, notify.KindMessageAdded).Watchers)

			require.NoError(t, desk.Unwatch(ctx, agent, ticketkit.WatchParams{TicketID: tk.ID}))
			require.ErrorIs(t, desk.Unwatch(ctx, agent, ticketkit.WatchParams{TicketID: tk.ID}), ticketkit.ErrNotFound)
			_, err = desk.Reply(ctx, customer, ticketkit.MessageParams{TicketID: tk.ID, Body: "hello?"})
			require.NoError(t, err)
			require.Equal(t, []string{"agent-2"}, lastOf(t, bundle, notify.KindMessageAdded).Watchers)
			require.Contains(t, historyLines(t, desk, tk.ID), "watcher agent-1→")
		})
	})

	t.Run("CustomersNeverSeeWatchers", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupMemoryDesk(t)
		ctx := t.Context()
		tk := mustOpen(t, desk, customer, ticketkit.OpenParams{})
		_, err := desk.Watch(ctx, agent, ticketkit.WatchParams{TicketID: tk.ID})
		require.NoError(t, err)
		_, err = desk.Watchers(ctx, customer, tk.ID)
		require.ErrorIs(t, err, ticketkit.ErrForbidden)
		_, err = desk.Watch(ctx, customer, ticketkit.WatchParams{TicketID: tk.ID})
		require.ErrorIs(t, err, ticketkit.ErrForbidden)
		events, err := desk.History(ctx, customer, tk.ID)
		require.NoError(t, err)
		for _, e := range events {
			require.NotEqual(t, ticket.FieldWatcher, e.Field)
		}
	})

	t.Run("RefusesBadInputAndOtherTenants", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupMemoryDesk(t)
		ctx := t.Context()
		tk := mustOpen(t, desk, agent, ticketkit.OpenParams{})
		_, err := desk.Watch(ctx, ticket.SystemActor("acme"), ticketkit.WatchParams{TicketID: "", UserID: strings.Repeat("x", 201)})
		var v *ticketkit.ValidationError
		require.ErrorAs(t, err, &v)
		require.ElementsMatch(t, []string{"ticket_id", "user_id"}, fieldNames(v))
		_, err = desk.Watch(ctx, agent, ticketkit.WatchParams{TicketID: "a\x00b"})
		require.ErrorAs(t, err, &v)
		_, err = desk.Watch(ctx, otherOrg, ticketkit.WatchParams{TicketID: tk.ID})
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
		_, err = desk.Watchers(ctx, otherOrg, tk.ID)
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
	})

	t.Run("ConcurrentWatchesOfOneAgentKeepOne", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, _ := setupDesk(t, b)
			ctx := t.Context()
			tk := mustOpen(t, desk, agent, ticketkit.OpenParams{})
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for range 8 {
				wg.Go(func() {
					_, err := desk.Watch(ctx, agent, ticketkit.WatchParams{TicketID: tk.ID})
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			ws, err := desk.Watchers(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Len(t, ws, 1)
			require.Len(t, linesOf(historyLines(t, desk, tk.ID), "watcher"), 1)
		})
	})
}

// linesOf returns the history lines of field.
func linesOf(lines []string, field string) []string {
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, field+" ") {
			out = append(out, l)
		}
	}
	return out
}

func TestDesk_AddCC(t *testing.T) {
	t.Parallel()

	t.Run("TheCustomerCopiesAnAddressThatGetsTheCustomersMail", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, bundle := setupDesk(t, b)
			ctx := t.Context()
			tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Customer: ticket.Customer{ID: customer.CustomerID, Email: "ann@example.com"}})
			w, err := desk.AddCC(ctx, customer, ticketkit.CCParams{TicketID: tk.ID, Address: " Boss@Example.COM "})
			require.NoError(t, err)
			require.Equal(t, "boss@example.com", w.Key)
			again, err := desk.AddCC(ctx, agent, ticketkit.CCParams{TicketID: tk.ID, Address: "BOSS@example.com"})
			require.NoError(t, err, "the same address in another case is the same CC")
			require.Equal(t, w.CreatedAt, again.CreatedAt)

			cc, err := desk.CC(ctx, customer, tk.ID)
			require.NoError(t, err)
			require.Equal(t, []string{"boss@example.com"}, keys(cc))
			require.Empty(t, cc[0].CreatedBy, "customers do not see who added it")
			events, err := desk.History(ctx, customer, tk.ID)
			require.NoError(t, err)
			require.Equal(t, 1, countField(events, ticket.FieldCC), "the customer sees the one CC line")

			_, err = desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "We are on it"})
			require.NoError(t, err)
			e := lastOf(t, bundle, notify.KindMessageAdded)
			require.Equal(t, []string{"boss@example.com"}, e.CC)
			rs, err := (&notify.Resolver{}).Recipients(ctx, e)
			require.NoError(t, err)
			require.Equal(t, []string{"ann@example.com", "boss@example.com"}, addresses(rs))

			// An internal note reaches neither.
			_, err = desk.AddNote(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "internal"})
			require.NoError(t, err)
			rs, err = (&notify.Resolver{Rules: func(string) notify.Rules {
				return notify.Rules{notify.MessageRule(ticket.MessageNote): {notify.AudienceCustomer}}
			}}).Recipients(ctx, lastOf(t, bundle, notify.KindMessageAdded))
			require.NoError(t, err)
			require.Empty(t, rs)

			require.NoError(t, desk.RemoveCC(ctx, customer, ticketkit.CCParams{TicketID: tk.ID, Address: "boss@EXAMPLE.com"}))
			require.ErrorIs(t, desk.RemoveCC(ctx, customer, ticketkit.CCParams{TicketID: tk.ID, Address: "boss@example.com"}), ticketkit.ErrNotFound)
			require.Equal(t, []string{"cc →boss@example.com", "cc boss@example.com→"}, linesOf(historyLines(t, desk, tk.ID), "cc"))
		})
	})

	t.Run("HostileInputIsRefusedAndNothingIsAdded", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupMemoryDesk(t)
		ctx := t.Context()
		tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Customer: ticket.Customer{ID: customer.CustomerID, Email: "ann@example.com"}})
		for _, addr := range []string{"", "not-an-address", "Eve <eve@example.com>", "eve@example.com\x00", "a@b.example\r\nBcc: x@y.example",
			strings.Repeat("a", 250) + "@example.com", "eve@example.com, mallory@example.com"} {
			_, err := desk.AddCC(ctx, agent, ticketkit.CCParams{TicketID: tk.ID, Address: addr})
			var v *ticketkit.ValidationError
			require.ErrorAs(t, err, &v, "address %q", addr)
			require.Contains(t, fieldNames(v), "address")
		}
		_, err := desk.AddCC(ctx, agent, ticketkit.CCParams{TicketID: tk.ID, Address: "ANN@example.com"})
		var v *ticketkit.ValidationError
		require.ErrorAs(t, err, &v, "the customer's own address")
		// Another customer's ticket is not found, for adding, removing and listing.
		_, err = desk.AddCC(ctx, stranger, ticketkit.CCParams{TicketID: tk.ID, Address: "eve@example.com"})
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
		require.ErrorIs(t, desk.RemoveCC(ctx, stranger, ticketkit.CCParams{TicketID: tk.ID, Address: "eve@example.com"}), ticketkit.ErrNotFound)
		_, err = desk.CC(ctx, stranger, tk.ID)
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
		_, err = desk.AddCC(ctx, otherOrg, ticketkit.CCParams{TicketID: tk.ID, Address: "eve@example.com"})
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
		cc, err := desk.CC(ctx, agent, tk.ID)
		require.NoError(t, err)
		require.Empty(t, cc)
		require.Empty(t, linesOf(historyLines(t, desk, tk.ID), "cc"))
	})

	t.Run("AtMostMaxCCPerTicketEvenConcurrently", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, _ := setupDesk(t, b, func(c *ticketkit.Config) { c.MaxCC = 3 })
			ctx := t.Context()
			tk := mustOpen(t, desk, agent, ticketkit.OpenParams{})
			var wg sync.WaitGroup
			errs := make(chan error, 6)
			for i := range 6 {
				wg.Go(func() {
					_, err := desk.AddCC(ctx, agent, ticketkit.CCParams{TicketID: tk.ID, Address: string(rune('a'+i)) + "@example.com"})
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			refused := 0
			for err := range errs {
				var v *ticketkit.ValidationError
				if err != nil {
					require.ErrorAs(t, err, &v)
					refused++
				}
			}
			require.Equal(t, 3, refused)
			cc, err := desk.CC(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Len(t, cc, 3)
		})
	})

	t.Run("AMergedTicketTakesNone", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setupMemoryDesk(t)
		ctx := t.Context()
		target, src, _ := mergePair(t, desk, bundle)
		_, err := desk.Merge(ctx, agent, ticketkit.MergeParams{TargetID: target.ID, SourceIDs: []string{src.ID}})
		require.NoError(t, err)
		_, err = desk.AddCC(ctx, agent, ticketkit.CCParams{TicketID: src.ID, Address: "x@example.com"})
		require.ErrorIs(t, err, ticketkit.ErrMerged)
		_, err = desk.Watch(ctx, agent, ticketkit.WatchParams{TicketID: src.ID})
		require.ErrorIs(t, err, ticketkit.ErrMerged)
	})

	t.Run("AStoreWithoutWatchersIsRefusedClearly", func(t *testing.T) {
		t.Parallel()
		desk, err := ticketkit.New(ticketkit.Config{Store: bareStore{memory.New()}})
		require.NoError(t, err)
		tk := mustOpen(t, desk, agent, ticketkit.OpenParams{})
		_, err = desk.AddCC(t.Context(), agent, ticketkit.CCParams{TicketID: tk.ID, Address: "x@example.com"})
		require.ErrorIs(t, err, ticketkit.ErrWatchersUnsupported)
		require.ErrorIs(t, err, storage.ErrUnsupported)
		_, err = desk.Watchers(t.Context(), agent, tk.ID)
		require.ErrorIs(t, err, ticketkit.ErrWatchersUnsupported)
		// Notifications still go: without watchers.
		_, err = desk.Reply(t.Context(), agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "hi"})
		require.NoError(t, err)
	})
}

// bareStore decorates a store and its transactions keeping only the
// methods of storage.Store and storage.Tx, as a decorator that forwards
// no optional capability does.
type bareStore struct{ storage.Store }

// RunInTx hides the optional methods of the transaction.
func (s bareStore) RunInTx(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	return s.Store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		return fn(ctx, struct{ storage.Tx }{tx})
	})
}

// countField counts the events of field.
func countField(events []*ticket.Event, field string) int {
	n := 0
	for _, e := range events {
		if e.Field == field {
			n++
		}
	}
	return n
}

// addresses returns the addresses of rs.
func addresses(rs []notify.Recipient) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Address
	}
	return out
}

func TestDesk_MergeCombinesWatchers(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		desk, bundle := setupDesk(t, b, func(c *ticketkit.Config) { c.MaxCC = 2 })
		ctx := t.Context()
		target, source, _ := mergePair(t, desk, bundle)
		for _, step := range []func() error{
			func() error { _, err := desk.Watch(ctx, agent, ticketkit.WatchParams{TicketID: target.ID}); return err },
			func() error { _, err := desk.Watch(ctx, agent, ticketkit.WatchParams{TicketID: source.ID}); return err },
			func() error { _, err := desk.Watch(ctx, super, ticketkit.WatchParams{TicketID: source.ID}); return err },
			func() error {
				_, err := desk.AddCC(ctx, agent, ticketkit.CCParams{TicketID: target.ID, Address: "a@example.com"})
				return err
			},
			func() error {
				_, err := desk.AddCC(ctx, agent, ticketkit.CCParams{TicketID: source.ID, Address: "b@example.com"})
				return err
			},
			func() error {
				_, err := desk.AddCC(ctx, agent, ticketkit.CCParams{TicketID: source.ID, Address: "c@example.com"})
				return err
			},
		} {
			require.NoError(t, step())
		}
		_, err := desk.Merge(ctx, agent, ticketkit.MergeParams{TargetID: target.ID, SourceIDs: []string{source.ID}})
		require.NoError(t, err)
		ws, err := desk.Watchers(ctx, agent, target.ID)
		require.NoError(t, err)
		require.ElementsMatch(t, []string{agent.ID, super.ID}, keys(ws), "each once")
		cc, err := desk.CC(ctx, agent, target.ID)
		require.NoError(t, err)
		require.Len(t, cc, 2, "at most MaxCC")
		require.Equal(t, "a@example.com", cc[0].Key)
		require.Contains(t, historyLines(t, desk, target.ID), "watcher →"+super.ID)
		// Each merged notice went to the CC addresses its ticket had.
		var ccs [][]string
		for _, e := range bundle.rec.OfKind(notify.KindMerged) {
			ccs = append(ccs, e.CC)
		}
		require.ElementsMatch(t, [][]string{{"a@example.com"}, {"b@example.com", "c@example.com"}}, ccs)
	})
}
