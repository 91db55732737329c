package storagetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// txError is the error the Tx subtests return from fn, a type of its own
// so that only the very value can match it.
type txError struct{ msg string }

func (e *txError) Error() string { return e.msg }

// txState is what the rollback subtests look at after a transaction.
type txState struct {
	// made is a ticket created in the transaction.
	made *ticket.Ticket
	// kept is a ticket that existed before and was changed in it.
	kept *ticket.Ticket
	// entry existed before, undelivered, and was marked delivered in it.
	entry *storage.OutboxEntry
}

// requireRolledBack fails unless nothing the writeAll transaction did is
// visible.
func requireRolledBack(t *testing.T, st storage.Store, s txState) {
	t.Helper()
	ctx := context.Background()
	_, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: s.made.ID})
	require.ErrorIs(t, err, storage.ErrNotFound, "ticket created in the transaction")
	_, err = st.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: tenantA, Number: "TK-2026-000002"})
	require.ErrorIs(t, err, storage.ErrNotFound, "number of the ticket created in the transaction")

	got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: s.kept.ID})
	require.NoError(t, err)
	requireTicket(t, s.kept, got)

	for _, tk := range []*ticket.Ticket{s.made, s.kept} {
		es, err := st.EventList(ctx, storage.EventListParams{TenantID: tenantA, TicketID: tk.ID})
		require.NoError(t, err)
		require.Empty(t, es, "history of %s", tk.Number)
	}
	ms, err := st.MessageList(ctx, storage.MessageListParams{TenantID: tenantA})
	require.NoError(t, err)
	require.Empty(t, ms.Messages)
	pending := claimAll(t, st)
	require.Equal(t, []string{s.entry.ID}, entryIDs(pending))
	n, err := st.SequenceNext(ctx, storage.SequenceNextParams{TenantID: tenantA, Scope: "TK-2026"})
	require.NoError(t, err)
	require.Equal(t, int64(2), n, "sequence after the rolled-back increment")

	// The rolled-back ticket's ID and number are free again.
	again := s.made.Clone()
	again.Number = "TK-2026-000002"
	require.NoError(t, st.TicketCreate(ctx, again))
}

// prepareTx stores what the rollback subtests' transaction changes: a
// ticket, an undelivered outbox entry and a sequence at 1.
func prepareTx(t *testing.T, st storage.Store) txState {
	t.Helper()
	ctx := context.Background()
	kept := newTicket(tenantA)
	mustCreate(t, st, kept)
	entry := newEntry(kept, "ticket.opened", 0)
	require.NoError(t, st.OutboxCreate(ctx, []*storage.OutboxEntry{entry}))
	n, err := st.SequenceNext(ctx, storage.SequenceNextParams{TenantID: tenantA, Scope: "TK-2026"})
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	return txState{made: newTicket(tenantA), kept: kept.Clone(), entry: entry}
}

// writeAll runs a transaction that writes to every entity and ends with
// end, and returns RunInTx's error.
func writeAll(st storage.Store, s txState, end func() error) error {
	return st.RunInTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		seq, err := tx.SequenceNext(ctx, storage.SequenceNextParams{TenantID: tenantA, Scope: "TK-2026"})
		if err != nil {
			return err
		}
		made := s.made.Clone()
		made.Number = fmt.Sprintf("TK-2026-%06d", seq)
		changed := s.kept.Clone()
		changed.Subject = "changed in the transaction"
		changed.Tags = []string{"changed"}
		for _, err := range []error{
			tx.TicketCreate(ctx, made),
			tx.TicketUpdate(ctx, changed),
			tx.EventCreate(ctx, []*ticket.Event{
				newEvent(made, ticket.FieldCreated, "", made.Number, base),
				newEvent(s.kept, ticket.FieldSubject, s.kept.Subject, changed.Subject, base),
			}),
			tx.MessageCreate(ctx, newMessage(s.kept, ticket.MessageNote, time.Minute)),
			tx.MessageCreate(ctx, newMessage(made, ticket.MessageCustomer, time.Minute)),
			tx.OutboxCreate(ctx, []*storage.OutboxEntry{newEntry(made, "ticket.opened", time.Minute)}),
			tx.OutboxMarkDelivered(ctx, storage.OutboxMarkDeliveredParams{IDs: []string{s.entry.ID}, At: at(time.Hour)}),
		} {
			if err != nil {
				return err
			}
		}
		return end()
	})
}

