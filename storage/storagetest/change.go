package storagetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// changeWrite writes a change one way: the per-row path
// (storage.WriteChange in a transaction) or a ChangeWriter.
type changeWrite func(ctx context.Context, st storage.Store, c *storage.Change) error

// change checks storage.WriteChange, the per-row path every store has.
func (s suite) change(t *testing.T) {
	s.changeChecks(t, func(ctx context.Context, st storage.Store, c *storage.Change) error {
		return st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error { return storage.WriteChange(ctx, tx, c) })
	})
}

// changeWriter checks storage.ChangeWriter on the Store, in no
// transaction, and on the Tx of RunInTx.
func (s suite) changeWriter(t *testing.T) {
	t.Run("OnStore", func(t *testing.T) {
		s.changeChecks(t, func(ctx context.Context, st storage.Store, c *storage.Change) error {
			return as[storage.ChangeWriter](t, st).ChangeWrite(ctx, c)
		})
	})
	t.Run("InTx", func(t *testing.T) {
		s.changeChecks(t, func(ctx context.Context, st storage.Store, c *storage.Change) error {
			return st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				return as[storage.ChangeWriter](t, tx).ChangeWrite(ctx, c)
			})
		})
	})
	t.Run("AppendsToTicketsOfTheTxAndOthers", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		ctx := context.Background()
		other := newTicket(tenantA)
		mustCreate(t, st, other)
		mine := newTicket(tenantA)
		c := openChange(tenantA, 0)
		c.Number, c.Create, c.Message = nil, nil, nil
		c.Events[0].TicketID, c.Events[1].TicketID = mine.ID, other.ID
		c.Outbox[0].TicketID, c.Outbox[1].TicketID = mine.ID, other.ID
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.TicketCreate(ctx, mine); err != nil {
				return err
			}
			return as[storage.ChangeWriter](t, tx).ChangeWrite(ctx, c)
		}))
		for i, tk := range []*ticket.Ticket{mine, other} {
			events, err := st.EventList(ctx, storage.EventListParams{TenantID: tenantA, TicketID: tk.ID})
			require.NoError(t, err)
			require.Len(t, events, 1)
			require.Equal(t, c.Events[i].ID, events[0].ID)
			require.Equal(t, c.Events[i].New, events[0].New, "no number drawn: the lines are kept as given")
		}
		claimed, err := st.OutboxClaim(ctx, storage.OutboxClaimParams{Now: base.Add(time.Hour), LockFor: time.Minute, Limit: 10, MaxAttempts: 5})
		require.NoError(t, err)
		require.Len(t, claimed, 2)
		sent := map[string]string{c.Outbox[0].ID: string(c.Outbox[0].Payload), c.Outbox[1].ID: string(c.Outbox[1].Payload)}
		for _, o := range claimed {
			require.Equal(t, sent[o.ID], string(o.Payload))
		}

		unknown := openChange(tenantA, 0)
		unknown.Number, unknown.Create, unknown.Message = nil, nil, nil
		require.ErrorIs(t, as[storage.ChangeWriter](t, st).ChangeWrite(ctx, unknown), storage.ErrNotFound)
	})
	t.Run("RollsBackWithTx", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		ctx := context.Background()
		c := openChange(tenantA, 0)
		boom := errors.New("boom")
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			if err := as[storage.ChangeWriter](t, tx).ChangeWrite(ctx, c); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		requireNoChange(t, st, c, false)
		requireNextSeq(t, st, 1)
	})
}

