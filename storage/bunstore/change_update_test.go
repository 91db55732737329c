package bunstore_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestDeskChangeIsOneStatementOnPostgres checks the optimistic change
// (storage.ChangeUpdater) through the Desk on PostgreSQL: Reply,
// Transition and Assign read the ticket with its watchers in one SELECT
// (storage.WatchedTicketGetter) and write in one statement, both of
// which bypass Bun's hooks (no SELECT of the ticket, BEGIN, UPDATE,
// INSERT or COMMIT for them); with Config.ThroughBunOnly the read and
// every write are in view of the hooks again. Both store the same rows, and a stale
// explicit version stores nothing.
func TestDeskChangeIsOneStatementOnPostgres(t *testing.T) {
	onPostgresHookModes(t, func(t *testing.T, ctx context.Context, st *bunstore.Store, desk *ticketkit.Desk, log *statementLog, agent ticketkit.Actor, throughBun bool) {
		tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Kettle", Customer: ticket.Customer{ID: "c1", Email: "ann@example.com"}})
		require.NoError(t, err)
		requireWrites := func(what string) {
			t.Helper()
			stmts := log.take()
			writes, reads := 0, 0
			for _, q := range stmts {
				if !strings.HasPrefix(q, "SELECT") {
					writes++
				} else if strings.Contains(q, "AS watchers FROM") {
					reads++
				}
			}
			if throughBun {
				require.GreaterOrEqual(t, writes, 4, "%s: BEGIN, ticket, history, outbox, COMMIT through Bun: %q", what, stmts)
				require.Equal(t, 1, reads, "%s: the ticket with its watchers, read through Bun: %q", what, stmts)
			} else {
				require.Zero(t, writes, "%s: the one statement bypasses Bun's hooks, as documented: %q", what, stmts)
				require.Zero(t, reads, "%s: the one read bypasses Bun's hooks, as documented: %q", what, stmts)
			}
		}
		log.take()

		msg, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "On its way; $1 ? 'quoted'"})
		require.NoError(t, err)
		requireWrites("Reply")
		moved, err := desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusInProgress})
		require.NoError(t, err)
		requireWrites("Transition")
		who := "agent-2"
		assigned, err := desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: tk.ID, Assignee: &who, Version: moved.Version})
		require.NoError(t, err)
		requireWrites("Assign")

		_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusWaiting, Version: moved.Version})
		require.ErrorIs(t, err, ticketkit.ErrConflict, "an explicit stale version fails as before")
		log.take()

		got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: tk.ID})
		require.NoError(t, err)
		require.Equal(t, assigned.Version, got.Version)
		require.Equal(t, ticket.StatusInProgress, got.Status)
		require.Equal(t, who, got.Assignee)
		msgs, err := st.MessageList(ctx, storage.MessageListParams{TenantID: "acme", TicketID: tk.ID})
		require.NoError(t, err)
		require.Len(t, msgs.Messages, 1)
		require.Equal(t, msg.ID, msgs.Messages[0].ID)
		require.Equal(t, "On its way; $1 ? 'quoted'", msgs.Messages[0].Body)
		events, err := st.EventList(ctx, storage.EventListParams{TenantID: "acme", TicketID: tk.ID})
		require.NoError(t, err)
		var fields []string
		for _, e := range events {
			fields = append(fields, e.Field)
		}
		require.Contains(t, fields, ticket.FieldStatus)
		require.Contains(t, fields, ticket.FieldAssignee)
		require.NotContains(t, strings.Join(fields, ","), ticket.StatusWaiting)
		claimed, err := st.OutboxClaim(ctx, storage.OutboxClaimParams{Now: time.Now().Add(time.Hour), LockFor: time.Minute, Limit: 20, MaxAttempts: 5})
		require.NoError(t, err)
		kinds := map[string]int{}
		for _, o := range claimed {
			kinds[o.Kind]++
			if o.Kind == "ticket.assigned" {
				require.Contains(t, string(o.Payload), `"version":`+strconv.FormatInt(assigned.Version, 10), "the notification carries the ticket as stored")
			}
		}
		require.Equal(t, 1, kinds["ticket.message_added"], "%v", kinds)
		require.Equal(t, 1, kinds["ticket.status_changed"], "%v", kinds)
		require.Equal(t, 1, kinds["ticket.assigned"], "%v", kinds)
	})
}

