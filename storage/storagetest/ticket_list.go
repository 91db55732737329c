package storagetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// filterCase is one filter and the fixture tickets it must return.
type filterCase struct {
	filter storage.TicketFilter
	want   []int
}

// filterFixture stores six tickets of tenant A with mixed attributes, and
// a copy of each in tenant B, so that a store ignoring the tenant returns
// too much for every filter. It returns the tenant A tickets. Their
// channels are email, manual and phone in turn (#0 email, #1 manual, ...).
// Their references and tags are in fixtureRefs and fixtureTags.
//
//	#  status   priority  category   department  assignee  customer  email             mobile        created  subject
//	0  new      low       billing    sales       alice     cust-1    Ann@Example.com   +33600000001  +0h      Printer is broken
//	1  open     high      technical  support     bob       cust-2    bob@example.com   +33600000002  +1h      Refund request for order 42
//	2  open     urgent    technical  support     -         cust-1    ann@example.com   +33600000001  +2h      Broken screen
//	3  pending  normal    billing    sales       alice     cust-3    carl@example.org  +33600000003  +3h      Invoice is wrong
//	4  closed   low       delivery   logistics   carol     cust-2    BOB@EXAMPLE.COM   +33600000002  +4h      Late delivery
//	5  new      high      delivery   logistics   bob       cust-4    dora@example.net  +33600000004  +5h      Where is my parcel
func filterFixture(t *testing.T, st storage.Store) []*ticket.Ticket {
	t.Helper()
	rows := []struct {
		status, priority, category, department, assignee, customer, email, mobile, subject string
	}{
		{"new", "low", "billing", "sales", "alice", "cust-1", "Ann@Example.com", "+33600000001", "Printer is broken"},
		{"open", "high", "technical", "support", "bob", "cust-2", "bob@example.com", "+33600000002", "Refund request for order 42"},
		{"open", "urgent", "technical", "support", "", "cust-1", "ann@example.com", "+33600000001", "Broken screen"},
		{"pending", "normal", "billing", "sales", "alice", "cust-3", "carl@example.org", "+33600000003", "Invoice is wrong"},
		{"closed", "low", "delivery", "logistics", "carol", "cust-2", "BOB@EXAMPLE.COM", "+33600000002", "Late delivery"},
		{"new", "high", "delivery", "logistics", "bob", "cust-4", "dora@example.net", "+33600000004", "Where is my parcel"},
	}
	var mine, all []*ticket.Ticket
	for _, tenant := range []string{tenantA, tenantB} {
		for i, r := range rows {
			tk := newTicket(tenant, func(tk *ticket.Ticket) {
				tk.Number = fmt.Sprintf("TK-%04d", i+1)
				tk.Status, tk.Priority, tk.Category = r.status, r.priority, r.category
				tk.Department, tk.Assignee, tk.Subject = r.department, r.assignee, r.subject
				tk.Customer.ID, tk.Customer.Email, tk.Customer.Mobile = r.customer, r.email, r.mobile
				tk.CreatedAt = at(time.Duration(i) * time.Hour)
				tk.UpdatedAt = tk.CreatedAt.Add(time.Minute)
				tk.Channel = []ticket.Channel{ticket.ChannelEmail, ticket.ChannelManual, ticket.ChannelPhone}[i%3]
				tk.References, tk.Tags = fixtureRefs[i], fixtureTags[i]
			})
			all = append(all, tk)
			if tenant == tenantA {
				mine = append(mine, tk)
			}
		}
	}
	createInTx(t, st, all)
	return mine
}

// fixtureRefs are the references of filterFixture's tickets, by row: #1
// names order SO-1 twice (with two labels), #3 an ID holding ':' and a
// quote, #4 none.
var fixtureRefs = [][]ticket.Reference{
	{{Kind: ticket.RefOrder, ID: "SO-1"}},
	{{Kind: ticket.RefOrder, ID: "SO-1", Label: "web"}, {Kind: ticket.RefProduct, ID: "P-9"}, {Kind: ticket.RefOrder, ID: "SO-1", Label: "again"}},
	{{Kind: ticket.RefOrder, ID: "SO-2"}, {Kind: ticket.RefInvoice, ID: "SO-1"}},
	{{Kind: ticket.RefSerial, ID: "urn:sn:7'A"}},
	nil,
	{{Kind: ticket.RefProduct, ID: "P-9"}},
}

