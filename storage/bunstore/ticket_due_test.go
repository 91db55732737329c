package bunstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
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
