package ticketkit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// Reversing a posted complaint through the host's reversal handler
// (issue 13, item 14), on every backend.

// reversalDesk is a complaint desk plus a Desk on its store whose
// reversal handler is reverse.
type reversalDesk struct {
	*complaintDesk
	rdesk   *ticketkit.Desk
	reverse ticket.ReversalHandlerFunc
}

// newReversalDesk returns a reversalDesk whose handler, until a test
// sets reverse, returns the debit note DN-1.
func newReversalDesk(t *testing.T, b backend) *reversalDesk {
	t.Helper()
	rd := &reversalDesk{complaintDesk: newComplaintDesk(t, b, workflow.ComplaintRules{})}
	rd.reverse = func(context.Context, ticket.ReversalRequest) (ticket.RemedyResult, error) {
		return ticket.RemedyResult{Document: &ticket.RemedyDocument{Kind: "debit_note", ID: "DN-1"}}, nil
	}
	handler := ticket.ReversalHandlerFunc(func(ctx context.Context, req ticket.ReversalRequest) (ticket.RemedyResult, error) {
		return rd.reverse(ctx, req)
	})
	desk, err := ticketkit.New(ticketkit.Config{Store: rd.store, Clock: rd.clock, Complaints: &ticketkit.ComplaintConfig{
		Reversals: handler,
	}})
	require.NoError(t, err)
	rd.rdesk = desk
	return rd
}

// posted returns a posted complaint, its remedy carried out as CN-1.
func (rd *reversalDesk) postedComplaint(t *testing.T) *ticket.Complaint {
	t.Helper()
	c := rd.toFulfilled(t, rd.open(t))
	c, err := rd.desk.ComplaintPost(t.Context(), agent, ticketkit.ComplaintPostParams{ComplaintID: c.ID})
	require.NoError(t, err)
	return c
}