// openChange returns the change of opening a ticket of tenant with a
// drawn number, an SLA state when sla is set, a first message, two
// history lines and two outbox entries carrying the placeholder.
func openChange(tenant string, sla time.Duration) *storage.Change {
	ph := "number-placeholder-" + ids.New()
	tk := newTicket(tenant, func(tk *ticket.Ticket) {
		tk.Number = ph
		if sla != 0 {
			tk.SLA = fullSLA(sla)
		}
	})
	ev := func(field, old, new string) *ticket.Event {
		return &ticket.Event{ID: ids.New(), TenantID: tenant, TicketID: tk.ID, ActorID: "agent-7",
			ActorRole: ticket.RoleAgent, At: base, Field: field, Old: old, New: new}
	}
	ob := func(kind string) *storage.OutboxEntry {
		return &storage.OutboxEntry{ID: ids.New(), TenantID: tenant, TicketID: tk.ID, Kind: kind, CreatedAt: base,
			Payload: fmt.Appendf(nil, `{"kind":%q,"ticket":{"number":%q},"again":"%s/%s"}`, kind, ph, ph, ph)}
	}
	return &storage.Change{
		Number: &storage.NumberDraw{TenantID: tenant, Scope: "TK-2026",
			Layout: ticket.NumberLayout{Prefix: "TK-2026-", Digits: 6}, Placeholder: ph},
		Create: tk,
		Message: &ticket.Message{ID: ids.New(), TenantID: tenant, TicketID: tk.ID, Kind: ticket.MessageReply,
			AuthorID: "agent-7", AuthorRole: ticket.RoleAgent, Body: "Hello \x01 'quoted' $1 ?", CreatedAt: base},
		Events: []*ticket.Event{ev(ticket.FieldCreated, "", ph), ev("note", ph+" was", "it's "+ph)},
		Outbox: []*storage.OutboxEntry{ob("ticket.opened"), ob("ticket.assigned")},
	}
}

// changeChecks are the promises of a change written by write.
func (s suite) changeChecks(t *testing.T, write changeWrite) {
	ctx := context.Background()

	t.Run("StoresEveryRowWithTheDrawnNumber", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		for i, sla := range []time.Duration{time.Hour, 0} {
			c := openChange(tenantA, sla)
			ph := c.Number.Placeholder
			want := normTicket(c.Create)
			require.NoError(t, write(ctx, st, c))
			number := fmt.Sprintf("TK-2026-%06d", i+1)
			require.Equal(t, int64(i+1), c.Number.Seq)
			require.Equal(t, number, c.Number.Value)
			require.Equal(t, number, c.Create.Number)
			require.Equal(t, int64(1), c.Create.Version)
			require.Equal(t, ticket.KindTicket, c.Create.Kind)
			require.Equal(t, storage.NextSLAVersion(0, c.Create.SLA), c.Create.SLAVersion)

			got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: c.Create.ID})
			require.NoError(t, err)
			want.Number, want.Version, want.Kind, want.SLAVersion = number, 1, ticket.KindTicket, c.Create.SLAVersion
			requireTicket(t, want, got)

			events, err := st.EventList(ctx, storage.EventListParams{TenantID: tenantA, TicketID: c.Create.ID})
			require.NoError(t, err)
			require.Len(t, events, 2)
			require.Equal(t, number, events[0].New)
			require.Equal(t, number+" was", events[1].Old)
			require.Equal(t, "it's "+number, events[1].New)
			require.Equal(t, c.Events[1].New, events[1].New, "the change's lines carry the number too")

			msgs, err := st.MessageList(ctx, storage.MessageListParams{TenantID: tenantA, TicketID: c.Create.ID})
			require.NoError(t, err)
			require.Len(t, msgs.Messages, 1)
			require.Equal(t, c.Message.Body, msgs.Messages[0].Body)

			claimed, err := st.OutboxClaim(ctx, storage.OutboxClaimParams{Now: base.Add(time.Hour), LockFor: time.Minute, Limit: 10, MaxAttempts: 5})
			require.NoError(t, err)
			require.Len(t, claimed, 2)
			for _, o := range claimed {
				require.NotContains(t, string(o.Payload), ph)
				require.JSONEq(t, fmt.Sprintf(`{"kind":%q,"ticket":{"number":%q},"again":"%s/%s"}`, o.Kind, number, number, number), string(o.Payload))
			}
			for _, o := range c.Outbox {
				require.NotContains(t, string(o.Payload), ph, "the change's entries carry the number too")
			}
			require.NoError(t, st.OutboxMarkDelivered(ctx, storage.OutboxMarkDeliveredParams{IDs: []string{claimed[0].ID, claimed[1].ID}, At: base.Add(time.Hour)}))
		}
	})

	t.Run("TakenIDStoresNothingAndKeepsTheNumber", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		first := openChange(tenantA, 0)
		require.NoError(t, write(ctx, st, first))
		dup := openChange(tenantA, time.Hour)
		dup.Create.ID = first.Create.ID
		err := write(ctx, st, dup)
		require.ErrorIs(t, err, storage.ErrConflict)
		requireNoChange(t, st, dup, true)
		got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: first.Create.ID})
		require.NoError(t, err)
		require.Equal(t, first.Create.Number, got.Number)
		require.Zero(t, got.SLAVersion, "the failed change wrote no SLA state")
		requireNextSeq(t, st, 2) // the failed change gave its number back
	})

	t.Run("NumbersAreGapFreeUnderConcurrency", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		const workers, each = 4, 10
		var mu sync.Mutex
		var got []int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for range each {
					c := openChange(tenantB, 0)
					if !assertNoError(t, write(ctx, st, c)) {
						return
					}
					mu.Lock()
					got = append(got, c.Number.Seq)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		slices.Sort(got)
		want := make([]int64, workers*each)
		for i := range want {
			want[i] = int64(i + 1)
		}
		require.Equal(t, want, got)
	})

	t.Run("RefusesAChangeWithoutTenantOrPlaceholder", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		c := openChange(tenantA, 0)
		c.Number.Placeholder = ""
		require.Error(t, write(ctx, st, c))
		c = openChange(tenantA, 0)
		c.Number.TenantID = ""
		require.Error(t, write(ctx, st, c))
		require.Error(t, write(ctx, st, nil))
		requireNextSeq(t, st, 1)
	})
}

