package ticketkit_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/phone/libphonenumber"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

func stringsReader(s string) io.Reader { return strings.NewReader(s) }
func bytesReader(b []byte) io.Reader   { return bytes.NewReader(b) }

func readAll(t *testing.T, r io.ReadCloser) string {
	t.Helper()
	defer r.Close()
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	return string(b)
}

func kinds(ms []*ticket.Message) []ticket.MessageKind {
	out := make([]ticket.MessageKind, len(ms))
	for i, m := range ms {
		out[i] = m.Kind
	}
	return out
}

func numbers(ts []*ticket.Ticket) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Number
	}
	return out
}

// setupSearch returns a Desk on the memory store with five tickets
// opened a day apart with distinct fields.
func setupSearch(t *testing.T) (*ticketkit.Desk, *deskBundle) {
	t.Helper()
	desk, bundle := setupDesk(t, memoryBackend(), func(c *ticketkit.Config) {
		spec := ticket.DefaultCatalogSpec()
		spec.Departments = []ticket.Department{{Code: "store", Label: ticket.Label{Text: "Store"}}, {Code: "repairs", Label: ticket.Label{Text: "Repairs"}}}
		cat, err := ticket.NewCatalog(spec)
		require.NoError(t, err)
		c.Catalog = cat
		fr, err := libphonenumber.New("FR")
		require.NoError(t, err)
		c.Phone = fr
	})
	rows := []ticketkit.OpenParams{
		{Subject: "Kettle 100% broken", Priority: ticket.PriorityLow, Department: "store", Category: ticket.CategoryProblem,
			Customer: ticket.Customer{ID: "C-1", Email: "Jane@Example.com", Mobile: "+33 6 12 34 56 78"}},
		{Subject: "Invoice question", Priority: ticket.PriorityHigh, Department: "store", Category: ticket.CategoryQuestion,
			Customer: ticket.Customer{ID: "C-2", Email: "bob@example.com", Mobile: "06 98 76 54 32"}},
		{Subject: "Toaster on fire", Priority: ticket.PriorityUrgent, Department: "repairs", Category: ticket.CategoryComplaint, Assignee: "agent-7",
			Customer: ticket.Customer{ID: "C-1", Email: "jane@example.com", Mobile: "0612345678"}},
		{Subject: "Late delivery", Priority: ticket.PriorityNormal, Department: "repairs", Category: ticket.CategoryComplaint,
			Customer: ticket.Customer{ID: "C-3"}},
		{Subject: "Kettle lid", Priority: ticket.PriorityHigh, Department: "store", Category: ticket.CategoryProblem, Assignee: "agent-7",
			Customer: ticket.Customer{ID: "C-3"}},
	}
	for _, p := range rows {
		mustOpen(t, desk, agent, p)
		bundle.clock.Advance(24 * time.Hour)
	}
	mustMove(t, desk, agent, mustNumber(t, desk, "TK-2026-000003"), ticket.StatusInProgress, "")
	mustMove(t, desk, agent, mustNumber(t, desk, "TK-2026-000004"), ticket.StatusWaiting, "")
	mustMove(t, desk, agent, mustNumber(t, desk, "TK-2026-000005"), ticket.StatusClosed, "done")
	return desk, bundle
}

func mustNumber(t *testing.T, desk *ticketkit.Desk, number string) string {
	t.Helper()
	tk, err := desk.GetByNumber(t.Context(), agent, number)
	require.NoError(t, err)
	return tk.ID
}