// TestDesk_ComplaintReverse reverses posted complaints through the host's reversal handler.
func TestDesk_ComplaintReverse(t *testing.T) {
	t.Parallel()

	// LinksTheReversingEntry reverses a posted
	// complaint: the handler gets the original document, the reason and a
	// key; the complaint stays posted with its decision as it was, linked to
	// the reversing entry, with a history line and a notification.
	t.Run("LinksTheReversingEntry", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			rd := newReversalDesk(t, b)
			c := rd.postedComplaint(t)
			before, err := rd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			outboxKinds(t, rd.store) // drain the posting's notifications
			var reqs []ticket.ReversalRequest
			rd.reverse = func(_ context.Context, req ticket.ReversalRequest) (ticket.RemedyResult, error) {
				reqs = append(reqs, req)
				return ticket.RemedyResult{Document: &ticket.RemedyDocument{Kind: "debit_note", ID: "DN-1"}}, nil
			}
			rd.clock.Advance(time.Hour)
			got, err := rd.rdesk.ComplaintReverse(ctx, agent, ticketkit.ComplaintReverseParams{ComplaintID: c.ID, Reason: "credit issued twice"})
			require.NoError(t, err)
			require.Len(t, reqs, 1)
			require.Equal(t, "CN-1", reqs[0].Original.ID)
			require.Equal(t, "credit issued twice", reqs[0].Reason)
			require.NotEmpty(t, reqs[0].IdempotencyKey)
			require.NotNil(t, reqs[0].Tx)

			stored, err := rd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, got.Version, stored.Version)
			rev := stored.Details.Reversal
			require.NotNil(t, rev)
			require.Equal(t, &ticket.RemedyDocument{Kind: "debit_note", ID: "DN-1"}, rev.Document)
			require.Equal(t, agent.ID, rev.By)
			require.Equal(t, "credit issued twice", rev.Reason)
			require.True(t, rev.At.Equal(t0.Add(time.Hour)) || rev.At.After(t0.Add(time.Hour)), rev.At)
			require.Equal(t, reqs[0].IdempotencyKey, rev.IdempotencyKey)

			seen, err := rd.desk.ComplaintGet(ctx, customer, c.ID)
			require.NoError(t, err)
			require.Equal(t, &ticket.ComplaintReversal{At: rev.At, Document: rev.Document}, seen.Details.Reversal,
				"the customer sees the reversing entry, not who reversed or why")

			// The original is as posted, but for the link.
			require.True(t, stored.Details.Posted)
			require.Equal(t, before.Status, stored.Status)
			require.Equal(t, before.Details.Decision.Remedy.Document, stored.Details.Decision.Remedy.Document)
			stored.Details.Reversal = nil
			require.Equal(t, before.Details, stored.Details)
			_, err = rd.desk.ComplaintUpdate(ctx, agent, ticketkit.ComplaintUpdateParams{ComplaintID: c.ID, Subject: new("edited")})
			require.ErrorIs(t, err, ticketkit.ErrPosted, "a reversed complaint stays immutable")

			hist, err := rd.desk.History(ctx, agent, c.ID)
			require.NoError(t, err)
			var lines []string
			for _, e := range hist {
				if e.Field == ticket.FieldReversal || e.Field == ticket.FieldReversedBy {
					lines = append(lines, e.Field+": "+e.New+" by "+e.ActorID)
				}
			}
			require.Equal(t, []string{
				"complaint.reversal: credit issued twice [debit_note:DN-1] by agent-1",
				"complaint.reversal.by: agent-1 (agent) at " + rev.At.Format(time.RFC3339) + " by agent-1",
			}, lines)
			require.Equal(t, map[string]int{string(notify.KindComplaintReversed): 1}, outboxKinds(t, rd.store))
		})
	})

	// Refusals: an unposted complaint, one already
	// reversed, a missing reason and a customer are refused, without
	// calling the handler.
	t.Run("Refusals", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			rd := newReversalDesk(t, b)
			var calls atomic.Int32
			rd.reverse = func(context.Context, ticket.ReversalRequest) (ticket.RemedyResult, error) {
				calls.Add(1)
				return ticket.RemedyResult{}, nil
			}
			open := rd.toFulfilled(t, rd.open(t))
			_, err := rd.rdesk.ComplaintReverse(ctx, agent, ticketkit.ComplaintReverseParams{ComplaintID: open.ID, Reason: "r"})
			require.ErrorIs(t, err, ticketkit.ErrNotPosted)

			c := rd.postedComplaint(t)
			_, err = rd.rdesk.ComplaintReverse(ctx, agent, ticketkit.ComplaintReverseParams{ComplaintID: c.ID})
			var ve *ticketkit.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, "reason", ve.Fields[0].Field)
			_, err = rd.rdesk.ComplaintReverse(ctx, customer, ticketkit.ComplaintReverseParams{ComplaintID: c.ID, Reason: "r"})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
			require.Zero(t, calls.Load())

			_, err = rd.rdesk.ComplaintReverse(ctx, agent, ticketkit.ComplaintReverseParams{ComplaintID: c.ID, Reason: "r"})
			require.NoError(t, err)
			_, err = rd.rdesk.ComplaintReverse(ctx, agent, ticketkit.ComplaintReverseParams{ComplaintID: c.ID, Reason: "again"})
			require.ErrorIs(t, err, ticketkit.ErrReversed)
			require.Equal(t, int32(1), calls.Load())
		})
	})

	// HandlerFailureRollsBack: a failing handler leaves
	// the complaint unreversed, with no history line or notification, and a
	// retry passes the same idempotency key.
	t.Run("HandlerFailureRollsBack", func(t *testing.T) {
		t.Parallel()
		boom := errors.New("ERP down")
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			rd := newReversalDesk(t, b)
			c := rd.postedComplaint(t)
			outboxKinds(t, rd.store)
			var keys []string
			rd.reverse = func(_ context.Context, req ticket.ReversalRequest) (ticket.RemedyResult, error) {
				keys = append(keys, req.IdempotencyKey)
				return ticket.RemedyResult{}, boom
			}
			_, err := rd.rdesk.ComplaintReverse(ctx, agent, ticketkit.ComplaintReverseParams{ComplaintID: c.ID, Reason: "r"})
			require.ErrorIs(t, err, boom)
			stored, err := rd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Nil(t, stored.Details.Reversal)
			require.Equal(t, c.Version, stored.Version)
			require.NotContains(t, historyFields(t, rd.complaintDesk, c.ID), ticket.FieldReversal)
			require.Empty(t, outboxKinds(t, rd.store))

			rd.reverse = func(_ context.Context, req ticket.ReversalRequest) (ticket.RemedyResult, error) {
				keys = append(keys, req.IdempotencyKey)
				return ticket.RemedyResult{}, nil
			}
			_, err = rd.rdesk.ComplaintReverse(ctx, agent, ticketkit.ComplaintReverseParams{ComplaintID: c.ID, Reason: "r"})
			require.NoError(t, err)
			require.Len(t, keys, 2)
			require.Equal(t, keys[0], keys[1])
		})
	})

	// ConcurrentReversalsRunTheHandlerOnce races
	// reversals of one complaint: the handler runs once, one wins and the
	// others get ErrReversed.
	t.Run("ConcurrentReversalsRunTheHandlerOnce", func(t *testing.T) {
		t.Parallel()
		const reversers = 6
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			rd := newReversalDesk(t, b)
			c := rd.postedComplaint(t)
			var calls atomic.Int32
			rd.reverse = func(context.Context, ticket.ReversalRequest) (ticket.RemedyResult, error) {
				calls.Add(1)
				time.Sleep(100 * time.Millisecond) // widen the race window
				return ticket.RemedyResult{}, nil
			}
			var won, refused atomic.Int32
			start := make(chan struct{})
			var wg sync.WaitGroup
			for range reversers {
				wg.Go(func() {
					<-start
					_, err := rd.rdesk.ComplaintReverse(ctx, agent, ticketkit.ComplaintReverseParams{ComplaintID: c.ID, Reason: "r"})
					switch {
					case err == nil:
						won.Add(1)
					case errors.Is(err, ticketkit.ErrReversed):
						refused.Add(1)
					default:
						t.Errorf("a losing reversal gives ErrReversed, not: %v", err)
					}
				})
			}
			close(start)
			wg.Wait()
			require.Equal(t, int32(1), calls.Load(), "the reversal handler runs once")
			require.Equal(t, int32(1), won.Load())
			require.Equal(t, int32(reversers-1), refused.Load())
		})
	})

	// StoreWritesTheLinkAlone calls the stores'
	// ComplaintReverse with a complaint changed beyond its reversal: only
	// the link and the update time are stored, at a new version, once.
	t.Run("StoreWritesTheLinkAlone", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			rd := newReversalDesk(t, b)
			unposted := rd.open(t)
			c := rd.postedComplaint(t)
			reverse := func(c *ticket.Complaint) error {
				return rd.store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
					return tx.(storage.ComplaintReverser).ComplaintReverse(ctx, c)
				})
			}
			changed := c.Clone()
			changed.Subject, changed.Details.Accounting.Company = "rewritten", "OTHER"
			changed.UpdatedAt = t0.Add(time.Hour)
			changed.Details.Reversal = &ticket.ComplaintReversal{By: "agent-1", At: t0.Add(time.Hour), Reason: "r"}
			require.NoError(t, reverse(changed))
			require.Equal(t, c.Version+1, changed.Version)

			stored, err := rd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, c.Subject, stored.Subject)
			require.Equal(t, c.Details.Accounting.Company, stored.Details.Accounting.Company)
			require.Equal(t, "r", stored.Details.Reversal.Reason)
			require.Equal(t, changed.Version, stored.Version)
			require.True(t, stored.UpdatedAt.Equal(t0.Add(time.Hour)))

			again := stored.Clone()
			require.ErrorIs(t, reverse(again), storage.ErrConflict, "reversed once")
			unposted.Details.Reversal = changed.Details.Reversal
			require.ErrorIs(t, reverse(unposted), storage.ErrConflict, "only a posted complaint")
		})
	})
}