// fixtureTags are the tags of filterFixture's tickets, by row: #2 has
// another letter case, #3 a comma, #5 a repeat, #4 none.
var fixtureTags = [][]string{{"vip"}, {"vip", "coffee"}, {"Coffee"}, {"a,b"}, nil, {"coffee", "coffee"}}

// requireFilter lists tenant A's tickets matching each case in one page
// and compares the set of IDs.
func requireFilter(t *testing.T, st storage.Store, fixture []*ticket.Ticket, cases []filterCase) {
	t.Helper()
	for _, c := range cases {
		f := c.filter
		f.TenantID = tenantA
		res, err := st.TicketList(context.Background(), storage.TicketListParams{TicketFilter: f, Limit: storage.MaxLimit})
		require.NoError(t, err, "filter %+v", f)
		require.Empty(t, res.Next, "filter %+v", f)
		require.ElementsMatch(t, idsOf(fixture, c.want...), ticketIDs(res.Tickets), "filter %+v", f)
	}
}

func (s suite) ticketList(t *testing.T) {
	ctx := context.Background()
	s.ticketListFields(t)
	s.ticketListSync(t)

	filterTests := []struct {
		name  string
		cases []filterCase
	}{
		{"NoFilterListsEveryTicketOfTheTenant", []filterCase{
			{storage.TicketFilter{}, []int{0, 1, 2, 3, 4, 5}},
		}},
		{"FiltersByStatus", []filterCase{
			{storage.TicketFilter{Statuses: []string{"open"}}, []int{1, 2}},
			{storage.TicketFilter{Statuses: []string{"new", "closed"}}, []int{0, 4, 5}},
			{storage.TicketFilter{Statuses: []string{"unknown"}}, nil},
		}},
		{"FiltersByPriority", []filterCase{
			{storage.TicketFilter{Priorities: []string{"high"}}, []int{1, 5}},
			{storage.TicketFilter{Priorities: []string{"low", "urgent"}}, []int{0, 2, 4}},
		}},
		{"FiltersByCategory", []filterCase{
			{storage.TicketFilter{Categories: []string{"billing"}}, []int{0, 3}},
			{storage.TicketFilter{Categories: []string{"technical", "delivery"}}, []int{1, 2, 4, 5}},
		}},
		{"FiltersByDepartment", []filterCase{
			{storage.TicketFilter{Departments: []string{"logistics"}}, []int{4, 5}},
			{storage.TicketFilter{Departments: []string{"sales"}}, []int{0, 3}},
		}},
		{"FiltersByAssignee", []filterCase{
			{storage.TicketFilter{Assignees: []string{"alice"}}, []int{0, 3}},
			{storage.TicketFilter{Assignees: []string{"bob", "carol"}}, []int{1, 4, 5}},
		}},
		{"FiltersByChannel", []filterCase{
			{storage.TicketFilter{Channels: []string{"manual"}}, []int{1, 4}},
			{storage.TicketFilter{Channels: []string{"email", "phone"}}, []int{0, 2, 3, 5}},
			{storage.TicketFilter{Channels: []string{"web"}}, nil},
			{storage.TicketFilter{Channels: []string{"manual"}, Statuses: []string{"closed"}}, []int{4}},
		}},
		{"FiltersByCustomerID", []filterCase{
			{storage.TicketFilter{CustomerID: "cust-1"}, []int{0, 2}},
			{storage.TicketFilter{CustomerID: "cust-9"}, nil},
		}},
		{"FiltersByCreatedRangeFromInclusiveToExclusive", []filterCase{
			{storage.TicketFilter{CreatedFrom: at(2 * time.Hour)}, []int{2, 3, 4, 5}},
			{storage.TicketFilter{CreatedFrom: at(2*time.Hour + time.Microsecond)}, []int{3, 4, 5}},
			{storage.TicketFilter{CreatedTo: at(2 * time.Hour)}, []int{0, 1}},
			{storage.TicketFilter{CreatedTo: at(2*time.Hour + time.Microsecond)}, []int{0, 1, 2}},
			{storage.TicketFilter{CreatedFrom: at(time.Hour), CreatedTo: at(3 * time.Hour)}, []int{1, 2}},
		}},
		{"FiltersByCustomerMobile", []filterCase{
			{storage.TicketFilter{CustomerMobile: "+33600000002"}, []int{1, 4}},
			{storage.TicketFilter{CustomerMobile: "+3360000000"}, nil},
		}},
		{"FiltersByCustomerEmailIgnoringCase", []filterCase{
			{storage.TicketFilter{CustomerEmail: "ANN@example.COM"}, []int{0, 2}},
			{storage.TicketFilter{CustomerEmail: "bob@example.com"}, []int{1, 4}},
			{storage.TicketFilter{CustomerEmail: "ann@example"}, nil},
		}},
		{"FiltersByNumber", []filterCase{
			{storage.TicketFilter{Number: "TK-0004"}, []int{3}},
			{storage.TicketFilter{Number: "TK-000"}, nil},
		}},
		{"FiltersByTextIgnoringCase", []filterCase{
			{storage.TicketFilter{Text: "broken"}, []int{0, 2}},
			{storage.TicketFilter{Text: "BROKEN SCR"}, []int{2}},
			{storage.TicketFilter{Text: "order 42"}, []int{1}},
			{storage.TicketFilter{Text: "coffee"}, nil},
		}},
		{"FiltersByReferenceKindAndIDMatchingAny", []filterCase{
			{storage.TicketFilter{References: []ticket.Reference{{Kind: ticket.RefOrder, ID: "SO-1"}}}, []int{0, 1}},
			{storage.TicketFilter{References: []ticket.Reference{{Kind: ticket.RefInvoice, ID: "SO-1"}}}, []int{2}},
			{storage.TicketFilter{References: []ticket.Reference{{Kind: ticket.RefProduct, ID: "P-9"}, {Kind: ticket.RefOrder, ID: "SO-2"}}}, []int{1, 2, 5}},
			{storage.TicketFilter{References: []ticket.Reference{{Kind: ticket.RefSerial, ID: "urn:sn:7'A"}}}, []int{3}},
			{storage.TicketFilter{References: []ticket.Reference{{Kind: ticket.RefSerial, ID: "urn:sn:7"}}}, nil},
			{storage.TicketFilter{References: []ticket.Reference{{Kind: ticket.RefOrder, ID: "so-1"}}}, nil},
			{storage.TicketFilter{References: []ticket.Reference{{Kind: ticket.RefOrder, ID: "SO-%"}}}, nil},
			{storage.TicketFilter{References: []ticket.Reference{{Kind: ticket.RefOrder, ID: "SO-1", Label: "ignored"}}, Statuses: []string{"new"}}, []int{0}},
		}},
		{"FiltersByTagMatchingAny", []filterCase{
			{storage.TicketFilter{Tags: []string{"vip"}}, []int{0, 1}},
			{storage.TicketFilter{Tags: []string{"coffee"}}, []int{1, 5}},
			{storage.TicketFilter{Tags: []string{"Coffee"}}, []int{2}},
			{storage.TicketFilter{Tags: []string{"vip", "a,b"}}, []int{0, 1, 3}},
			{storage.TicketFilter{Tags: []string{"a"}}, nil},
			{storage.TicketFilter{Tags: []string{"cof"}}, nil},
			{storage.TicketFilter{Tags: []string{"%"}}, nil},
			{storage.TicketFilter{Tags: []string{"coffee"}, References: []ticket.Reference{{Kind: ticket.RefProduct, ID: "P-9"}}}, []int{1, 5}},
			{storage.TicketFilter{Tags: []string{"vip"}, Statuses: []string{"open"}}, []int{1}},
		}},
		{"FiltersByUpdatedSinceInclusive", []filterCase{
			{storage.TicketFilter{UpdatedSince: at(2*time.Hour + time.Minute)}, []int{2, 3, 4, 5}},
			{storage.TicketFilter{UpdatedSince: at(2*time.Hour + time.Minute + time.Microsecond)}, []int{3, 4, 5}},
			{storage.TicketFilter{UpdatedSince: at(2*time.Hour + time.Minute + time.Nanosecond)}, []int{3, 4, 5}},
			{storage.TicketFilter{UpdatedSince: at(6 * time.Hour)}, nil},
			{storage.TicketFilter{UpdatedSince: at(time.Hour), Statuses: []string{"open"}}, []int{1, 2}},
		}},
		{"CombinedFiltersAreANDed", []filterCase{
			{storage.TicketFilter{Statuses: []string{"open"}, Priorities: []string{"urgent"}}, []int{2}},
			{storage.TicketFilter{
				Statuses: []string{"new", "pending"}, Assignees: []string{"alice"}, Categories: []string{"billing"},
			}, []int{0, 3}},
			{storage.TicketFilter{Statuses: []string{"new"}, Departments: []string{"support"}}, nil},
			{storage.TicketFilter{Text: "broken", CustomerID: "cust-1", CreatedFrom: at(time.Hour)}, []int{2}},
			{storage.TicketFilter{CustomerEmail: "BOB@example.com", Statuses: []string{"closed"}}, []int{4}},
			{storage.TicketFilter{CustomerMobile: "+33600000001", Number: "TK-0003", CreatedTo: at(3 * time.Hour)}, []int{2}},
		}},
	}
	for _, tt := range filterTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := s.store(t)
			requireFilter(t, st, filterFixture(t, st), tt.cases)
		})
	}

	t.Run("ListFilterWithHostileInputMatchesLiterally", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		subjects := []string{
			"Invoice 100% wrong",
			"where_is my parcel",
			"name'; DROP TABLE tickets; -- oops",
			`Path C:\Users\ann\coffee`,
			"Crème brûlée machine ☕ broke",
			"Plain subject 1000 wrong",
			"whereXis my parcel",
		}
		var fixture []*ticket.Ticket
		for _, subj := range subjects {
			fixture = append(fixture, newTicket(tenantA, func(tk *ticket.Ticket) { tk.Subject = subj }))
		}
		mustCreate(t, st, fixture...)

		var cases []filterCase
		for text, want := range map[string][]int{
			"%":                         {0},
			"100%":                      {0},
			"_":                         {1},
			"where_is":                  {1},
			"'; DROP TABLE tickets; --": {2},
			"'":                         {2},
			`\`:                         {3},
			`C:\Users\`:                 {3},
			"brûlée machine ☕":          {4},
			`%_\`:                       nil,
			`\%`:                        nil,
			"*":                         nil,
		} {
			cases = append(cases, filterCase{storage.TicketFilter{Text: text}, want})
		}
		requireFilter(t, st, fixture, cases)

		// The store still works and still holds everything.
		requireFilter(t, st, fixture, []filterCase{{storage.TicketFilter{}, []int{0, 1, 2, 3, 4, 5, 6}}})
		extra := newTicket(tenantA)
		mustCreate(t, st, extra)
		got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: extra.ID})
		require.NoError(t, err)
		require.Equal(t, extra.Subject, got.Subject)
	})

	t.Run("UnknownSortIsRejectedNamingTheField", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		mustCreate(t, st, newTicket(tenantA))

		for _, sort := range []storage.SortField{"subject", "created_at; DROP TABLE tickets", "CREATED_AT"} {
			res, err := st.TicketList(ctx, storage.TicketListParams{
				TicketFilter: storage.TicketFilter{TenantID: tenantA},
				Sort:         sort,
			})
			require.Error(t, err, "sort %q", sort)
			require.ErrorContains(t, err, string(sort))
			require.Nil(t, res)
		}
	})

	s.ticketListOrder(t)
	s.ticketListPages(t)
	s.ticketSortKeys(t)
}
