package ticketkit_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// errHostRollback is what a host's function returns to roll its
// transaction back.
var errHostRollback = errors.New("the host rolls back")

// hostRunner runs fn in a transaction of the host's, as a host does:
// over the Bun store, a bun.Tx the host begins on its *bun.DB, handed to
// the Desk as store.WithTx(tx); over the memory store, its RunInTx.
type hostRunner func(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error

// hostTx returns how a host runs its own transactions on store.
func hostTx(t *testing.T, store storage.Store) hostRunner {
	t.Helper()
	bs, ok := store.(*bunstore.Store)
	if !ok {
		return store.RunInTx
	}
	db, err := bunstore.TxDB(bs)
	require.NoError(t, err)
	return func(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
		return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return fn(ctx, bs.WithTx(tx)) })
	}
}

// runTicketTxUseCases runs every ticket use case's ...Tx variant in a
// host transaction, on a Desk with an inline notifier over a store of b
// that owns its transactions, and commits or rolls the host's
// transaction back: nothing is delivered inline; a host rollback leaves
// nothing stored nor announced; after a commit a Dispatcher delivers
// each notification exactly once.
func runTicketTxUseCases(t *testing.T, b backend, commit bool) {
	ctx := t.Context()
	store := b.Open(t)
	rec := notifytest.NewRecorder()
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Notifier: rec})
	require.NoError(t, err)

	var tk *ticket.Ticket
	err = hostTx(t, store)(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		tk, err = desk.OpenTx(ctx, tx, agent, ticketkit.OpenParams{Subject: "in the host's transaction", Customer: ticket.Customer{ID: "C-1"}})
		require.NoError(t, err)
		_, err = desk.ReplyTx(ctx, tx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "on it"})
		require.NoError(t, err)
		_, err = desk.AddNoteTx(ctx, tx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "internal"})
		require.NoError(t, err)
		_, err = desk.AssignTx(ctx, tx, agent, ticketkit.AssignParams{TicketID: tk.ID, Assignee: new("agent-2")})
		require.NoError(t, err)
		_, err = desk.UpdateTx(ctx, tx, agent, ticketkit.UpdateParams{TicketID: tk.ID, Subject: new("renamed")})
		require.NoError(t, err)
		got, err := desk.TransitionTx(ctx, tx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusClosed, Reason: "fixed"})
		require.NoError(t, err)
		require.Equal(t, ticket.StatusClosed, got.Status)
		require.Equal(t, "renamed", got.Subject)
		require.Zero(t, rec.Len(), "nothing announced inside the host's transaction")
		if !commit {
			return errHostRollback
		}
		return nil
	})
	require.Zero(t, rec.Len(), "nothing delivered inline after the host's transaction either")
	if !commit {
		require.ErrorIs(t, err, errHostRollback)
		_, err = desk.Get(ctx, agent, tk.ID)
		require.ErrorIs(t, err, ticketkit.ErrNotFound, "the ticket rolled back with the host")
		res, _ := deliverLater(t, store, nil)
		require.Zero(t, res.Claimed, "nothing to announce")
		return
	}
	require.NoError(t, err)
	got, err := desk.Get(ctx, agent, tk.ID)
	require.NoError(t, err)
	require.Equal(t, ticket.StatusClosed, got.Status)
	// opened, two messages added (reply and note), assigned,
	// status changed, closed; a subject change notifies no one.
	requireDeliveredOnce(t, store, tk.ID, 6)
}

