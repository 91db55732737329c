package bunstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// sortIndexes are the indexes of migration 20261203000101_ticket_sort_keys.
var sortIndexes = []string{
	"tickets_prank_idx", "tickets_srank_idx", "tickets_crank_idx", "tickets_due_idx",
	"tickets_dept_prank_idx", "tickets_assignee_prank_idx", "tickets_assignee_due_idx",
	"tickets_dept_updated_idx", "tickets_assignee_status_idx",
}

// BenchmarkSortIndexCost measures what the sort indexes of migration
// 20261203000101 add to the writes of a ticket row, in the same run, on
// two databases of each backend that differ only by those indexes
// ("with" and "without", each holding 2,000 tickets first):
// Desk.Open, and Desk.Update raising the priority (a change of indexed
// columns, as an escalation level's), interleaved operation by
// operation. It reports each variant's mean in µs and with/without.
//
//	go test -run XXX -bench SortIndexCost -benchtime 400x ./storage/bunstore
func BenchmarkSortIndexCost(b *testing.B) {
	for _, be := range dbtest.Backends() {
		if be.Name == "mysql" {
			continue // MySQL's timings are another brief's
		}
		b.Run(be.Name, func(b *testing.B) {
			benchIndexCost(b, be, func(db *sql.DB) {
				for _, idx := range sortIndexes {
					_, err := db.ExecContext(context.Background(), "DROP INDEX ticketkit_"+idx)
					require.NoError(b, err)
				}
			})
		})
	}
}

// BenchmarkTextIndexCost measures, on PostgreSQL, what the per-tenant
// gram index of migration 20261203000201 (tickets_text_grams_idx: one,
// two and three-character keys prefixed with the tenant) costs the writes
// of a ticket row against the pg_trgm index it replaced
// (tickets_subject_trgm_idx), with subjects of a realistic length, the
// same way as BenchmarkSortIndexCost ("with" the gram index, "without"
// it but with the old trigram index); and on MySQL what the gram table
// of migration 20261203000901 and its triggers cost, against none.
//
//	go test -run XXX -bench TextIndexCost -benchtime 400x ./storage/bunstore
func BenchmarkTextIndexCost(b *testing.B) {
	for _, be := range dbtest.Backends() {
		switch be.Name {
		case "mysql":
			// With the gram table and its triggers, and without any.
			b.Run(be.Name, func(b *testing.B) {
				benchIndexCost(b, be, func(db *sql.DB) {
					for _, stmt := range []string{
						"DROP TRIGGER ticketkit_tickets_text_grams_insert", "DROP TRIGGER ticketkit_tickets_text_grams_update",
						"DROP TRIGGER ticketkit_tickets_text_grams_delete", "DROP TABLE ticketkit_ticket_text_grams",
					} {
						_, err := db.ExecContext(context.Background(), stmt)
						require.NoError(b, err)
					}
				})
			})
			continue
		case "postgres":
		default:
			continue
		}
		b.Run(be.Name, func(b *testing.B) {
			benchIndexCost(b, be, func(db *sql.DB) {
				ctx := context.Background()
				_, err := db.ExecContext(ctx, "DROP INDEX ticketkit_tickets_text_grams_idx")
				require.NoError(b, err)
				_, err = db.ExecContext(ctx, "CREATE INDEX ticketkit_tickets_subject_trgm_idx ON ticketkit_tickets USING gin (subject_lower public.gin_trgm_ops) WITH (fastupdate = off)")
				require.NoError(b, err)
			})
		})
	}
}

// benchIndexCost opens two stores of be, lets without change the second
// one's indexes, and reports Desk.Open and Desk.Update on each,
// interleaved operation by operation, and their ratio.
func benchIndexCost(b *testing.B, be dbtest.Backend, without func(db *sql.DB)) {
	ctx := context.Background()
	var desks [2]*ticketkit.Desk
	for i := range desks {
		db := be.Open(b)
		db.SetMaxOpenConns(1)
		st := newStore(b, db, bunstore.Config{})
		if i == 1 {
			without(db.DB)
		}
		d, err := ticketkit.New(ticketkit.Config{Store: st})
		require.NoError(b, err)
		desks[i] = d
	}
	agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "bench"}
	open := func(d *ticketkit.Desk, i int) *ticket.Ticket {
		t, err := d.Open(ctx, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("Kettle %d stopped heating after two weeks of use", i),
			Customer: ticket.Customer{ID: fmt.Sprintf("c%d", i%400)}})
		if err != nil {
			b.Fatal(err)
		}
		return t
	}
	for i := range 2000 {
		for _, d := range desks {
			open(d, i)
		}
	}
	var spent [2][2]time.Duration // [with, without][open, update]
	urgent := ticket.PriorityUrgent
	i := 0
	for b.Loop() {
		for v, d := range desks {
			start := time.Now()
			t := open(d, i)
			spent[v][0] += time.Since(start)
			start = time.Now()
			if _, err := d.Update(ctx, agent, ticketkit.UpdateParams{TicketID: t.ID, Priority: &urgent}); err != nil {
				b.Fatal(err)
			}
			spent[v][1] += time.Since(start)
		}
		i++
	}
	n := float64(max(i, 1))
	for op, name := range []string{"open", "update"} {
		with, without := float64(spent[0][op].Microseconds())/n, float64(spent[1][op].Microseconds())/n
		b.ReportMetric(with, name+"-with-µs")
		b.ReportMetric(without, name+"-without-µs")
		b.ReportMetric(with/without, name+"-ratio")
	}
}
