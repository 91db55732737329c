package storagetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// changeUpdate checks storage.WriteChange with Change.Update in a
// transaction, the per-row path every store has.
func (s suite) changeUpdate(t *testing.T) {
	s.changeUpdateChecks(t, func(ctx context.Context, st storage.Store, c *storage.Change) error {
		return st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error { return storage.WriteChange(ctx, tx, c) })
	})
}

// changeUpdater checks storage.ChangeUpdater on the Store, in no
// transaction.
func (s suite) changeUpdater(t *testing.T) {
	s.changeUpdateChecks(t, func(ctx context.Context, st storage.Store, c *storage.Change) error {
		return as[storage.ChangeUpdater](t, st).ChangeUpdate(ctx, c)
	})
}

// updateChange returns the change of tk, as read: its subject, status
// and SLA state changed, with a message, two history lines and an outbox
// entry.
func updateChange(tk *ticket.Ticket, note string) *storage.Change {
	u := tk.Clone()
	u.Subject = "Espresso machine leaks: " + note
	u.Status = "pending"
	u.UpdatedAt = at(3 * time.Hour)
	if !u.SLA.IsZero() {
		u.SLA.Cycle++
		u.SLA.NextCheckAt = at(30 * time.Hour)
	}
	ev := func(field, old, new string) *ticket.Event {
		return &ticket.Event{ID: ids.New(), TenantID: tk.TenantID, TicketID: tk.ID, ActorID: "agent-7",
			ActorRole: ticket.RoleAgent, At: u.UpdatedAt, Field: field, Old: old, New: new}
	}
	return &storage.Change{
		Update: u,
		Message: &ticket.Message{ID: ids.New(), TenantID: tk.TenantID, TicketID: tk.ID, Kind: ticket.MessageReply,
			AuthorID: "agent-7", AuthorRole: ticket.RoleAgent, Body: "Reply " + note + " \x01 'quoted' $1 ?", CreatedAt: u.UpdatedAt},
		Events: []*ticket.Event{ev(ticket.FieldSubject, tk.Subject, u.Subject), ev(ticket.FieldStatus, tk.Status, u.Status)},
		Outbox: []*storage.OutboxEntry{{ID: ids.New(), TenantID: tk.TenantID, TicketID: tk.ID, Kind: "ticket.status_changed",
			CreatedAt: u.UpdatedAt, Payload: fmt.Appendf(nil, `{"note":%q}`, note)}},
	}
}

// requireUpdateRows fails unless exactly the rows of the changes want
// are stored for tk: their messages, history lines and outbox entries.
func requireUpdateRows(t *testing.T, st storage.Store, tk *ticket.Ticket, want ...*storage.Change) {
	t.Helper()
	ctx := context.Background()
	msgs, err := st.MessageList(ctx, storage.MessageListParams{TenantID: tk.TenantID, TicketID: tk.ID, Limit: storage.MaxLimit})
	require.NoError(t, err)
	events, err := st.EventList(ctx, storage.EventListParams{TenantID: tk.TenantID, TicketID: tk.ID})
	require.NoError(t, err)
	claimed, err := st.OutboxClaim(ctx, storage.OutboxClaimParams{Now: base.Add(100 * time.Hour), LockFor: time.Minute, Limit: 1000, MaxAttempts: 5})
	require.NoError(t, err)
	var wantMsgs, wantEvents, wantOutbox []string
	for _, c := range want {
		wantMsgs = append(wantMsgs, c.Message.Body)
		for _, e := range c.Events {
			wantEvents = append(wantEvents, e.ID)
		}
		for _, o := range c.Outbox {
			wantOutbox = append(wantOutbox, string(o.Payload))
		}
	}
	var gotMsgs, gotEvents, gotOutbox []string
	for _, m := range msgs.Messages {
		gotMsgs = append(gotMsgs, m.Body)
	}
	for _, e := range events {
		gotEvents = append(gotEvents, e.ID)
	}
	for _, o := range claimed {
		if o.TicketID == tk.ID {
			gotOutbox = append(gotOutbox, string(o.Payload))
		}
	}
	require.ElementsMatch(t, wantMsgs, gotMsgs, "messages")
	require.ElementsMatch(t, wantEvents, gotEvents, "history lines")
	require.ElementsMatch(t, wantOutbox, gotOutbox, "outbox entries")
	if len(claimed) > 0 {
		ids := make([]string, len(claimed))
		for i, o := range claimed {
			ids[i] = o.ID
		}
		require.NoError(t, st.OutboxMarkDelivered(ctx, storage.OutboxMarkDeliveredParams{IDs: ids, At: base.Add(100 * time.Hour)}))
	}
}

