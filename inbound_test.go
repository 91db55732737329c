package ticketkit_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
)

// TestInboundClaimCompletesWithTheChange checks that a claim passed with
// a change is completed in the change's transaction: the ticket the
// message went to is recorded when the change commits, and a claim that
// is no longer this process's (taken over meanwhile) fails the change,
// which then leaves nothing behind.
func TestInboundClaimCompletesWithTheChange(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			ib := st.(storage.InboundStore)
			desk, err := ticketkit.New(ticketkit.Config{Store: st})
			require.NoError(t, err)
			claim := func(key string) *ticketkit.InboundClaim {
				at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
				require.NoError(t, ib.InboundRecord(ctx, storage.InboundRecordParams{TenantID: agent.TenantID, Key: key, At: at}))
				return &ticketkit.InboundClaim{Key: key, At: at}
			}
			recorded := func(key string) string {
				r, err := ib.InboundGet(ctx, storage.InboundGetParams{TenantID: agent.TenantID, Key: key})
				require.NoError(t, err)
				return r.TicketID
			}

			tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "From mail", Inbound: claim("<m1@example.com>")})
			require.NoError(t, err)
			require.Equal(t, tk.ID, recorded("<m1@example.com>"))

			msg, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "Again", Inbound: claim("<m2@example.com>")})
			require.NoError(t, err)
			require.Equal(t, msg.TicketID, recorded("<m2@example.com>"))

			// Another process took the claim over: its time is not ours.
			stale := claim("<m3@example.com>")
			stale.At = stale.At.Add(-time.Minute)
			_, err = desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Lost race", Inbound: stale})
			require.ErrorIs(t, err, storage.ErrNotFound)
			_, err = desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "Lost race", Inbound: stale})
			require.ErrorIs(t, err, storage.ErrNotFound)
			require.Empty(t, recorded("<m3@example.com>"))
			page, err := desk.Search(ctx, agent, ticketkit.SearchParams{})
			require.NoError(t, err)
			require.Len(t, page.Tickets, 1, "the failed open rolled back")
			msgs, err := desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: tk.ID})
			require.NoError(t, err)
			require.Len(t, msgs.Messages, 1, "the failed reply rolled back")
		})
	}
}
