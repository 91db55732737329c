package bunstore_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
)

// BenchmarkResidualIndexCost measures what each index of migrations
// 20261205000401 (tenant, department, category, updated_at, id,
// created_at) and 20261205000402 (tenant, department, priority,
// created_at, id) adds to the writes of a ticket row, the same way as
// BenchmarkSortIndexCost: per index, two databases of each backend that
// differ only by that index, Desk.Open and Desk.Update of the priority
// interleaved operation by operation, each variant's mean in µs and
// with/without.
//
//	go test -run XXX -bench ResidualIndexCost -benchtime 300x ./storage/bunstore
func BenchmarkResidualIndexCost(b *testing.B) {
	for _, be := range dbtest.Backends() {
		if be.Name == "mysql" {
			continue // MySQL's timings are another brief's
		}
		for _, idx := range []string{"tickets_dept_cat_updated_idx", "tickets_dept_priority_idx"} {
			b.Run(be.Name+"/"+idx, func(b *testing.B) {
				benchIndexCost(b, be, func(db *sql.DB) {
					_, err := db.ExecContext(context.Background(), "DROP INDEX ticketkit_"+idx)
					require.NoError(b, err)
				})
			})
		}
	}
}
