package bunstore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
)

// listAll pages through every ticket of tenant acme with p, two at a
// time, and returns their IDs.
func listAll(t *testing.T, st storage.Store, p storage.TicketListParams) []string {
	t.Helper()
	p.TenantID, p.Limit = "acme", 2
	var out []string
	for range 100 {
		res, err := st.TicketList(context.Background(), p)
		require.NoError(t, err)
		for _, tk := range res.Tickets {
			out = append(out, tk.ID)
		}
		if res.Next == "" {
			return out
		}
		p.After = res.Next
	}
	t.Fatal("too many pages")
	return nil
}

func TestTicketListOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range migratedBackends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			st := newStore(t, b.Open(t), bunstore.Config{})

			// Times whose text forms differ in length (SQLite keeps the
			// text bun writes, with trailing zeros cut), and codes whose
			// byte order differs from a locale's order.
			base := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
			offsets := []time.Duration{
				500 * time.Millisecond, 0, time.Microsecond, -time.Microsecond,
				10 * time.Microsecond, 120 * time.Millisecond, time.Second, 12 * time.Hour,
			}
			statuses := []string{"b", "B", "a", "_x", "é", "Z", "a b", "ab"}
			want := make(map[string]time.Time)
			var byTime, byStatus []string
			for i, d := range offsets {
				tk := sampleTicket("acme", fmt.Sprintf("TK-%d", i), "Order")
				tk.CreatedAt = base.Add(d)
				tk.Status = statuses[i]
				require.NoError(t, st.TicketCreate(ctx, tk))
				want[tk.ID] = tk.CreatedAt
				byTime = append(byTime, tk.ID)
				byStatus = append(byStatus, tk.ID)
			}
			slices.SortFunc(byTime, func(a, b string) int { return want[a].Compare(want[b]) })
			status := func(id string) string { return statuses[slices.Index(byStatus, id)] }
			sortedStatus := slices.Clone(byStatus)
			slices.SortFunc(sortedStatus, func(a, b string) int { return strings.Compare(status(a), status(b)) })

			require.Equal(t, byTime, listAll(t, st, storage.TicketListParams{}))
			require.Equal(t, reversed(byTime), listAll(t, st, storage.TicketListParams{Desc: true}))
			require.Equal(t, sortedStatus, listAll(t, st, storage.TicketListParams{Sort: storage.SortStatus}))
			require.Equal(t, reversed(sortedStatus), listAll(t, st, storage.TicketListParams{Sort: storage.SortStatus, Desc: true}))

			// CreatedFrom is inclusive and CreatedTo exclusive, to the
			// microsecond.
			from, to := base, base.Add(500*time.Millisecond)
			var inRange []string
			for _, id := range byTime {
				if !want[id].Before(from) && want[id].Before(to) {
					inRange = append(inRange, id)
				}
			}
			require.Len(t, inRange, 4)
			require.Equal(t, inRange, listAll(t, st, storage.TicketListParams{
				TicketFilter: storage.TicketFilter{CreatedFrom: from, CreatedTo: to},
			}))
		})
	}
}

func reversed(s []string) []string {
	c := slices.Clone(s)
	slices.Reverse(c)
	return c
}
