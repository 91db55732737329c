package ticketkit_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// A store whose transactions lack the complaint capability (issue 12,
// item 18), on every backend.

// txHidingStore decorates a store whose RunInTx hands out a Tx that
// keeps only the storage.Tx methods, as a tracing decorator that does
// not forward optional capabilities does.
type txHidingStore struct {
	storage.Store
	storage.ComplaintStore
}

// RunInTx hides the complaint methods of the transaction.
func (s txHidingStore) RunInTx(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	return s.Store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		return fn(ctx, struct{ storage.Tx }{tx})
	})
}

// TestDesk_ComplaintCapability runs complaints only on stores, and transactions, that keep them.
func TestDesk_ComplaintCapability(t *testing.T) {
	t.Parallel()

	// DecoratedTxWithoutItIsAnError: the Desk
	// answers ErrComplaintsUnsupported where it used to panic on an
	// unchecked type assertion.
	t.Run("DecoratedTxWithoutItIsAnError", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			st := b.Open(t)
			cs, ok := st.(storage.ComplaintStore)
			require.True(t, ok)
			desk, err := ticketkit.New(ticketkit.Config{Store: txHidingStore{Store: st, ComplaintStore: cs}, Complaints: &ticketkit.ComplaintConfig{}})
			require.NoError(t, err, "the store itself keeps complaints")
			tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "plain"})
			require.NoError(t, err)
			_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusInProgress})
			require.NoError(t, err, "a plain ticket's kind is on its row: no complaint read")
			params := ticketkit.ComplaintOpenParams{
				Subject: "x", Reason: "CR02", RemedySought: ticket.RemedyRefund, Customer: ticket.Customer{ID: "C-1"},
			}
			require.NotPanics(t, func() { _, err = desk.ComplaintOpen(ctx, agent, params) })
			require.ErrorIs(t, err, ticketkit.ErrComplaintsUnsupported)

			whole, err := ticketkit.New(ticketkit.Config{Store: st, Complaints: &ticketkit.ComplaintConfig{}})
			require.NoError(t, err)
			c, err := whole.ComplaintOpen(ctx, agent, params)
			require.NoError(t, err)
			require.NotPanics(t, func() {
				_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: c.ID, To: ticket.StatusPlanned})
			})
			require.ErrorIs(t, err, ticketkit.ErrComplaintsUnsupported)
			require.ErrorIs(t, err, storage.ErrComplaintsUnsupported)
			require.ErrorIs(t, err, storage.ErrUnsupported)

			_, err = ticketkit.New(ticketkit.Config{Store: struct{ storage.Store }{st}, Complaints: &ticketkit.ComplaintConfig{}})
			require.ErrorIs(t, err, ticketkit.ErrComplaintsUnsupported, "New checks the store")
		})
	})
}