func (s suite) tx(t *testing.T) {
	ctx := context.Background()

	t.Run("CommitsTicketEventsAndOutboxTogether", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		ev := newEvent(tk, ticket.FieldCreated, "", "", base)
		msg := newMessage(tk, ticket.MessageCustomer, 0)
		entry := newEntry(tk, "ticket.opened", 0)
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			seq, err := tx.SequenceNext(ctx, storage.SequenceNextParams{TenantID: tenantA, Scope: "TK-2026"})
			if err != nil {
				return err
			}
			tk.Number = fmt.Sprintf("TK-2026-%06d", seq)
			ev.New = tk.Number
			return errors.Join(
				tx.TicketCreate(ctx, tk),
				tx.EventCreate(ctx, []*ticket.Event{ev}),
				tx.MessageCreate(ctx, msg),
				tx.OutboxCreate(ctx, []*storage.OutboxEntry{entry}),
			)
		}))

		got, err := st.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: tenantA, Number: "TK-2026-000001"})
		require.NoError(t, err)
		require.Equal(t, tk.ID, got.ID)
		require.Equal(t, int64(1), got.Version)
		es, err := st.EventList(ctx, storage.EventListParams{TenantID: tenantA, TicketID: tk.ID})
		require.NoError(t, err)
		require.Equal(t, []string{ev.ID}, eventIDs(es))
		ms, err := st.MessageList(ctx, storage.MessageListParams{TenantID: tenantA, TicketID: tk.ID})
		require.NoError(t, err)
		require.Equal(t, []string{msg.ID}, messageIDs(ms.Messages))
		pending := claimAll(t, st)
		require.Equal(t, []string{entry.ID}, entryIDs(pending))
		n, err := st.SequenceNext(ctx, storage.SequenceNextParams{TenantID: tenantA, Scope: "TK-2026"})
		require.NoError(t, err)
		require.Equal(t, int64(2), n)
	})

	t.Run("ReadsItsOwnWrites", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			mustCreate(t, tx, tk)
			got, err := tx.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: tk.ID})
			require.NoError(t, err)
			requireTicket(t, tk, got)
			got.Subject = "changed"
			require.NoError(t, tx.TicketUpdate(ctx, got))
			byNumber, err := tx.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: tenantA, Number: tk.Number})
			require.NoError(t, err)
			require.Equal(t, "changed", byNumber.Subject)
			require.Equal(t, int64(2), byNumber.Version)
			list, err := tx.TicketList(ctx, storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: tenantA}})
			require.NoError(t, err)
			require.Equal(t, []string{tk.ID}, ticketIDs(list.Tickets))
			ev := newEvent(tk, ticket.FieldSubject, tk.Subject, "changed", base)
			require.NoError(t, tx.EventCreate(ctx, []*ticket.Event{ev}))
			es, err := tx.EventList(ctx, storage.EventListParams{TenantID: tenantA, TicketID: tk.ID})
			require.NoError(t, err)
			require.Equal(t, []string{ev.ID}, eventIDs(es))
			return nil
		}))
	})

	t.Run("RollsBackEverythingOnError", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		state := prepareTx(t, st)
		boom := &txError{"boom"}
		err := writeAll(st, state, func() error { return boom })
		require.ErrorIs(t, err, boom)
		requireRolledBack(t, st, state)
	})

	t.Run("RollsBackOnPanicAndPanicPropagates", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		state := prepareTx(t, st)
		require.PanicsWithValue(t, "boom", func() {
			_ = writeAll(st, state, func() error { panic("boom") })
		})
		requireRolledBack(t, st, state)
	})

	t.Run("ReturnsTheErrorOfFnAsIs", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		want := &txError{"fn failed"}
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			mustCreate(t, tx, newTicket(tenantA))
			return want
		})
		require.True(t, err == error(want), "RunInTx returned %v (%T), want the very error of fn", err, err)

		wrapped := fmt.Errorf("desk: %w", storage.ErrConflict)
		err = st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error { return wrapped })
		require.True(t, err == wrapped, "RunInTx returned %v, want the very error of fn", err)
		require.ErrorIs(t, err, storage.ErrConflict)
	})
}
