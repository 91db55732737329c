package bunstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
)

// The ratings and time reports, whose groupings are checked before any
// statement (so TestBlackboxEveryMethodRefusesAnUnsafeSession skips
// them), refuse an unsafe session with a valid grouping.
func TestReportsRefuseAnUnsafeSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	safe := dbtest.Postgres(t)
	newStore(t, safe, bunstore.Config{})
	unsafe := openUnsafe(t, safe)
	us, err := bunstore.New(unsafe, bunstore.Config{})
	require.NoError(t, err)
	_, err = us.RatingReport(ctx, storage.RatingReportParams{TenantID: "x\\') OR (1=1) --", GroupBy: storage.GroupByAgent})
	require.ErrorIs(t, err, bunstore.ErrUnsafeSession)
	us, err = bunstore.New(unsafe, bunstore.Config{})
	require.NoError(t, err)
	_, err = us.TimeEntryReport(ctx, storage.TimeReportParams{TenantID: "x\\') OR (1=1) --", GroupBy: storage.GroupByMonth})
	require.ErrorIs(t, err, bunstore.ErrUnsafeSession)
}
