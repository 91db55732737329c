package storagetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// customerEraser tests the optional [storage.CustomerEraser] (see
// Features.CustomerEraser).
func (s suite) customerEraser(t *testing.T) {
	ctx := context.Background()
	type store interface {
		storage.Store
		storage.CustomerEraser
		storage.InboundStore
	}
	open := func(t *testing.T) store {
		t.Helper()
		return as[store](t, s.store(t))
	}
	// seed stores, for each of tickets, a message with an attachment,
	// a status line and a subject line, a delivered and a pending
	// outbox entry, and an inbound record.
	seed := func(t *testing.T, st store, tickets ...*ticket.Ticket) {
		t.Helper()
		mustCreate(t, st, tickets...)
		for i, tk := range tickets {
			m := newMessage(tk, ticket.MessageCustomer, time.Minute)
			m.Body = "my passport number is 123"
			m.Attachments = []ticket.Attachment{{ID: ids.New(), Name: "passport.pdf", Size: 3, Key: "blob-" + tk.ID}}
			require.NoError(t, st.MessageCreate(ctx, m))
			require.NoError(t, st.EventCreate(ctx, []*ticket.Event{
				newEvent(tk, ticket.FieldStatus, "new", "open", at(time.Minute)),
				newEvent(tk, ticket.FieldSubject, "Jane's kettle", "Jane's pot", at(2*time.Minute)),
			}))
			d, p := newEntry(tk, "ticket.replied", time.Minute), newEntry(tk, "ticket.replied", 2*time.Minute)
			require.NoError(t, st.OutboxCreate(ctx, []*storage.OutboxEntry{d, p}))
			require.NoError(t, st.OutboxMarkDelivered(ctx, storage.OutboxMarkDeliveredParams{IDs: []string{d.ID}, At: at(time.Hour)}))
			require.NoError(t, st.InboundRecord(ctx, storage.InboundRecordParams{TenantID: tk.TenantID, Key: "mail-" + tk.ID, TicketID: tk.ID, At: at(time.Duration(i) * time.Second)}))
		}
	}
	erase := func(t *testing.T, st store, tenant string, tickets ...*ticket.Ticket) *storage.CustomerEraseResult {
		t.Helper()
		var res *storage.CustomerEraseResult
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) (err error) {
			res, err = as[storage.CustomerEraser](t, tx).CustomerErase(ctx, storage.CustomerEraseParams{
				TenantID: tenant, TicketIDs: ticketIDs(tickets), KeepFields: []string{ticket.FieldStatus}, At: at(3 * time.Hour)})
			return err
		}))
		return res
	}

	t.Run("ErasesTheTicketsDataAndNothingElse", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		gone, kept, other := newTicket(tenantA), newTicket(tenantA), newTicket(tenantB)
		seed(t, st, gone, kept, other)
		res := erase(t, st, tenantA, gone)
		require.Equal(t, []string{"blob-" + gone.ID}, res.BlobKeys)
		require.Equal(t, storage.CustomerEraseResult{Messages: 1, Attachments: 1, Events: 1, Outbox: 2, Inbound: 1, BlobKeys: res.BlobKeys}, *res)

		msgs, err := st.MessageList(ctx, storage.MessageListParams{TenantID: tenantA, TicketID: gone.ID})
		require.NoError(t, err)
		require.Len(t, msgs.Messages, 1)
		require.Empty(t, msgs.Messages[0].Body)
		require.Empty(t, msgs.Messages[0].Attachments)
		require.Equal(t, "user-customer", msgs.Messages[0].AuthorID, "who wrote when stays")
		hist, err := st.EventList(ctx, storage.EventListParams{TenantID: tenantA, TicketID: gone.ID})
		require.NoError(t, err)
		require.Len(t, hist, 2)
		require.Equal(t, [2]string{"new", "open"}, [2]string{hist[0].Old, hist[0].New}, "a kept field keeps its values")
		require.Equal(t, [2]string{"", ""}, [2]string{hist[1].Old, hist[1].New})
		dead, err := st.OutboxDeadList(ctx, storage.OutboxDeadListParams{TenantID: tenantA})
		require.NoError(t, err)
		require.Len(t, dead, 1, "the pending entry is never sent")
		require.JSONEq(t, "{}", string(dead[0].Payload))
		require.Equal(t, at(3*time.Hour), dead[0].DeadAt)
		_, err = st.InboundGet(ctx, storage.InboundGetParams{TenantID: tenantA, Key: "mail-" + gone.ID})
		require.ErrorIs(t, err, storage.ErrNotFound)

		for _, tk := range []*ticket.Ticket{kept, other} {
			msgs, err := st.MessageList(ctx, storage.MessageListParams{TenantID: tk.TenantID, TicketID: tk.ID})
			require.NoError(t, err)
			require.Equal(t, "my passport number is 123", msgs.Messages[0].Body)
			require.Len(t, msgs.Messages[0].Attachments, 1)
			hist, err := st.EventList(ctx, storage.EventListParams{TenantID: tk.TenantID, TicketID: tk.ID})
			require.NoError(t, err)
			require.Equal(t, "Jane's pot", hist[1].New)
			_, err = st.InboundGet(ctx, storage.InboundGetParams{TenantID: tk.TenantID, Key: "mail-" + tk.ID})
			require.NoError(t, err)
		}
		pending := claimAll(t, st)
		require.Len(t, pending, 2, "the other tickets' pending entries")
		for _, e := range pending {
			require.NotEqual(t, gone.ID, e.TicketID)
			require.NotEqual(t, "{}", string(e.Payload))
		}
	})
	t.Run("AnotherTenantsTicketIDsEraseNothing", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		tk := newTicket(tenantA)
		seed(t, st, tk)
		res := erase(t, st, tenantB, tk)
		require.Equal(t, storage.CustomerEraseResult{}, *res)
		msgs, err := st.MessageList(ctx, storage.MessageListParams{TenantID: tenantA, TicketID: tk.ID})
		require.NoError(t, err)
		require.NotEmpty(t, msgs.Messages[0].Body)
	})
	t.Run("ARolledBackErasureErasesNothing", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		tk := newTicket(tenantA)
		seed(t, st, tk)
		errRollback := errors.New("rollback")
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			er := as[storage.CustomerEraser](t, tx)
			if _, err := er.CustomerErase(ctx, storage.CustomerEraseParams{TenantID: tenantA, TicketIDs: []string{tk.ID}, At: base}); err != nil {
				return err
			}
			if err := er.ErasureCreate(ctx, &storage.Erasure{ID: ids.New(), TenantID: tenantA, CustomerID: "C-1", At: base}); err != nil {
				return err
			}
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		msgs, err := st.MessageList(ctx, storage.MessageListParams{TenantID: tenantA, TicketID: tk.ID})
		require.NoError(t, err)
		require.NotEmpty(t, msgs.Messages[0].Body)
		tombs, err := st.ErasureList(ctx, storage.ErasureListParams{TenantID: tenantA})
		require.NoError(t, err)
		require.Empty(t, tombs)
	})
	t.Run("TombstonesAreKeptAndListedByTenantAndCustomer", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		mk := func(tenant, customer string, d time.Duration) *storage.Erasure {
			return &storage.Erasure{ID: ids.New(), TenantID: tenant, CustomerID: customer, ActorID: "dpo", ActorRole: "admin",
				At: at(d), Reason: "DSR-1", Tickets: 2, Messages: 3, Attachments: 1, Events: 4, Outbox: 5, Inbound: 6}
		}
		all := []*storage.Erasure{mk(tenantA, "C-1", time.Hour), mk(tenantA, "C-2", time.Minute), mk(tenantB, "C-1", time.Second)}
		for _, e := range all {
			require.NoError(t, st.ErasureCreate(ctx, e))
		}
		require.ErrorIs(t, st.ErasureCreate(ctx, all[0]), storage.ErrConflict)
		got, err := st.ErasureList(ctx, storage.ErasureListParams{TenantID: tenantA})
		require.NoError(t, err)
		require.Equal(t, []*storage.Erasure{all[1], all[0]}, got, "oldest first, one tenant's")
		got, err = st.ErasureList(ctx, storage.ErasureListParams{TenantID: tenantA, CustomerID: "C-1"})
		require.NoError(t, err)
		require.Equal(t, []*storage.Erasure{all[0]}, got)
		require.True(t, slices.ContainsFunc(all, func(e *storage.Erasure) bool { return e.TenantID == tenantB }))
	})
}