// changeUpdateChecks are the promises of a change of an existing ticket
// (Change.Update) written by write.
func (s suite) changeUpdateChecks(t *testing.T, write changeWrite) {
	ctx := context.Background()

	t.Run("StoresTheTicketWithItsRows", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		for _, sla := range []bool{true, false} {
			tk := newTicket(tenantA, func(tk *ticket.Ticket) {
				if sla {
					tk.SLA = fullSLA(time.Hour)
				}
			})
			mustCreate(t, st, tk)
			c := updateChange(tk, "one")
			want := normTicket(c.Update)
			require.NoError(t, write(ctx, st, c))
			require.Equal(t, tk.Version+1, c.Update.Version)
			require.Equal(t, storage.NextSLAVersion(tk.SLAVersion, c.Update.SLA), c.Update.SLAVersion)
			got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: tk.ID})
			require.NoError(t, err)
			want.Version, want.SLAVersion, want.Kind = c.Update.Version, c.Update.SLAVersion, ticket.KindTicket
			requireTicket(t, want, got)
			requireUpdateRows(t, st, tk, c)
		}
	})

	t.Run("StaleVersionStoresNothing", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA, func(tk *ticket.Ticket) { tk.SLA = fullSLA(time.Hour) })
		mustCreate(t, st, tk)
		won := tk.Clone()
		won.Subject = "the winner"
		require.NoError(t, st.TicketUpdate(ctx, won))

		for _, stale := range []struct {
			name         string
			version, sla int64
		}{
			{"both", tk.Version, tk.SLAVersion},
			{"ticket only", tk.Version, won.SLAVersion}, // the SLA state alone would match
			{"SLA only", won.Version, tk.SLAVersion},
		} {
			c := updateChange(tk, stale.name)
			c.Update.Version, c.Update.SLAVersion = stale.version, stale.sla
			err := write(ctx, st, c)
			require.ErrorIs(t, err, storage.ErrConflict, stale.name)
			require.Equal(t, stale.version, c.Update.Version, "a failed write keeps the versions read")
			got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: tk.ID})
			require.NoError(t, err)
			require.Equal(t, "the winner", got.Subject, stale.name)
			require.Equal(t, won.Version, got.Version, stale.name)
			require.Equal(t, won.SLAVersion, got.SLAVersion, "%s: the SLA state is as the winner left it", stale.name)
			require.Equal(t, tk.SLA.NextCheckAt, got.SLA.NextCheckAt, stale.name)
			requireUpdateRows(t, st, tk)
		}
	})

	t.Run("UnknownTicketIsNotFound", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		tk.Version = 1
		err := write(ctx, st, updateChange(tk, "ghost"))
		require.ErrorIs(t, err, storage.ErrNotFound)
		other := newTicket(tenantB)
		mustCreate(t, st, other)
		other.TenantID = tenantA // another tenant's ticket is unknown to this one
		c := updateChange(other, "foreign")
		require.Error(t, write(ctx, st, c))
		got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantB, ID: other.ID})
		require.NoError(t, err)
		require.Equal(t, int64(1), got.Version)
	})

	t.Run("RefusesUpdateWithCreate", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		c := updateChange(tk, "both")
		c.Create = newTicket(tenantA)
		require.Error(t, write(ctx, st, c))
		requireUpdateRows(t, st, tk)
	})

	t.Run("RacingWritersLoseNoChange", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA, func(tk *ticket.Ticket) { tk.SLA = fullSLA(time.Hour) })
		mustCreate(t, st, tk)
		const workers, each = 4, 5
		var mu sync.Mutex
		var done []*storage.Change
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					for {
						read, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: tk.ID})
						if !assertNoError(t, err) {
							return
						}
						c := updateChange(read, fmt.Sprintf("w%d-%d", w, i))
						err = write(ctx, st, c)
						if errors.Is(err, storage.ErrConflict) {
							continue
						}
						if !assertNoError(t, err) {
							return
						}
						mu.Lock()
						done = append(done, c)
						mu.Unlock()
						break
					}
				}
			})
		}
		wg.Wait()
		require.Len(t, done, workers*each)
		got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: tk.ID})
		require.NoError(t, err)
		require.Equal(t, int64(1+workers*each), got.Version)
		require.Equal(t, int64(1+workers*each), got.SLAVersion)
		requireUpdateRows(t, st, tk, done...)
	})
}
