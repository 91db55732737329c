package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/ticket"
)

// apiCosts is the body of GET /complaints/{id}/costs.
type apiCosts struct {
	Entries []ticket.CostEntry     `json:"entries"`
	Totals  []ticket.CurrencyTotal `json:"totals"`
}

// TestComplaintCostsOverTheWire records, lists and removes internal
// costs through the API on every store; a customer can neither read nor
// record them, nor see them on the complaint.
func TestComplaintCostsOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newComplaintServer(t, store)
			c := s.openComplaint("Dented kettles", "C-ADA", "CR02", "BU1", "80.00")
			id := "/complaints/" + c.ID

			empty := ok[apiCosts](s.server, 200, agent, "GET", id+"/costs", "")
			require.NotNil(t, empty.Entries, "an empty list is [], not null")
			require.Empty(t, empty.Entries)
			ok[apiComplaint](s.server, 200, agent, "POST", id+"/costs", `{"kind":"freight","amount":"12.50","currency":"EUR","note":"return-label-XYZ"}`)
			ok[apiComplaint](s.server, 200, agent, "POST", id+"/costs", `{"kind":"labour","amount":7.5,"currency":"EUR"}`)
			costs := ok[apiCosts](s.server, 200, agent, "GET", id+"/costs", "")
			require.Len(t, costs.Entries, 2)
			require.Len(t, costs.Totals, 1)
			require.Equal(t, "EUR", costs.Totals[0].Currency)
			require.Equal(t, "20", costs.Totals[0].Total.String())

			rep := ok[struct {
				Complaints int                    `json:"complaints"`
				Totals     []ticket.CurrencyTotal `json:"totals"`
				ByReason   []ticket.CostRow       `json:"by_reason"`
			}](s.server, 200, agent, "GET", "/reports/complaint-costs?reason=CR02", "")
			require.Equal(t, 1, rep.Complaints)
			require.Len(t, rep.Totals, 1)
			require.Equal(t, "20", rep.Totals[0].Total.String())
			require.Len(t, rep.ByReason, 1)
			require.Equal(t, "CR02", rep.ByReason[0].Key)
			status, _, raw := s.call(ada, "GET", "/reports/complaint-costs", "", "")
			require.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, status, raw)
			require.NotContains(t, raw, "20")

			// The customer: refused, and the complaint shows no cost.
			status, e, raw := s.call(ada, "GET", id+"/costs", "", "")
			require.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, status, raw)
			require.NotContains(t, raw, "return-label-XYZ")
			status, e, raw = s.call(ada, "POST", id+"/costs", `{"kind":"scrap","amount":"1","currency":"EUR"}`, "")
			require.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, status, raw)
			require.NotEmpty(t, e.Code)
			_, _, raw = s.call(ada, "GET", id, "", "")
			require.NotContains(t, raw, "return-label-XYZ")
			require.NotContains(t, raw, `"costs"`)
			status, _, raw = s.call(ada, "DELETE", id+"/costs/"+costs.Entries[0].ID, "", "")
			require.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, status, raw)

			// Removing: an unknown entry is 404, a known one goes.
			status, e, raw = s.call(agent, "DELETE", id+"/costs/nope", "", "")
			require.Equal(t, http.StatusNotFound, status, raw)
			require.Equal(t, "not_found", e.Code)
			ok[apiComplaint](s.server, 200, agent, "DELETE", id+"/costs/"+costs.Entries[0].ID, "")
			costs = ok[apiCosts](s.server, 200, agent, "GET", id+"/costs", "")
			require.Len(t, costs.Entries, 1)
			require.Equal(t, ticket.CostLabour, costs.Entries[0].Kind)
		})
	}
}

// TestComplaintCostsHostileInputOverTheWire: malformed and hostile cost
// requests are 400 (404 for an unknown complaint), never 500.
func TestComplaintCostsHostileInputOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newComplaintServer(t, store)
			c := s.openComplaint("Kettle", "C-ADA", "CR01", "BU1", "10.00")
			id := "/complaints/" + c.ID
			cases := []struct {
				name, method, path, body string
				status                   int
				field                    string
			}{
				{"AddPathNUL", "POST", "/complaints/%00/costs", `{"kind":"labour","amount":"1","currency":"EUR"}`, 400, "id"},
				{"AddUnknownComplaint", "POST", "/complaints/nope/costs", `{"kind":"labour","amount":"1","currency":"EUR"}`, 404, ""},
				{"AddAmountExponent", "POST", id + "/costs", `{"kind":"labour","amount":"1e999999","currency":"EUR"}`, 400, ""},
				{"AddAmountNegative", "POST", id + "/costs", `{"kind":"labour","amount":"-1","currency":"EUR"}`, 400, "amount"},
				{"AddAmountDecimals", "POST", id + "/costs", `{"kind":"labour","amount":"1.001","currency":"EUR"}`, 400, "amount"},
				{"AddCurrencyNUL", "POST", id + "/costs", `{"kind":"labour","amount":"1","currency":"E\u0000R"}`, 400, "currency"},
				{"AddKindNUL", "POST", id + "/costs", `{"kind":"\u0000","amount":"1","currency":"EUR"}`, 400, "kind"},
				{"AddUnknownMember", "POST", id + "/costs", `{"kind":"labour","amount":"1","currency":"EUR","by":"boss"}`, 400, "by"},
				{"AddNotJSON", "POST", id + "/costs", `[`, 400, ""},
				{"ListPathNUL", "GET", "/complaints/%00/costs", "", 400, "id"},
				{"ListUnknownParameter", "GET", id + "/costs?currency=USD", "", 400, "currency"},
				{"RemoveCostNUL", "DELETE", id + "/costs/%00", "", 400, "cost"},
				{"RemoveCostBadUTF8", "DELETE", id + "/costs/%FF", "", 400, "cost"},
				{"ReportStatusNUL", "GET", "/reports/complaint-costs?status=%00", "", 400, "status[0]"},
				{"ReportYear0", "GET", "/reports/complaint-costs?issued_to=0000-01-01T00:00:00Z", "", 400, "issued_to"},
				{"ReportUnknownParameter", "GET", "/reports/complaint-costs?currency=EUR", "", 400, "currency"},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					status, e, raw := s.call(agent, tc.method, tc.path, tc.body, "")
					require.Equal(t, tc.status, status, raw)
					if tc.field != "" {
						require.Contains(t, e.fieldNames(), tc.field, raw)
					}
				})
			}
		})
	}
}
