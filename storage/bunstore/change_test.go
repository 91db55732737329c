package bunstore_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// statementLog is a bun.QueryHook that keeps every statement Bun ran.
type statementLog struct {
	mu    sync.Mutex
	stmts []string
}

func (l *statementLog) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (l *statementLog) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stmts = append(l.stmts, e.Query)
}

// take returns the statements logged since the last take.
func (l *statementLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.stmts
	l.stmts = nil
	return out
}

// onPostgresHookModes runs f on PostgreSQL as parallel subtests
// OneStatement and ThroughBunOnly (bunstore.Config.ThroughBunOnly as
// throughBun), with a Desk on a store whose statements through Bun log
// records, and an agent of tenant "acme".
func onPostgresHookModes(t *testing.T, f func(t *testing.T, ctx context.Context, st *bunstore.Store, desk *ticketkit.Desk, log *statementLog, agent ticketkit.Actor, throughBun bool)) {
	t.Parallel()
	for _, b := range migratedBackends() {
		if b.Name != "postgres" {
			continue
		}
		for _, throughBun := range []bool{false, true} {
			t.Run(map[bool]string{false: "OneStatement", true: "ThroughBunOnly"}[throughBun], func(t *testing.T) {
				t.Parallel()
				log := &statementLog{}
				st := newStore(t, b.Open(t).WithQueryHook(log), bunstore.Config{ThroughBunOnly: throughBun})
				desk, err := ticketkit.New(ticketkit.Config{Store: st})
				require.NoError(t, err)
				agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "acme"}
				f(t, context.Background(), st, desk, log, agent, throughBun)
			})
		}
	}
}

// TestDeskOpenIsOneStatementOnPostgres checks what ChangeWrite documents
// about Bun's query hooks: Desk.Open on PostgreSQL writes its rows in one
// statement that does not go through Bun (no BEGIN, no COMMIT, nothing
// for the hooks), and with Config.ThroughBunOnly every statement goes
// through Bun again. Both store the same rows, the drawn number in the
// ticket, its history line and its notification.
func TestDeskOpenIsOneStatementOnPostgres(t *testing.T) {
	onPostgresHookModes(t, func(t *testing.T, ctx context.Context, st *bunstore.Store, desk *ticketkit.Desk, log *statementLog, agent ticketkit.Actor, throughBun bool) {
		log.take()
		for i := 1; i <= 3; i++ {
			tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Kettle", Message: "It's broken; $1 ?",
				Customer: ticket.Customer{ID: "c1", Email: "ann@example.com"}})
			require.NoError(t, err)
			number := ticket.DefaultNumberer().Format(tk.CreatedAt, int64(i))
			require.Equal(t, number, tk.Number)
			stmts := log.take()
			if throughBun {
				require.GreaterOrEqual(t, len(stmts), 5, "BEGIN, counter, ticket, message, history, outbox, COMMIT: %q", stmts)
			} else {
				for _, q := range stmts { // the tenant's configuration may be read first
					require.True(t, strings.HasPrefix(q, "SELECT"), "the one statement bypasses Bun's hooks, as documented: %q", stmts)
				}
			}

			events, err := st.EventList(ctx, storage.EventListParams{TenantID: "acme", TicketID: tk.ID})
			require.NoError(t, err)
			require.Len(t, events, 1)
			require.Equal(t, number, events[0].New)
			claimed, err := st.OutboxClaim(ctx, storage.OutboxClaimParams{Now: time.Now().Add(time.Hour), LockFor: time.Minute, Limit: 10, MaxAttempts: 5})
			require.NoError(t, err)
			require.Len(t, claimed, 1)
			require.Contains(t, string(claimed[0].Payload), `"number":"`+number+`"`)
			require.NotContains(t, string(claimed[0].Payload), "ticketkit-number-")
			require.NoError(t, st.OutboxMarkDelivered(ctx, storage.OutboxMarkDeliveredParams{IDs: []string{claimed[0].ID}, At: time.Now()}))
			msgs, err := st.MessageList(ctx, storage.MessageListParams{TenantID: "acme", TicketID: tk.ID})
			require.NoError(t, err)
			require.Len(t, msgs.Messages, 1)
			require.True(t, strings.HasPrefix(msgs.Messages[0].Body, "It's broken"))
			log.take() // the checks' own statements
		}
	})
}

// TestDeskOpenTxOneStatementRollsBackWithHost opens tickets with
// Desk.OpenTx in a host's transaction on every backend (on PostgreSQL
// the one statement, in the Desk's savepoint): a host rollback takes
// the ticket, its rows and its number back, a failed write leaves the
// host's transaction usable, and a commit keeps them.
func TestDeskOpenTxOneStatementRollsBackWithHost(t *testing.T) {
	t.Parallel()
	for _, b := range migratedBackends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := b.Open(t)
			st := newStore(t, db, bunstore.Config{})
			desk, err := ticketkit.New(ticketkit.Config{Store: st})
			require.NoError(t, err)
			agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "acme"}
			p := ticketkit.OpenParams{Subject: "Kettle", Customer: ticket.Customer{ID: "c1"}}
			openTx := func(commit bool) *ticket.Ticket {
				tx, err := db.BeginTx(ctx, nil)
				require.NoError(t, err)
				defer func() { _ = tx.Rollback() }()
				tk, err := desk.OpenTx(ctx, st.WithTx(tx), agent, p)
				require.NoError(t, err)
				// A statement that fails in the savepoint leaves the host's
				// transaction usable (PostgreSQL would abort it otherwise).
				now := time.Now()
				dup := &storage.Change{Create: &ticket.Ticket{ID: tk.ID, TenantID: "acme", Number: "DUP-1", Subject: "dup",
					Status: ticket.StatusOpen, Priority: ticket.PriorityNormal, CreatedAt: now, UpdatedAt: now}}
				err = st.WithTx(tx).RunInTx(ctx, func(ctx context.Context, h storage.Tx) error {
					return h.(storage.ChangeWriter).ChangeWrite(ctx, dup)
				})
				require.ErrorIs(t, err, storage.ErrConflict)
				if commit {
					require.NoError(t, tx.Commit())
				}
				return tk
			}
			first := openTx(false)
			_, err = st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: first.ID})
			require.ErrorIs(t, err, storage.ErrNotFound)
			kept := openTx(true)
			require.Equal(t, first.Number, kept.Number, "the rolled-back number is drawn again")
			got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: kept.ID})
			require.NoError(t, err)
			require.Equal(t, kept.Number, got.Number)
			events, err := st.EventList(ctx, storage.EventListParams{TenantID: "acme", TicketID: kept.ID})
			require.NoError(t, err)
			require.Len(t, events, 1)
			require.Equal(t, kept.Number, events[0].New)
		})
	}
}
