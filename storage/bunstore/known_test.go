package bunstore_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// existenceChecks counts the queries that ask whether tickets exist.
type existenceChecks struct{ n atomic.Int32 }

func (h *existenceChecks) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (h *existenceChecks) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	q := strings.ReplaceAll(strings.ToLower(e.Query), "`", `"`) // MySQL quotes with backticks
	if strings.HasPrefix(q, "select") && strings.Contains(q, `from "ticketkit_tickets" as t `) &&
		!strings.Contains(q, "ticket_sla") {
		h.n.Add(1)
	}
}

// TestTxSkipsExistenceChecksOfTicketsItWrote checks that a transaction
// that wrote a ticket appends its history and messages without asking
// the database whether it exists, and that a savepoint rolled back
// leaves nothing known.
func TestTxSkipsExistenceChecksOfTicketsItWrote(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range migratedBackends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			checks := &existenceChecks{}
			st := newStore(t, b.Open(t).WithQueryHook(checks), bunstore.Config{})
			event := func(tk *ticket.Ticket) []*ticket.Event {
				return []*ticket.Event{{ID: ids.New(), TenantID: tk.TenantID, TicketID: tk.ID, At: time.Now(), Field: "status", New: "open"}}
			}

			tk := sampleTicket("acme", "TK-1", "Known")
			require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				if err := tx.TicketCreate(ctx, tk); err != nil {
					return err
				}
				if err := tx.EventCreate(ctx, event(tk)); err != nil {
					return err
				}
				return tx.MessageCreate(ctx, &ticket.Message{ID: ids.New(), TenantID: tk.TenantID, TicketID: tk.ID,
					Kind: ticket.MessageCustomer, Body: "hello", CreatedAt: time.Now()})
			}))
			require.Equal(t, int32(0), checks.n.Load(), "the transaction wrote the ticket")

			require.NoError(t, st.EventCreate(ctx, event(tk)))
			require.Equal(t, int32(1), checks.n.Load(), "another transaction asks")

			lost := sampleTicket("acme", "TK-2", "Rolled back")
			errRollback := errors.New("roll back")
			err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				err := tx.(*bunstore.Store).RunInTx(ctx, func(ctx context.Context, sp storage.Tx) error {
					if err := sp.TicketCreate(ctx, lost); err != nil {
						return err
					}
					return errRollback
				})
				require.ErrorIs(t, err, errRollback)
				return tx.EventCreate(ctx, event(lost))
			})
			require.ErrorIs(t, err, storage.ErrNotFound, "the savepoint's ticket is gone")
		})
	}
}