// TestChangeUpdateInHostTransaction checks ChangeUpdate on a store whose
// host is a transaction (a Store on the host's bun.Tx, and the Store
// RunInTx hands its function): a stale version is an ErrConflict that
// stores nothing, and the transaction stays usable, as after
// TicketUpdate. The one statement's division by zero would abort it.
func TestChangeUpdateInHostTransaction(t *testing.T) {
	t.Parallel()
	for _, b := range migratedBackends() {
		if b.Name != "postgres" {
			continue
		}
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := b.Open(t)
			newStore(t, db, bunstore.Config{}) // migrated
			tx, err := db.BeginTx(ctx, nil)
			require.NoError(t, err)
			defer func() { _ = tx.Rollback() }()
			st, err := bunstore.New(tx, bunstore.Config{})
			require.NoError(t, err)
			now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			tk := &ticket.Ticket{ID: "tk-host-tx", TenantID: "acme", Number: "T-1", Subject: "Kettle", Status: ticket.StatusOpen,
				Priority: "normal", Channel: ticket.ChannelEmail, Customer: ticket.Customer{ID: "c1", Email: "ann@example.com"},
				CreatedAt: now, UpdatedAt: now}
			require.NoError(t, st.TicketCreate(ctx, tk))
			won := tk.Clone()
			won.Subject = "the winner"
			require.NoError(t, st.TicketUpdate(ctx, won))

			for name, cu := range map[string]func(func(storage.ChangeUpdater) error) error{
				"StoreOnHostTx": func(fn func(storage.ChangeUpdater) error) error { return fn(st) },
				"RunInTx": func(fn func(storage.ChangeUpdater) error) error {
					return st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
						u, ok := tx.(storage.ChangeUpdater)
						require.True(t, ok)
						return fn(u)
					})
				},
			} {
				stale := tk.Clone()
				stale.Subject = "stale " + name
				err := cu(func(u storage.ChangeUpdater) error {
					return u.ChangeUpdate(ctx, &storage.Change{Update: stale, Message: &ticket.Message{ID: "m-" + name, TenantID: "acme",
						TicketID: tk.ID, Kind: ticket.MessageReply, AuthorID: "agent-1", AuthorRole: ticket.RoleAgent, Body: "lost", CreatedAt: now}})
				})
				require.ErrorIs(t, err, storage.ErrConflict, name)
				got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: tk.ID})
				require.NoError(t, err, "%s: the host's transaction is still usable", name)
				require.Equal(t, "the winner", got.Subject, name)
				msgs, err := st.MessageList(ctx, storage.MessageListParams{TenantID: "acme", TicketID: tk.ID})
				require.NoError(t, err, name)
				require.Empty(t, msgs.Messages, name)
			}
		})
	}
}

// TestChangeUpdateKeepsAGenuineDivisionByZero: the one statement of
// ChangeUpdate divides by zero on purpose for a stale ticket, but a
// division by zero of the database's own (here a host's trigger) on a
// ticket at the version read is no lost race: it must not be an
// ErrConflict, which the Desk would retry until its context ends.
func TestChangeUpdateKeepsAGenuineDivisionByZero(t *testing.T) {
	t.Parallel()
	for _, b := range migratedBackends() {
		if b.Name != "postgres" {
			continue
		}
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := b.Open(t)
			st := newStore(t, db, bunstore.Config{})
			_, err := db.ExecContext(ctx, `CREATE FUNCTION host_boom() RETURNS trigger LANGUAGE plpgsql AS
				$$ BEGIN PERFORM 1 / (length(NEW.subject) - 4); RETURN NEW; END $$`)
			require.NoError(t, err)
			_, err = db.ExecContext(ctx, `CREATE TRIGGER host_boom BEFORE UPDATE ON ticketkit_tickets
				FOR EACH ROW WHEN (NEW.subject = 'boom') EXECUTE FUNCTION host_boom()`)
			require.NoError(t, err)
			now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			tk := &ticket.Ticket{ID: "tk-boom", TenantID: "acme", Number: "T-1", Subject: "Kettle", Status: ticket.StatusOpen,
				Priority: "normal", Channel: ticket.ChannelEmail, Customer: ticket.Customer{ID: "c1", Email: "ann@example.com"},
				CreatedAt: now, UpdatedAt: now}
			require.NoError(t, st.TicketCreate(ctx, tk))
			u := tk.Clone()
			u.Subject = "boom"
			err = st.ChangeUpdate(ctx, &storage.Change{Update: u})
			require.Error(t, err)
			require.NotErrorIs(t, err, storage.ErrConflict, "the host's error, not a lost race")
			require.Contains(t, err.Error(), "22012")
			got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: tk.ID})
			require.NoError(t, err)
			require.Equal(t, tk.Version, got.Version)
		})
	}
}