func TestDesk_OpenTx(t *testing.T) {
	t.Parallel()

	setup := func(t *testing.T, b dbtest.Backend) (*ticketkit.Desk, *bunTxBundle) {
		t.Helper()
		db := b.Open(t)
		store, err := bunstore.New(db, bunstore.Config{})
		require.NoError(t, err)
		require.NoError(t, store.Migrate(t.Context()))
		desk, err := ticketkit.New(ticketkit.Config{Store: store})
		require.NoError(t, err)
		return desk, &bunTxBundle{db: db, store: store}
	}

	t.Run("HostRollbackAnnouncesNothing", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) { runTicketTxUseCases(t, b, false) })
	})

	t.Run("CommitIsDeliveredByADispatcherExactlyOnce", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) { runTicketTxUseCases(t, b, true) })
	})

	// FailureLeavesTheHostTxAsItWas: over the Bun store's handle a Tx
	// use case runs in a savepoint, so one that fails after writing
	// (here the inbound claim it was given is unknown, after the ticket
	// and its number were written) leaves nothing in the host's
	// transaction, which commits its own work.
	t.Run("FailureLeavesTheHostTxAsItWas", func(t *testing.T) {
		t.Parallel()
		dbtest.EachBackend(t, func(t *testing.T, b dbtest.Backend) {
			desk, bundle := setup(t, b)
			ctx := t.Context()
			var kept *ticket.Ticket
			require.NoError(t, bundle.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				h := bundle.store.WithTx(tx)
				_, err := desk.OpenTx(ctx, h, agent, ticketkit.OpenParams{
					Subject: "claim unknown", Inbound: &ticketkit.InboundClaim{Key: "no-such-mail", At: t0},
				})
				require.ErrorIs(t, err, ticketkit.ErrNotFound)
				kept, err = desk.OpenTx(ctx, h, agent, ticketkit.OpenParams{Subject: "kept"})
				return err
			}))
			res, err := desk.Search(ctx, agent, ticketkit.SearchParams{})
			require.NoError(t, err)
			require.Equal(t, []string{kept.Number}, numbers(res.Tickets), "the failed open left no ticket")
			require.Regexp(t, `-000001$`, kept.Number, "nor drew a number")
		})
	})

	t.Run("TxVariantsRefuseANilTx", func(t *testing.T) {
		t.Parallel()
		desk, err := ticketkit.New(ticketkit.Config{Store: memoryBackend().Open(t)})
		require.NoError(t, err)
		_, err = desk.OpenTx(t.Context(), nil, agent, ticketkit.OpenParams{Subject: "x"})
		require.ErrorIs(t, err, ticketkit.ErrNoTx)
		_, err = desk.ComplaintPostTx(t.Context(), nil, agent, ticketkit.ComplaintPostParams{ComplaintID: "x"})
		require.ErrorIs(t, err, ticketkit.ErrNoTx)
	})
}

// bunTxBundle is a migrated Bun store and the database under it.
type bunTxBundle struct {
	db    *bun.DB
	store *bunstore.Store
}

// raceOnce is a host's transaction in which the first ticket update
// loses a version race, as when another writer committed the ticket
// between the change's read and its write. It offers no savepoints, so
// the Desk writes through it directly.
type raceOnce struct {
	storage.Tx
	updates atomic.Int32
}

func (r *raceOnce) TicketUpdate(ctx context.Context, t *ticket.Ticket) error {
	if r.updates.Add(1) == 1 {
		return fmt.Errorf("raceOnce: ticket %s: %w", t.ID, storage.ErrConflict)
	}
	return r.Tx.TicketUpdate(ctx, t)
}

func TestDesk_ReplyTx(t *testing.T) {
	t.Parallel()

	// LostRaceIsConflict: inside the host's transaction a change that
	// lost a race is not run again, even without a version: it fails
	// with ErrConflict for the host to retry its transaction.
	t.Run("LostRaceIsConflict", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			store := b.Open(t)
			desk, err := ticketkit.New(ticketkit.Config{Store: store})
			require.NoError(t, err)
			tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "raced"})
			require.NoError(t, err)

			err = hostTx(t, store)(ctx, func(ctx context.Context, tx storage.Tx) error {
				race := &raceOnce{Tx: tx}
				_, err := desk.ReplyTx(ctx, race, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "lost"})
				require.ErrorIs(t, err, ticketkit.ErrConflict)
				require.ErrorContains(t, err, "retry the transaction")
				require.Equal(t, int32(1), race.updates.Load(), "not run again inside the host's transaction")
				return errHostRollback
			})
			require.ErrorIs(t, err, errHostRollback)
		})
	})
}

// creditNotes is the host's own table, written by its remedy handler.
const creditNotes = "host_credit_notes"

