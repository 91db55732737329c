package bunstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestClaimDueIsBoundOnPostgres checks what TicketClaimDue documents
// about Bun's query hooks on PostgreSQL: the claim goes through
// database/sql with its values bound (nothing for the hooks), and with
// Config.ThroughBunOnly through Bun again. Both claim the same tickets,
// due first, and none that is not due yet.
func TestClaimDueIsBoundOnPostgres(t *testing.T) {
	onPostgresHookModes(t, func(t *testing.T, ctx context.Context, st *bunstore.Store, _ *ticketkit.Desk, log *statementLog, _ ticketkit.Actor, throughBun bool) {
		now := time.Now().UTC().Truncate(time.Microsecond)
		var due []string
		for i, at := range []time.Duration{-time.Minute, -time.Hour, time.Hour} {
			tk := sampleTicket("acme", "TK-"+string(rune('1'+i)), "due")
			tk.SLA = ticket.SLAState{Cycle: 1, NextCheckAt: now.Add(at)}
			require.NoError(t, st.TicketCreate(ctx, tk))
			if at < 0 {
				due = append([]string{tk.ID}, due...) // due first
			}
		}
		for range 2 { // the second claim runs the prepared text again
			log.take()
			var got []string
			require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				claimed, err := tx.TicketClaimDue(ctx, storage.TicketClaimDueParams{Now: now, Limit: 10})
				for _, c := range claimed {
					got = append(got, c.ID)
					require.Equal(t, "due", c.Subject)
				}
				return err
			}))
			require.Equal(t, due, got)
			claims := 0
			for _, q := range log.take() {
				if strings.Contains(q, "SKIP LOCKED") {
					claims++
				}
			}
			if throughBun {
				require.Equal(t, 1, claims, "the claim through Bun")
			} else {
				require.Zero(t, claims, "the bound claim bypasses Bun's hooks, as documented")
			}
		}
	})
}

// TestClaimDueLocksInTheCallersTransaction: on PostgreSQL the bound claim
// runs in the transaction it is called in (the sweep's, a host's bun.Tx
// the store was built on, a transaction on a host's bun.Conn), so its
// row locks last until that transaction ends and a concurrent claimer
// skips the claimed ticket, in both hook modes.
func TestClaimDueLocksInTheCallersTransaction(t *testing.T) {
	t.Parallel()
	for _, throughBun := range []bool{false, true} {
		t.Run(map[bool]string{false: "OneStatement", true: "ThroughBunOnly"}[throughBun], func(t *testing.T) {
			t.Parallel()
			claimDueLocksInTheCallersTransaction(t, throughBun)
		})
	}
}

func claimDueLocksInTheCallersTransaction(t *testing.T, throughBun bool) {
	ctx := context.Background()
	db := dbtest.Postgres(t)
	st := newStore(t, db, bunstore.Config{ThroughBunOnly: throughBun})
	{
		now := time.Now().UTC().Truncate(time.Microsecond)
		var due []string
		for i := range 2 {
			tk := sampleTicket("acme", "TK-"+string(rune('1'+i)), "due")
			tk.SLA = ticket.SLAState{Cycle: 1, NextCheckAt: now.Add(time.Duration(i-2) * time.Minute)}
			require.NoError(t, st.TicketCreate(ctx, tk))
			due = append(due, tk.ID)
		}
		claim := func(t *testing.T, tx storage.Tx, limit int) []string {
			t.Helper()
			claimed, err := tx.TicketClaimDue(ctx, storage.TicketClaimDueParams{Now: now, Limit: limit})
			require.NoError(t, err)
			var ids []string
			for _, c := range claimed {
				ids = append(ids, c.ID)
			}
			return ids
		}
		others := func(t *testing.T) []string {
			t.Helper()
			var got []string
			require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				got = claim(t, tx, 10)
				return nil
			}))
			return got
		}
		t.Run("TheStoresTransaction", func(t *testing.T) {
			require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				require.Equal(t, due[:1], claim(t, tx, 1))
				require.Equal(t, due[1:], others(t), "the first claim's lock holds until its transaction ends")
				return nil
			}))
		})
		t.Run("AHostsBunTx", func(t *testing.T) {
			hostTx, err := db.BeginTx(ctx, nil)
			require.NoError(t, err)
			defer func() { _ = hostTx.Rollback() }()
			hs, err := bunstore.New(hostTx, bunstore.Config{ThroughBunOnly: throughBun})
			require.NoError(t, err)
			require.Equal(t, due[:1], claim(t, hs, 1))
			require.Equal(t, due[1:], others(t), "the host transaction's lock holds")
		})
		t.Run("AHostsBunConn", func(t *testing.T) {
			conn, err := db.Conn(ctx)
			require.NoError(t, err)
			defer func() { _ = conn.Close() }()
			cs, err := bunstore.New(conn, bunstore.Config{ThroughBunOnly: throughBun})
			require.NoError(t, err)
			require.NoError(t, cs.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				require.Equal(t, due[:1], claim(t, tx, 1))
				require.Equal(t, due[1:], others(t), "the lock of the transaction on the host's connection holds")
				return nil
			}))
		})
	}
}
