package bunstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestWithTx: a handle from WithTx writes in the host's transaction with
// its store's table prefix, so its work commits or rolls back with the
// host's; it says it runs in a host's transaction, and TxDB returns the
// host's bun.Tx.
func TestWithTx(t *testing.T) {
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := b.Open(t)
			st := newStore(t, db, bunstore.Config{TablePrefix: "desk_"})
			require.False(t, st.InHostTx())
			rollback := errors.New("roll back")
			for i, commit := range []bool{true, false} {
				tk := sampleTicket("acme", []string{"TK-1", "TK-2"}[i], "in the host's transaction")
				err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
					h := st.WithTx(tx)
					require.True(t, h.InHostTx())
					require.Equal(t, "desk_", h.TablePrefix())
					got, err := bunstore.TxDB(h)
					require.NoError(t, err)
					require.Equal(t, tx, got)
					require.NoError(t, h.TicketCreate(ctx, tk))
					if !commit {
						return rollback
					}
					return nil
				})
				_, gerr := st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: tk.ID})
				if commit {
					require.NoError(t, err)
					require.NoError(t, gerr)
				} else {
					require.ErrorIs(t, err, rollback)
					require.ErrorIs(t, gerr, storage.ErrNotFound)
				}
			}
			_, err := bunstore.TxDB(struct{ storage.Tx }{st})
			require.Error(t, err, "not a *bunstore.Store")
		})
	}
}

// TestWithTxChecksTheSession: a handle from WithTx of a store not yet
// checked refuses a host's transaction on a session with
// standard_conforming_strings off, directly and under Desk.OpenTx.
func TestWithTxChecksTheSession(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	safe := dbtest.Postgres(t)
	newStore(t, safe, bunstore.Config{})
	unsafe := openUnsafe(t, safe)
	us, err := bunstore.New(unsafe, bunstore.Config{})
	require.NoError(t, err)
	desk, err := ticketkit.New(ticketkit.Config{Store: us})
	require.NoError(t, err)
	agent := ticket.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "acme"}
	err = unsafe.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		_, err := us.WithTx(tx).TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: "acme", Number: byNumber})
		require.ErrorIs(t, err, bunstore.ErrUnsafeSession)
		_, err = desk.OpenTx(ctx, us.WithTx(tx), agent, ticketkit.OpenParams{Subject: "x"})
		return err
	})
	require.ErrorIs(t, err, bunstore.ErrUnsafeSession)
}
