package ticketkit_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// Posting a complaint through the host's remedy handler (issue 13,
// defects 2 and 3), on every backend.

// TestDesk_ComplaintPost posts complaints through the host's remedy handler.
func TestDesk_ComplaintPost(t *testing.T) {
	t.Parallel()

	// ConcurrentPostingsRunTheHandlerOnce races postings
	// of one complaint: the handler runs once, one posting wins and the
	// others get ErrPosted (on PostgreSQL it ran once per posting before
	// the complaint was locked).
	t.Run("ConcurrentPostingsRunTheHandlerOnce", func(t *testing.T) {
		t.Parallel()
		const posters = 6
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
			var calls atomic.Int32
			cd.handle = func(context.Context, ticket.RemedyRequest) (ticket.RemedyResult, error) {
				calls.Add(1)
				// Widen the window in which an unlocked second posting
				// would read the complaint as still fulfilled.
				time.Sleep(100 * time.Millisecond)
				return ticket.RemedyResult{Document: &ticket.RemedyDocument{Kind: ticket.DocCreditNote, ID: "CN-1"}}, nil
			}
			c := cd.toFulfilled(t, cd.open(t))
			var posted, refused atomic.Int32
			start := make(chan struct{})
			var wg sync.WaitGroup
			for range posters {
				wg.Go(func() {
					<-start
					_, err := cd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: c.ID})
					switch {
					case err == nil:
						posted.Add(1)
					case errors.Is(err, ticketkit.ErrPosted):
						refused.Add(1)
					default:
						t.Errorf("a losing posting gives ErrPosted, not: %v", err)
					}
				})
			}
			close(start)
			wg.Wait()
			require.Equal(t, int32(1), calls.Load(), "the remedy handler runs once")
			require.Equal(t, int32(1), posted.Load())
			require.Equal(t, int32(posters-1), refused.Load())
			got, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.True(t, got.Details.Posted)
			require.Equal(t, "CN-1", got.Details.Decision.Remedy.Document.ID)
		})
	})

	// KeepsTheDocumentKindsERPsReturn posts with a handler
	// returning each named document kind and a host-defined one: the
	// posting succeeds and keeps the document (a credit_note used to fail
	// after the handler had run).
	t.Run("KeepsTheDocumentKindsERPsReturn", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			for _, kind := range []ticket.DocumentKind{ticket.DocCreditNote, ticket.DocReturn, ticket.DocReplacementOrder, ticket.DocRepairOrder, "debit_memo"} {
				cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
				cd.handle = func(context.Context, ticket.RemedyRequest) (ticket.RemedyResult, error) {
					return ticket.RemedyResult{Document: &ticket.RemedyDocument{Kind: kind, ID: "D-1", Label: "from the ERP"}}, nil
				}
				c := cd.toFulfilled(t, cd.open(t))
				got, err := cd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: c.ID})
				require.NoError(t, err, kind)
				require.True(t, got.Details.Posted)
				stored, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
				require.NoError(t, err)
				require.Equal(t, &ticket.RemedyDocument{Kind: kind, ID: "D-1", Label: "from the ERP"}, stored.Details.Decision.Remedy.Document)
			}
		})
	})

	// RetryPassesTheSameIdempotencyKey: a posting rolled
	// back after the handler ran (its document is malformed) is retried
	// with the same key; a new decision gets a new one.
	t.Run("RetryPassesTheSameIdempotencyKey", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
			var keys []string
			doc := &ticket.RemedyDocument{Kind: "Credit Note!", ID: "CN-1"} // malformed first
			cd.handle = func(_ context.Context, req ticket.RemedyRequest) (ticket.RemedyResult, error) {
				keys = append(keys, req.IdempotencyKey)
				return ticket.RemedyResult{Document: doc}, nil
			}
			c := cd.toFulfilled(t, cd.open(t))
			_, err := cd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: c.ID})
			var ve *ticketkit.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, "complaint.decision.remedy.document.kind", ve.Fields[0].Field)
			got, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.False(t, got.Details.Posted, "the posting rolled back")

			// A new decision is another posting: another key.
			_, err = cd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: c.ID})
			require.Error(t, err)
			cd.clock.Advance(time.Minute)
			_, err = cd.desk.ComplaintDecide(ctx, agent, ticketkit.ComplaintDecideParams{
				ComplaintID: c.ID, Justified: true,
				Remedy: ticket.Remedy{Kind: ticket.RemedyCreditNote, Amount: decimal.RequireFromString("90.00"), Currency: "EUR"},
			})
			require.NoError(t, err)
			doc = &ticket.RemedyDocument{Kind: ticket.DocCreditNote, ID: "CN-1"}
			_, err = cd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: c.ID})
			require.NoError(t, err)
			require.Len(t, keys, 3)
			require.NotEmpty(t, keys[0])
			require.Equal(t, keys[0], keys[1], "a retried posting of one decision has one key")
			require.NotEqual(t, keys[1], keys[2], "a new decision has a new key")
		})
	})
}
