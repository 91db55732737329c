package ticketkit_test

// Black-box attacks on the fault and size promises of SECURITY.md
// (issue 12): hostile inline notifiers, floods of bad input without
// httpapi, and a store inside the host's own transaction.

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestBlackboxHostileInlineNotifiers gives the Desk notifiers that panic,
// call runtime.Goexit, never answer, or are nil inside a Fanout: the use
// case returns its committed ticket, on time, and the notification waits
// for a Dispatcher.
func TestBlackboxHostileInlineNotifiers(t *testing.T) {
	ctx := context.Background()
	notifiers := map[string]notify.Notifier{
		"panic":  notify.NotifierFunc(func(context.Context, notify.Event) error { panic("boom") }),
		"goexit": notify.NotifierFunc(func(context.Context, notify.Event) error { runtime.Goexit(); return nil }),
		"hang": notify.NotifierFunc(func(ctx context.Context, _ notify.Event) error {
			<-ctx.Done()
			return ctx.Err()
		}),
		"fanout-nil": notify.Fanout(nil, notify.NotifierFunc(func(context.Context, notify.Event) error { return nil }), nil),
	}
	for _, b := range backends() {
		for name, n := range notifiers {
			t.Run(b.Name+"/"+name, func(t *testing.T) {
				store := b.Open(t)
				desk, err := ticketkit.New(ticketkit.Config{Store: store, Notifier: n, InlineTimeout: 200 * time.Millisecond})
				require.NoError(t, err)
				type result struct {
					tk  *ticket.Ticket
					err error
				}
				done := make(chan result, 1)
				began := time.Now()
				go func() {
					tk, err := desk.Open(ctx, bbAgent, ticketkit.OpenParams{Subject: "x", Customer: ticket.Customer{Email: "a@example.com"}})
					done <- result{tk, err}
				}()
				select {
				case r := <-done:
					require.NoError(t, r.err)
					require.NotNil(t, r.tk)
					require.Less(t, time.Since(began), 5*time.Second)
				case <-time.After(10 * time.Second):
					t.Fatal("Open never returned: the notifier took the caller down")
				}
				if name == "fanout-nil" {
					return
				}
				rec := notifytest.NewRecorder()
				d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Notifier: rec})
				require.NoError(t, err)
				_, err = d.RunOnce(ctx)
				require.NoError(t, err)
				require.NotZero(t, rec.Len(), "the notification the inline notifier failed was lost")
			})
		}
	}
}

// TestBlackboxHostileInputGetsASmallError floods the Desk, without
// httpapi, with long custom field keys and long lists: the error a host
// would show or log stays small.
func TestBlackboxHostileInputGetsASmallError(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), Catalog: bbCatalog(t)})
			require.NoError(t, err)
			fields := map[string]string{}
			for i := range 30 {
				fields[fmt.Sprintf("%d%s", i, strings.Repeat("k", 100_000))] = "x"
			}
			long := strings.Repeat("c", 100_000)
			tk, err := desk.Open(ctx, bbAgent, ticketkit.OpenParams{Subject: "x", Fields: map[string]string{"margin": "1"}})
			require.NoError(t, err)
			list := make([]string, 100_000)
			for i := range list {
				list[i] = strings.Repeat("s", 100)
			}
			for name, call := range map[string]func() error{
				"open": func() error {
					_, err := desk.Open(ctx, bbAgent, ticketkit.OpenParams{Subject: "x", Fields: fields, Tags: list})
					return err
				},
				"update": func() error {
					_, err := desk.Update(ctx, bbAgent, ticketkit.UpdateParams{TicketID: strings.Repeat("i", 100_000), Fields: fields})
					return err
				},
				"open codes": func() error {
					_, err := desk.Open(ctx, bbAgent, ticketkit.OpenParams{Subject: "x", Priority: long, Category: long, Reason: long, Department: long})
					return err
				},
				"transition": func() error {
					_, err := desk.Transition(ctx, bbAgent, ticketkit.TransitionParams{TicketID: tk.ID, To: long})
					return err
				},
				"assign": func() error {
					_, err := desk.Assign(ctx, bbAgent, ticketkit.AssignParams{TicketID: tk.ID, Department: &long})
					return err
				},
				"reply type": func() error {
					_, err := desk.Reply(ctx, bbAgent, ticketkit.MessageParams{TicketID: tk.ID, Body: "x", Type: long})
					return err
				},
				"attachment": func() error {
					_, _, err := desk.OpenAttachment(ctx, bbAgent, tk.ID, long)
					return err
				},
				"messages cursor": func() error {
					_, err := desk.Messages(ctx, bbAgent, ticketkit.MessageListParams{After: long})
					return err
				},
				"search sort": func() error {
					_, err := desk.Search(ctx, bbAgent, ticketkit.SearchParams{Sort: storage.SortField(long)})
					return err
				},
				"search": func() error {
					_, err := desk.Search(ctx, bbAgent, ticketkit.SearchParams{Statuses: list, Assignees: list, Text: strings.Repeat("\x00", 100_000)})
					return err
				},
			} {
				err := call()
				require.Error(t, err, name)
				require.Less(t, len(err.Error()), 8<<10, "%s: the error is %d bytes", name, len(err.Error()))
			}
		})
	}
}

// TestBlackboxHostTransactionAnnouncesNothingEarly opens tickets through
// a store over the host's own transaction, with an inline notifier and
// a Dispatcher on the same transaction: nothing is delivered before the
// host commits, a rollback announces nothing, and background workers
// refuse such a store.
func TestBlackboxHostTransactionAnnouncesNothingEarly(t *testing.T) {
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			db := b.Open(t)
			base, err := bunstore.New(db, bunstore.Config{})
			require.NoError(t, err)
			require.NoError(t, base.Migrate(ctx))
			rec := notifytest.NewRecorder()
			for _, commit := range []bool{false, true} {
				tx, err := db.BeginTx(ctx, nil)
				require.NoError(t, err)
				ts, err := bunstore.New(tx, bunstore.Config{})
				require.NoError(t, err)
				desk, err := ticketkit.New(ticketkit.Config{Store: ts, Notifier: rec})
				require.NoError(t, err)
				_, err = desk.Open(ctx, bbAgent, ticketkit.OpenParams{Subject: fmt.Sprintf("commit=%v", commit), Customer: ticket.Customer{Email: "a@example.com"}})
				require.NoError(t, err)
				require.Zero(t, rec.Len(), "delivered inside the host's transaction")
				if _, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: ts, Notifier: rec}); err == nil {
					t.Error("a Dispatcher accepted a store inside the host's transaction")
				}
				if commit {
					require.NoError(t, tx.Commit())
				} else {
					require.NoError(t, tx.Rollback())
				}
			}
			d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: base, Notifier: rec})
			require.NoError(t, err)
			_, err = d.RunOnce(ctx)
			require.NoError(t, err)
			require.NotZero(t, rec.Len())
			for _, e := range rec.Events() {
				require.Equal(t, "commit=true", e.Ticket.Subject, "a rolled-back ticket was announced")
			}
		})
	}
}