// writeCreditNote is a remedy handler that writes the host's credit
// note in the posting's transaction (RemedyRequest.Tx), then fails when
// fail is set.
func writeCreditNote(t *testing.T, fail error, got *[]any) ticket.RemedyHandlerFunc {
	return func(ctx context.Context, req ticket.RemedyRequest) (ticket.RemedyResult, error) {
		*got = append(*got, req.Tx)
		if db, err := bunstore.TxDB(req.Tx); err == nil {
			if _, err := db.ExecContext(ctx, "INSERT INTO "+creditNotes+" (note_key) VALUES (?)", req.IdempotencyKey); err != nil {
				return ticket.RemedyResult{}, err
			}
		} else if _, mem := req.Tx.(storage.Tx); !mem {
			t.Errorf("RemedyRequest.Tx is %T", req.Tx)
		}
		if fail != nil {
			return ticket.RemedyResult{}, fail
		}
		return ticket.RemedyResult{Document: &ticket.RemedyDocument{Kind: ticket.DocCreditNote, ID: "CN-1", Label: "credit note"}}, nil
	}
}

// countCreditNotes returns how many credit notes the host stored, or -1
// on the memory store, which has no host tables.
func countCreditNotes(t *testing.T, store storage.Store) int64 {
	t.Helper()
	db, err := bunstore.TxDB(store)
	if err != nil {
		return -1
	}
	n, err := db.NewSelect().TableExpr(creditNotes).Count(t.Context())
	require.NoError(t, err)
	return n
}

// runComplaintTxUseCases runs a complaint's whole life in the host's
// transaction with the complaint ...Tx variants (and TransitionTx, which
// routes a complaint through the host's transaction too), on a store of
// b, and commits or rolls the host's transaction back. The remedy
// handler gets the transaction and writes the host's credit note in it:
// a host rollback leaves neither the complaint nor the credit note nor
// anything to announce; a commit keeps both and a Dispatcher delivers.
func runComplaintTxUseCases(t *testing.T, b backend, commit bool) {
	ctx := t.Context()
	cd := newComplaintDesk(t, b, workflowRulesNone)
	var txs []any
	cd.handle = writeCreditNote(t, nil, &txs)
	if db, err := bunstore.TxDB(cd.store); err == nil {
		_, err = db.ExecContext(ctx, "CREATE TABLE "+creditNotes+" (note_key VARCHAR(255) PRIMARY KEY)")
		require.NoError(t, err)
	}
	var id string
	err := hostTx(t, cd.store)(ctx, func(ctx context.Context, tx storage.Tx) error {
		c, err := cd.desk.ComplaintOpenTx(ctx, tx, agent, complaintParams())
		require.NoError(t, err)
		id = c.ID
		_, err = cd.desk.TransitionTx(ctx, tx, agent, ticketkit.TransitionParams{TicketID: id, To: ticket.StatusPlanned})
		require.NoError(t, err, "routed to the complaint workflow, read in the host's transaction")
		c, err = cd.desk.ComplaintDecideTx(ctx, tx, agent, creditDecision(id))
		require.NoError(t, err)
		var done []ticketkit.ActionChange
		for _, a := range c.Actions {
			done = append(done, ticketkit.ActionChange{ID: a.ID, Done: new(true)})
		}
		_, err = cd.desk.ComplaintPlanTx(ctx, tx, agent, ticketkit.ComplaintPlanParams{ComplaintID: id, Change: done})
		require.NoError(t, err)
		_, err = cd.desk.ComplaintUpdateTx(ctx, tx, agent, ticketkit.ComplaintUpdateParams{ComplaintID: id, Subject: new("Leaking kettles, batch B-7")})
		require.NoError(t, err)
		_, err = cd.desk.ComplaintCommentTx(ctx, tx, agent, ticketkit.ComplaintCommentParams{ComplaintID: id, Text: "checked"})
		require.NoError(t, err)
		_, err = cd.desk.ComplaintReviewTx(ctx, tx, agent, ticketkit.ComplaintReviewParams{ComplaintID: id, Outcome: ticket.ReviewApproved})
		require.NoError(t, err)
		_, err = cd.desk.ComplaintTransitionTx(ctx, tx, agent, ticketkit.ComplaintTransitionParams{ComplaintID: id, To: ticket.StatusFulfilled, EndDate: t0})
		require.NoError(t, err)
		c, err = cd.desk.ComplaintPostTx(ctx, tx, agent, ticketkit.ComplaintPostParams{ComplaintID: id})
		require.NoError(t, err)
		require.True(t, c.Details.Posted)
		require.Len(t, txs, 1)
		require.NotNil(t, txs[0], "the handler got the transaction")
		if !commit {
			return errHostRollback
		}
		return nil
	})
	if !commit {
		require.ErrorIs(t, err, errHostRollback)
		_, err = cd.desk.ComplaintGet(ctx, agent, id)
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
		require.LessOrEqual(t, countCreditNotes(t, cd.store), int64(0), "the credit note rolled back with the posting")
		res, _ := deliverLater(t, cd.store, nil)
		require.Zero(t, res.Claimed)
		return
	}
	require.NoError(t, err)
	c, err := cd.desk.ComplaintGet(ctx, agent, id)
	require.NoError(t, err)
	require.True(t, c.Details.Posted)
	require.Equal(t, "CN-1", c.Details.Decision.Remedy.Document.ID)
	if n := countCreditNotes(t, cd.store); n >= 0 {
		require.Equal(t, int64(1), n, "the credit note committed with the posting")
	}
	res, led := deliverLater(t, cd.store, nil)
	require.NotZero(t, res.Delivered)
	require.Equal(t, ticketkit.DispatchResult{Claimed: res.Delivered, Delivered: res.Delivered}, res)
	for id, n := range led.delivered {
		require.Equal(t, 1, n, "event %s", id)
	}
}