// assertNoError reports err as a test error from any goroutine and
// returns whether it was nil.
func assertNoError(t *testing.T, err error) bool {
	t.Helper()
	if err != nil {
		t.Errorf("write change: %v", err)
		return false
	}
	return true
}

// requireNoChange fails unless none of c's rows is stored; its ticket
// ID is another change's when taken is set.
func requireNoChange(t *testing.T, st storage.Store, c *storage.Change, taken bool) {
	t.Helper()
	ctx := context.Background()
	if !taken {
		_, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: c.Create.TenantID, ID: c.Create.ID})
		require.ErrorIs(t, err, storage.ErrNotFound)
	}
	msgs, err := st.MessageList(ctx, storage.MessageListParams{TenantID: c.Create.TenantID, TicketID: c.Create.ID})
	if taken || err == nil {
		require.NoError(t, err)
		for _, m := range msgs.Messages {
			require.NotEqual(t, c.Message.ID, m.ID, "the message of the failed change is stored")
		}
	}
	events, err := st.EventList(ctx, storage.EventListParams{TenantID: c.Create.TenantID, TicketID: c.Create.ID})
	require.NoError(t, err)
	for _, e := range events {
		for _, mine := range c.Events {
			require.NotEqual(t, mine.ID, e.ID, "a line of the failed change is stored")
		}
	}
	claimed, err := st.OutboxClaim(ctx, storage.OutboxClaimParams{Now: base.Add(time.Hour), LockFor: time.Minute, Limit: 100, MaxAttempts: 5})
	require.NoError(t, err)
	for _, o := range claimed {
		for _, mine := range c.Outbox {
			require.NotEqual(t, mine.ID, o.ID, "an outbox entry of the failed change is stored")
		}
	}
}

// requireNextSeq fails unless tenantA's TK-2026 counter draws want next.
func requireNextSeq(t *testing.T, st storage.Store, want int64) {
	t.Helper()
	n, err := st.SequenceNext(context.Background(), storage.SequenceNextParams{TenantID: tenantA, Scope: "TK-2026"})
	require.NoError(t, err)
	require.Equal(t, want, n)
}
