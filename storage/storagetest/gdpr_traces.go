package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// customerTraceEraser tests the optional [storage.CustomerTraceEraser]
// (see Features.CustomerTraceEraser).
func (s suite) customerTraceEraser(t *testing.T) {
	ctx := context.Background()
	type store interface {
		storage.Store
		storage.CustomerTraceEraser
		storage.WatcherStore
		storage.RatingStore
		storage.TimeEntryStore
		storage.IdempotencyStore
		storage.ComplaintStore
	}
	open := func(t *testing.T) store {
		t.Helper()
		return as[store](t, s.store(t))
	}
	erase := func(t *testing.T, st store, p storage.CustomerTracesParams) *storage.CustomerTracesResult {
		t.Helper()
		var res *storage.CustomerTracesResult
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) (err error) {
			res, err = as[storage.CustomerTraceEraser](t, tx).CustomerTracesErase(ctx, p)
			return err
		}))
		return res
	}

	t.Run("ErasesWatchersCommentsNotesAndResponsesOfTheCustomerOnly", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		mine, other, elsewhere := newTicket(tenantA), newTicket(tenantA), newTicket(tenantB)
		mustCreate(t, st, mine, other, elsewhere)
		for _, w := range []*ticket.Watcher{
			{TenantID: tenantA, TicketID: mine.ID, Kind: ticket.WatcherCC, Key: "sister@example.com", CreatedAt: at(0)},
			{TenantID: tenantA, TicketID: mine.ID, Kind: ticket.WatcherAgent, Key: "agent-1", CreatedAt: at(0)},
			{TenantID: tenantA, TicketID: other.ID, Kind: ticket.WatcherCC, Key: "jane@example.com", CreatedAt: at(0)},
			{TenantID: tenantA, TicketID: other.ID, Kind: ticket.WatcherCC, Key: "bob@example.com", CreatedAt: at(0)},
			{TenantID: tenantB, TicketID: elsewhere.ID, Kind: ticket.WatcherCC, Key: "jane@example.com", CreatedAt: at(0)},
		} {
			require.NoError(t, st.WatcherAdd(ctx, w))
		}
		for _, tk := range []*ticket.Ticket{mine, other} {
			require.NoError(t, st.RatingAdd(ctx, &ticket.Rating{TenantID: tenantA, TicketID: tk.ID, Score: 3, Comment: "so-so", CreatedAt: at(0)}))
			require.NoError(t, st.TimeEntryAdd(ctx, &ticket.TimeEntry{ID: ids.New(), TenantID: tenantA, TicketID: tk.ID, AgentID: "agent-1",
				Duration: time.Hour, Note: "called", Date: at(0), CreatedAt: at(0)}))
		}
		for key, body := range map[string]string{"a": `{"email":"JANE@example.com"}`, "b": `{"email":"bob@example.com"}`} {
			_, err := st.IdempotencyClaim(ctx, storage.IdempotencyClaimParams{TenantID: tenantA, Key: key, RequestHash: "h", At: at(0), ExpiresAt: at(time.Hour)})
			require.NoError(t, err)
			require.NoError(t, st.IdempotencyComplete(ctx, storage.IdempotencyCompleteParams{TenantID: tenantA, Key: key, At: at(0), Status: 200, Response: []byte(body)}))
		}

		res := erase(t, st, storage.CustomerTracesParams{TenantID: tenantA, TicketIDs: []string{mine.ID},
			Emails: []string{"jane@example.com"}, Texts: []string{"jane@example.com", ""}})
		require.Equal(t, storage.CustomerTracesResult{Watchers: 2, Ratings: 1, TimeEntries: 1, Idempotency: 1}, *res)

		ws, err := st.WatcherList(ctx, storage.WatcherListParams{TenantID: tenantA, TicketIDs: []string{mine.ID, other.ID}})
		require.NoError(t, err)
		var keys []string
		for _, w := range ws {
			keys = append(keys, w.Key)
		}
		require.ElementsMatch(t, []string{"agent-1", "bob@example.com"}, keys, "agents and other addresses stay")
		ws, err = st.WatcherList(ctx, storage.WatcherListParams{TenantID: tenantB, TicketIDs: []string{elsewhere.ID}})
		require.NoError(t, err)
		require.Len(t, ws, 1, "another tenant's watchers stay")
		r, err := st.RatingGet(ctx, storage.RatingGetParams{TenantID: tenantA, TicketID: mine.ID})
		require.NoError(t, err)
		require.Equal(t, []any{3, ""}, []any{r.Score, r.Comment}, "the score stays, the comment goes")
		r, err = st.RatingGet(ctx, storage.RatingGetParams{TenantID: tenantA, TicketID: other.ID})
		require.NoError(t, err)
		require.Equal(t, "so-so", r.Comment)
		es, err := st.TimeEntryList(ctx, storage.TimeEntryListParams{TenantID: tenantA, TicketID: mine.ID})
		require.NoError(t, err)
		require.Equal(t, []any{time.Hour, ""}, []any{es[0].Duration, es[0].Note})
		es, err = st.TimeEntryList(ctx, storage.TimeEntryListParams{TenantID: tenantA, TicketID: other.ID})
		require.NoError(t, err)
		require.Equal(t, "called", es[0].Note)
		for key, claimed := range map[string]bool{"a": true, "b": false} {
			got, err := st.IdempotencyClaim(ctx, storage.IdempotencyClaimParams{TenantID: tenantA, Key: key, RequestHash: "h", At: at(time.Minute), ExpiresAt: at(time.Hour)})
			require.NoError(t, err)
			require.Equal(t, claimed, got.Claimed, "key %s: the record naming the customer is gone, the other stays", key)
		}
	})

	t.Run("ComplaintEraseWritesAPostedSection", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		c := &ticket.Complaint{Ticket: *tk, Details: ticket.ComplaintDetails{IssuedAt: at(0), RemedySought: ticket.RemedyKind("refund"),
			Accounting: ticket.Accounting{Counterparty: "Jane"}, Posted: true, PostedAt: at(time.Hour)}}
		require.NoError(t, st.ComplaintCreate(ctx, c))
		c.Details.Accounting.Counterparty = ""
		c.Details.Comments = []ticket.Comment{{Author: "a", Text: "[erased]", At: at(0)}}
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			return as[storage.CustomerTraceEraser](t, tx).ComplaintErase(ctx, c)
		}))
		got, err := st.ComplaintGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: tk.ID})
		require.NoError(t, err)
		require.Equal(t, []any{"", "[erased]", true}, []any{got.Details.Accounting.Counterparty, got.Details.Comments[0].Text, got.Details.Posted})
		list, err := st.ComplaintList(ctx, storage.ComplaintListParams{ComplaintFilter: storage.ComplaintFilter{TenantID: tenantA, Counterparty: "Jane"}})
		require.NoError(t, err)
		require.Empty(t, list.Complaints, "the counterparty column follows")

		unknown := &ticket.Complaint{Ticket: *newTicket(tenantA)}
		err = st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			return as[storage.CustomerTraceEraser](t, tx).ComplaintErase(ctx, unknown)
		})
		require.ErrorIs(t, err, storage.ErrNotFound)
	})
}
