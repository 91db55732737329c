package bunstore_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// hostile are inputs that would change a query built by string
// concatenation or match too much in a LIKE pattern.
var hostile = []string{`'; DROP TABLE ticketkit_tickets; --`, `%`, `_`, `\`, `'`, `"`, `%'--`, `\%`, `?`, `?0`, `$1`}

func TestHostileInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range migratedBackends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db := b.Open(t)
			st := newStore(t, db, bunstore.Config{})

			// One ticket whose subject, number and email hold each hostile
			// string, plus ordinary tickets that a LIKE wildcard would
			// match.
			var all []*ticket.Ticket
			for i, h := range append(slices.Clone(hostile), "plain", "100 percent", "snake case", "back slash") {
				tk := sampleTicket("acme", "N"+h, "Subject "+h+" end")
				tk.Customer.Email = "a" + h + "@Example.com"
				if i%2 == 0 {
					tk.Subject = strings.ToUpper(tk.Subject)
				}
				all = append(all, tk)
				require.NoError(t, st.TicketCreate(ctx, tk))
			}
			match := func(keep func(*ticket.Ticket) bool) []string {
				var out []string
				for _, tk := range all {
					if keep(tk) {
						out = append(out, tk.ID)
					}
				}
				slices.Sort(out)
				return out
			}
			list := func(f storage.TicketFilter) []string {
				t.Helper()
				f.TenantID = "acme"
				res, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: f, Limit: storage.MaxLimit})
				require.NoError(t, err)
				var out []string
				for _, tk := range res.Tickets {
					out = append(out, tk.ID)
				}
				slices.Sort(out)
				return out
			}

			for _, h := range hostile {
				want := match(func(tk *ticket.Ticket) bool {
					return strings.Contains(strings.ToLower(tk.Subject), strings.ToLower(h))
				})
				require.NotEmpty(t, want)
				require.Less(t, len(want), len(all), "%q must not match everything", h)
				require.Equal(t, want, list(storage.TicketFilter{Text: h}), "Text %q", h)

				require.Equal(t, match(func(tk *ticket.Ticket) bool { return tk.Number == "N"+h }),
					list(storage.TicketFilter{Number: "N" + h}), "Number %q", h)
				require.Empty(t, list(storage.TicketFilter{Number: h}), "Number %q", h)

				require.Equal(t, match(func(tk *ticket.Ticket) bool {
					return strings.EqualFold(tk.Customer.Email, "A"+h+"@EXAMPLE.COM")
				}), list(storage.TicketFilter{CustomerEmail: "A" + h + "@EXAMPLE.COM"}), "CustomerEmail %q", h)
				require.Len(t, list(storage.TicketFilter{CustomerEmail: "A" + h + "@EXAMPLE.COM"}), 1)

				require.Empty(t, list(storage.TicketFilter{Statuses: []string{h}, Assignees: []string{h, "x"}}))

				_, err := st.TicketList(ctx, storage.TicketListParams{
					TicketFilter: storage.TicketFilter{TenantID: "acme"},
					Sort:         storage.SortField(h),
				})
				require.ErrorContains(t, err, "unknown sort field")
				require.ErrorContains(t, err, h, "the error names the field")

				// In PriorityOrder the values are bound, never spliced.
				res, err := st.TicketList(ctx, storage.TicketListParams{
					TicketFilter:  storage.TicketFilter{TenantID: "acme"},
					Sort:          storage.SortPriority,
					PriorityOrder: []string{h, ticket.PriorityNormal},
				})
				require.NoError(t, err)
				require.Len(t, res.Tickets, len(all))
			}

			// A tenant ID is a value too.
			res, err := st.TicketList(ctx, storage.TicketListParams{
				TicketFilter: storage.TicketFilter{TenantID: "acme' OR '1'='1"},
			})
			require.NoError(t, err)
			require.Empty(t, res.Tickets)

			require.Contains(t, tableNames(t, db), "ticketkit_tickets")
			require.Equal(t, int64(len(all)), count(t, db, "ticketkit_tickets"))
		})
	}
}