func TestDesk_Search(t *testing.T) {
	t.Parallel()

	setup := setupSearch

	t.Run("Filters", func(t *testing.T) {
		t.Parallel()
		desk, _ := setup(t)
		n := func(i int) string { return "TK-2026-00000" + string(rune('0'+i)) }
		tests := []struct {
			name string
			p    ticketkit.SearchParams
			want []string
		}{
			{"all", ticketkit.SearchParams{}, []string{n(1), n(2), n(3), n(4), n(5)}},
			{"status", ticketkit.SearchParams{Statuses: []string{ticket.StatusOpen}}, []string{n(1), n(2)}},
			{"status category open", ticketkit.SearchParams{StatusCategories: []ticket.StatusCategory{ticket.CategoryNew, ticket.CategoryOpen, ticket.CategoryPending}}, []string{n(1), n(2), n(3), n(4)}},
			{"status and category disjoint", ticketkit.SearchParams{Statuses: []string{ticket.StatusClosed}, StatusCategories: []ticket.StatusCategory{ticket.CategoryOpen}}, []string{}},
			{"priority", ticketkit.SearchParams{Priorities: []string{ticket.PriorityHigh, ticket.PriorityUrgent}}, []string{n(2), n(3), n(5)}},
			{"department", ticketkit.SearchParams{Departments: []string{"repairs"}}, []string{n(3), n(4)}},
			{"category", ticketkit.SearchParams{Categories: []string{ticket.CategoryComplaint}}, []string{n(3), n(4)}},
			{"assignee", ticketkit.SearchParams{Assignees: []string{"agent-7"}}, []string{n(3), n(5)}},
			{"created range", ticketkit.SearchParams{CreatedFrom: t0.Add(24 * time.Hour), CreatedTo: t0.Add(72 * time.Hour)}, []string{n(2), n(3)}},
			{"mobile any format", ticketkit.SearchParams{CustomerMobile: "06.12.34.56.78"}, []string{n(1), n(3)}},
			{"mobile e164", ticketkit.SearchParams{CustomerMobile: "+33612345678"}, []string{n(1), n(3)}},
			{"email ignores case", ticketkit.SearchParams{CustomerEmail: "JANE@example.COM"}, []string{n(1), n(3)}},
			{"number any case", ticketkit.SearchParams{Number: "tk-2026-000004"}, []string{n(4)}},
			{"text", ticketkit.SearchParams{Text: "kettle"}, []string{n(1), n(5)}},
			{"text percent is literal", ticketkit.SearchParams{Text: "100%"}, []string{n(1)}},
			{"customer", ticketkit.SearchParams{CustomerID: "C-3"}, []string{n(4), n(5)}},
			{"combined", ticketkit.SearchParams{StatusCategories: []ticket.StatusCategory{ticket.CategoryNew, ticket.CategoryOpen}, Departments: []string{"store"}, Priorities: []string{ticket.PriorityHigh}, CreatedFrom: t0}, []string{n(2)}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				res, err := desk.Search(t.Context(), agent, tt.p)
				require.NoError(t, err)
				require.Equal(t, tt.want, numbers(res.Tickets))
			})
		}
	})

	t.Run("CustomerSeesOnlyOwn", func(t *testing.T) {
		t.Parallel()
		desk, _ := setup(t)
		me := ticketkit.Actor{ID: "u", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "C-1"}
		_, err := desk.Search(t.Context(), me, ticketkit.SearchParams{CustomerID: "C-3"})
		require.Equal(t, []string{"customer_id"}, validationFields(t, err), "a customer may not name a customer")
		res, err := desk.Search(t.Context(), me, ticketkit.SearchParams{})
		require.NoError(t, err)
		require.Equal(t, []string{"TK-2026-000001", "TK-2026-000003"}, numbers(res.Tickets))
	})

	t.Run("SortsAndPages", func(t *testing.T) {
		t.Parallel()
		desk, _ := setup(t)
		ctx := t.Context()
		res, err := desk.Search(ctx, agent, ticketkit.SearchParams{Sort: storage.SortPriority, Desc: true})
		require.NoError(t, err)
		prios := make([]string, len(res.Tickets))
		for i, tk := range res.Tickets {
			prios[i] = tk.Priority
		}
		require.Equal(t, []string{"urgent", "high", "high", "normal", "low"}, prios)

		var seen []string
		p := ticketkit.SearchParams{Limit: 2, Desc: true}
		for {
			page, err := desk.Search(ctx, agent, p)
			require.NoError(t, err)
			seen = append(seen, numbers(page.Tickets)...)
			if page.Next == "" {
				break
			}
			p.After = page.Next
		}
		require.Equal(t, []string{"TK-2026-000005", "TK-2026-000004", "TK-2026-000003", "TK-2026-000002", "TK-2026-000001"}, seen)
	})

	t.Run("RejectsBadInputNamingTheField", func(t *testing.T) {
		t.Parallel()
		desk, _ := setup(t)
		tests := []struct {
			p    ticketkit.SearchParams
			want string
		}{
			{ticketkit.SearchParams{Statuses: []string{"open", "limbo"}}, "statuses[1]"},
			{ticketkit.SearchParams{Priorities: []string{"meh"}}, "priorities[0]"},
			{ticketkit.SearchParams{StatusCategories: []ticket.StatusCategory{"sleeping"}}, "status_categories[0]"},
			{ticketkit.SearchParams{Sort: "subject; DROP TABLE tickets"}, "sort"},
			{ticketkit.SearchParams{After: "not-a-cursor"}, "after"},
			{ticketkit.SearchParams{CustomerMobile: "12"}, "customer_mobile"},
			{ticketkit.SearchParams{Limit: 501}, "limit"},
			{ticketkit.SearchParams{CreatedFrom: t0, CreatedTo: t0}, "created_to"},
		}
		for _, tt := range tests {
			_, err := desk.Search(t.Context(), agent, tt.p)
			require.Equal(t, []string{tt.want}, validationFields(t, err), "%+v", tt.p)
		}
	})

	// CustomerFiltersOnlyByWhatTheirViewShows: a filter on the assignee,
	// the department or a customer field would tell a customer what
	// their view of a ticket hides.
	t.Run("CustomerFiltersOnlyByWhatTheirViewShows", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t)})
			require.NoError(t, err)
			ctx := t.Context()
			mine, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Kettle lid", Category: ticket.CategoryProblem,
				Assignee: "agent-7", Customer: ticket.Customer{ID: customer.CustomerID, Email: "jane@example.com"}})
			require.NoError(t, err)
			_, err = desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Kettle base", Category: ticket.CategoryProblem,
				Assignee: "agent-7", Customer: ticket.Customer{ID: stranger.CustomerID}})
			require.NoError(t, err)

			refused := []struct {
				p     ticketkit.SearchParams
				field string
			}{
				{ticketkit.SearchParams{Assignees: []string{"agent-7"}}, "assignees"},
				{ticketkit.SearchParams{Departments: []string{"service"}}, "departments"},
				{ticketkit.SearchParams{CustomerID: stranger.CustomerID}, "customer_id"},
				{ticketkit.SearchParams{CustomerEmail: "jane@example.com"}, "customer_email"},
				{ticketkit.SearchParams{CustomerMobile: "+33612345678"}, "customer_mobile"},
			}
			for _, r := range refused {
				res, err := desk.Search(ctx, customer, r.p)
				require.Nil(t, res)
				var v *ticketkit.ValidationError
				require.ErrorAs(t, err, &v)
				require.Equal(t, []ticket.FieldError{{Field: r.field, Rule: "forbidden", Message: "may not be used by a customer"}}, v.Fields)
			}

			allowed := []ticketkit.SearchParams{
				{},
				{Statuses: []string{ticket.StatusOpen}},
				{StatusCategories: []ticket.StatusCategory{ticket.CategoryNew}},
				{Priorities: []string{ticket.PriorityNormal}},
				{Categories: []string{ticket.CategoryProblem}},
				{CreatedFrom: t0.Add(-time.Hour), CreatedTo: time.Now().Add(time.Hour)},
				{Text: "kettle", Sort: storage.SortUpdatedAt, Desc: true, Limit: 10},
				{Number: mine.Number},
			}
			for _, p := range allowed {
				res, err := desk.Search(ctx, customer, p)
				require.NoError(t, err, "%+v", p)
				require.Equal(t, []string{mine.Number}, numbers(res.Tickets), "%+v: only the customer's own ticket", p)
				require.Empty(t, res.Tickets[0].Assignee)
			}

			// Staff keep every filter.
			res, err := desk.Search(ctx, agent, ticketkit.SearchParams{Assignees: []string{"agent-7"}, CustomerID: stranger.CustomerID})
			require.NoError(t, err)
			require.Len(t, res.Tickets, 1)
		})
	})
}
