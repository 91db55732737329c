package memory_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/storage/storagetest"
)

// features are the optional capabilities the memory store declares: all
// of them.
var features = storagetest.Features{
	Complaints: true, ComplaintLocker: true, ComplaintReverser: true, ComplaintOverdue: true, Inbound: true,
	AttachmentRefs: true, SLAUpdater: true, BatchUpdater: true, Idempotency: true, OutboxStats: true,
	TicketLocker: true, MessageMover: true, Links: true, Config: true,
	Presence: true, SortKeyUpdater: true, Watchers: true, FullText: true, Ratings: true, TimeEntries: true, Pruner: true, CustomerEraser: true, AssigneeCounter: true, TicketPurger: true, CustomerTraceEraser: true,
}

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store { return memory.New() }, features)
}

func TestTxIsUnusableAfterRunInTx(t *testing.T) {
	ctx := context.Background()
	st := memory.New()
	var leaked storage.Tx
	require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		leaked = tx
		return nil
	}))

	_, err := leaked.SequenceNext(ctx, storage.SequenceNextParams{TenantID: "acme", Scope: "TK"})
	require.Error(t, err)
	n, err := st.SequenceNext(ctx, storage.SequenceNextParams{TenantID: "acme", Scope: "TK"})
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
}

func TestCanceledContextIsRefused(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	st := memory.New()

	_, err := st.SequenceNext(ctx, storage.SequenceNextParams{TenantID: "acme", Scope: "TK"})
	require.ErrorIs(t, err, context.Canceled)
	_, err = st.TicketList(ctx, storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: "acme"}})
	require.ErrorIs(t, err, context.Canceled)
	n, err := st.SequenceNext(context.Background(), storage.SequenceNextParams{TenantID: "acme", Scope: "TK"})
	require.NoError(t, err)
	require.Equal(t, int64(1), n, "the refused call must not count")
}