func TestDesk_PostComplaintTx(t *testing.T) {
	t.Parallel()

	t.Run("HostRollbackLeavesNoComplaintNorCreditNote", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) { runComplaintTxUseCases(t, b, false) })
	})

	t.Run("CommitKeepsBothAndIsDelivered", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) { runComplaintTxUseCases(t, b, true) })
	})
}

// TestDesk_PostComplaintHandlerWritesInThePosting: with the Desk's own
// transaction too, the remedy handler gets it: a credit note it wrote
// rolls back when the posting fails after it.
func TestDesk_PostComplaintHandlerWritesInThePosting(t *testing.T) {
	t.Parallel()
	// The Bun stores, where the host has tables.
	dbtest.RunStores(t, dbtest.Stores()[1:], func(t *testing.T, b backend) {
		ctx := t.Context()
		cd := newComplaintDesk(t, b, workflowRulesNone)
		db, err := bunstore.TxDB(cd.store)
		require.NoError(t, err)
		_, err = db.ExecContext(ctx, "CREATE TABLE "+creditNotes+" (note_key VARCHAR(255) PRIMARY KEY)")
		require.NoError(t, err)
		c := cd.toFulfilled(t, cd.open(t))

		var txs []any
		boom := errors.New("ERP refused after writing")
		cd.handle = writeCreditNote(t, boom, &txs)
		_, err = cd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: c.ID})
		require.ErrorIs(t, err, boom)
		require.Len(t, txs, 1)
		require.Zero(t, countCreditNotes(t, cd.store), "written in the posting's transaction, rolled back with it")

		cd.handle = writeCreditNote(t, nil, &txs)
		c, err = cd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: c.ID})
		require.NoError(t, err)
		require.True(t, c.Details.Posted)
		require.Equal(t, int64(1), countCreditNotes(t, cd.store))
	})
}

// workflowRulesNone is the default complaint workflow, without extra
// rules.
var workflowRulesNone = workflow.ComplaintRules{}

// complaintParams is a defect complaint from INV-1, as complaintDesk.open
// opens it.
func complaintParams() ticketkit.ComplaintOpenParams {
	return ticketkit.ComplaintOpenParams{
		Subject: "Leaking kettles", Reason: "CR02", Category: ticket.CategoryDefect,
		RemedySought: ticket.RemedyCreditNote, Source: invoice,
		Accounting: ticket.Accounting{SalesAdjustment: true, Amount: decimal.RequireFromString("120.00")},
	}
}

// creditDecision decides complaint id justified, with a credit note.
func creditDecision(id string) ticketkit.ComplaintDecideParams {
	return ticketkit.ComplaintDecideParams{
		ComplaintID: id, Justified: true,
		Remedy: ticket.Remedy{Kind: ticket.RemedyCreditNote, Amount: decimal.RequireFromString("99.90"), Currency: "EUR"},
	}
}
