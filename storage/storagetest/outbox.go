package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
)

// requireEntry fails unless got equals want in every field, comparing
// payloads as JSON.
func requireEntry(t *testing.T, want, got *storage.OutboxEntry) {
	t.Helper()
	require.JSONEq(t, string(want.Payload), string(got.Payload), "payload of %s", want.ID)
	w, g := *want, *got
	w.Payload, g.Payload = nil, nil
	w.CreatedAt, g.CreatedAt = normTime(w.CreatedAt), normTime(g.CreatedAt)
	w.DeliveredAt, g.DeliveredAt = normTime(w.DeliveredAt), normTime(g.DeliveredAt)
	require.Equal(t, w, g)
	requireUTC(t, "CreatedAt", got.CreatedAt)
}

func (s suite) outbox(t *testing.T) {
	ctx := context.Background()
	pending := func(t *testing.T, st storage.Tx, limit int) []*storage.OutboxEntry {
		t.Helper()
		es, err := st.OutboxPending(ctx, storage.OutboxPendingParams{Limit: limit})
		require.NoError(t, err)
		return es
	}

	t.Run("PendingReturnsEveryTenantOldestFirst", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b := newTicket(tenantA), newTicket(tenantB)
		mustCreate(t, st, a, b)
		entries := []*storage.OutboxEntry{
			newEntry(a, "ticket.opened", 1*time.Minute),
			newEntry(b, "ticket.opened", 2*time.Minute),
			newEntry(a, "ticket.assigned", 3*time.Minute),
			newEntry(b, "ticket.closed", 4*time.Minute),
		}
		entries[3].Attempts = 0
		require.NoError(t, st.OutboxCreate(ctx, []*storage.OutboxEntry{entries[2], entries[0]}))
		require.NoError(t, st.OutboxCreate(ctx, []*storage.OutboxEntry{entries[3], entries[1]}))

		got := pending(t, st, 0)
		require.Equal(t, entryIDs(entries), entryIDs(got))
		for i, want := range entries {
			requireEntry(t, want, got[i])
		}
	})

	t.Run("MarkDeliveredRemovesFromPending", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		var entries []*storage.OutboxEntry
		for i := range 4 {
			entries = append(entries, newEntry(tk, "ticket.updated", time.Duration(i)*time.Minute))
		}
		require.NoError(t, st.OutboxCreate(ctx, entries))

		require.NoError(t, st.OutboxMarkDelivered(ctx, storage.OutboxMarkDeliveredParams{
			IDs: []string{entries[0].ID, entries[2].ID}, At: at(time.Hour),
		}))
		require.Equal(t, entryIDs([]*storage.OutboxEntry{entries[1], entries[3]}), entryIDs(pending(t, st, 0)))

		require.NoError(t, st.OutboxMarkDelivered(ctx, storage.OutboxMarkDeliveredParams{
			IDs: []string{entries[3].ID}, At: at(2 * time.Hour),
		}))
		require.Equal(t, entryIDs([]*storage.OutboxEntry{entries[1]}), entryIDs(pending(t, st, 0)))
	})

	t.Run("PendingRespectsLimit", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		var entries []*storage.OutboxEntry
		for i := range 5 {
			entries = append(entries, newEntry(tk, "ticket.updated", time.Duration(5-i)*time.Minute))
		}
		require.NoError(t, st.OutboxCreate(ctx, entries))

		// entries were made newest first.
		require.Equal(t, entryIDs([]*storage.OutboxEntry{entries[4], entries[3]}), entryIDs(pending(t, st, 2)))
		require.Len(t, pending(t, st, 0), 5)
	})

	t.Run("ReturnedEntryIsACopy", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		e := newEntry(tk, "ticket.opened", 0)
		want := *e
		want.Payload = append([]byte(nil), e.Payload...)
		require.NoError(t, st.OutboxCreate(ctx, []*storage.OutboxEntry{e}))
		e.Payload[0] = 'X'
		e.Kind = "changed"

		got := pending(t, st, 0)
		require.Len(t, got, 1)
		requireEntry(t, &want, got[0])
		got[0].Payload[0] = 'X'
		got[0].Kind = "changed"
		requireEntry(t, &want, pending(t, st, 0)[0])
	})
}