// TestDesk_ComplaintReverseTx reverses in the host's transaction: the handler
// gets a transaction, a host rollback leaves the complaint unreversed
// with nothing to announce, a commit keeps the reversal.
func TestDesk_ComplaintReverseTx(t *testing.T) {
	t.Parallel()
	for _, commit := range []bool{false, true} {
		t.Run(fmt.Sprintf("commit=%t", commit), func(t *testing.T) {
			t.Parallel()
			onEveryBackend(t, func(t *testing.T, b backend) {
				ctx := t.Context()
				rd := newReversalDesk(t, b)
				c := rd.postedComplaint(t)
				outboxKinds(t, rd.store)
				var got []any
				rd.reverse = func(_ context.Context, req ticket.ReversalRequest) (ticket.RemedyResult, error) {
					got = append(got, req.Tx)
					return ticket.RemedyResult{}, nil
				}
				err := hostTx(t, rd.store)(ctx, func(ctx context.Context, tx storage.Tx) error {
					_, err := rd.rdesk.ComplaintReverseTx(ctx, tx, agent, ticketkit.ComplaintReverseParams{ComplaintID: c.ID, Reason: "r"})
					require.NoError(t, err)
					require.Len(t, got, 1)
					require.NotNil(t, got[0], "the handler got the transaction")
					if !commit {
						return errHostRollback
					}
					return nil
				})
				stored, gerr := rd.desk.ComplaintGet(ctx, agent, c.ID)
				require.NoError(t, gerr)
				if !commit {
					require.ErrorIs(t, err, errHostRollback)
					require.Nil(t, stored.Details.Reversal)
					require.Empty(t, outboxKinds(t, rd.store))
					return
				}
				require.NoError(t, err)
				require.Equal(t, "r", stored.Details.Reversal.Reason)
				require.Equal(t, map[string]int{string(notify.KindComplaintReversed): 1}, outboxKinds(t, rd.store))
			})
		})
	}
}
