package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
)

// linesView is the part of the complaint JSON the line and claim routes
// change.
type linesView struct {
	ID      string `json:"id"`
	Details struct {
		CounterpartyRole string `json:"counterparty_role"`
		ClaimOf          *struct {
			ID string `json:"id"`
		} `json:"claim_of"`
		Claims []json.RawMessage `json:"claims"`
		Lines  []struct {
			Product  string `json:"product"`
			Decision *struct {
				Justified bool `json:"justified"`
			} `json:"decision"`
			Return *struct {
				ID string `json:"id"`
			} `json:"return"`
		} `json:"lines"`
	} `json:"complaint"`
}

// openLinedComplaint opens a complaint of C-ADA with two lines.
func (s *complaintServer) openLinedComplaint() linesView {
	s.t.Helper()
	return ok[linesView](s.server, http.StatusCreated, agent, "POST", "/complaints", `{"subject":"Kettles","category":"defect",
		"reason":"CR02","remedy_sought":"credit_note","customer":{"id":"C-ADA"},
		"lines":[{"product":"K-1","quantity":"3"},{"product":"K-2","quantity":"1"}],
		"accounting":{"sales_adjustment":true,"company":"ACME-FR","counterparty":"CP-ADA","amount":"40.00","currency":"EUR"}}`)
}

// TestComplaintLinesAndClaimsOverTheWire decides a line, links its
// return and raises a supplier claim through the API on every store; a
// customer is refused each route and never sees the claim.
func TestComplaintLinesAndClaimsOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newComplaintServer(t, store)
			c := s.openLinedComplaint()
			require.Len(t, c.Details.Lines, 2)
			id := "/complaints/" + c.ID

			c = ok[linesView](s.server, 200, agent, "POST", id+"/lines/2/decision",
				`{"justified":true,"remedies":[{"kind":"credit_note","percent":"40"}],"note":"internal-line-note"}`)
			require.NotNil(t, c.Details.Lines[1].Decision)
			require.True(t, c.Details.Lines[1].Decision.Justified)
			require.Nil(t, c.Details.Lines[0].Decision)
			c = ok[linesView](s.server, 200, agent, "POST", id+"/lines/1/return", `{"return":{"kind":"return","id":"RMA-7"}}`)
			require.NotNil(t, c.Details.Lines[0].Return)
			require.Equal(t, "RMA-7", c.Details.Lines[0].Return.ID)

			status, e, raw := s.call(agent, "POST", id+"/lines/5/decision", `{"justified":false,"feedback":"no"}`, "")
			require.Equal(t, http.StatusBadRequest, status, raw)
			require.Contains(t, e.fieldNames(), "line")

			claim := ok[linesView](s.server, 201, agent, "POST", id+"/claims",
				`{"role":"supplier","counterparty":{"id":"SUP-9"},"lines":[1],"accounting":{"company":"ACME-FR","counterparty":"SUP-9","amount":"30.00","currency":"EUR"}}`)
			require.NotEqual(t, c.ID, claim.ID)
			require.Equal(t, "supplier", claim.Details.CounterpartyRole)
			require.NotNil(t, claim.Details.ClaimOf)
			require.Equal(t, c.ID, claim.Details.ClaimOf.ID)
			require.Len(t, claim.Details.Lines, 1)
			c = ok[linesView](s.server, 200, agent, "GET", id, "")
			require.Len(t, c.Details.Claims, 1)
			status, _, raw = s.call(agent, "POST", "/complaints/"+claim.ID+"/claims",
				`{"role":"carrier","counterparty":{"id":"CAR-1"},"accounting":{"company":"ACME-FR","counterparty":"CAR-1","amount":"1.00","currency":"EUR"}}`, "")
			require.Equal(t, http.StatusBadRequest, status, raw, "a claim cannot raise another")

			for _, r := range []struct{ path, body string }{
				{id + "/lines/1/decision", `{"justified":true}`},
				{id + "/lines/1/return", `{"return":{"kind":"return","id":"RMA-8"}}`},
				{id + "/claims", `{"role":"supplier","counterparty":{"id":"SUP-1"}}`},
			} {
				status, e, raw := s.call(ada, "POST", r.path, r.body, "")
				require.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, status, raw)
				require.NotEmpty(t, e.Code, raw)
			}
			_, _, raw = s.call(ada, "GET", id, "", "")
			require.NotContains(t, raw, claim.ID, "customers never see claims")
			require.NotContains(t, raw, "internal-line-note")
		})
	}
}

// TestComplaintLinesHostileInputOverTheWire: malformed and hostile line
// and claim requests are 400 (404 for an unknown complaint), never 500.
func TestComplaintLinesHostileInputOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newComplaintServer(t, store)
			id := "/complaints/" + s.openLinedComplaint().ID
			cases := []struct {
				name, path, body string
				status           int
				field            string
			}{
				{"LineNotNumber", id + "/lines/x/decision", `{"justified":true}`, 400, "line"},
				{"LineNegative", id + "/lines/-1/decision", `{"justified":true}`, 400, "line"},
				{"LineZero", id + "/lines/0/decision", `{"justified":true}`, 400, "line"},
				{"LineHuge", id + "/lines/99999999999999999999/return", `{"return":{"kind":"return","id":"R"}}`, 400, "line"},
				{"LineNUL", id + "/lines/%00/return", `{"return":{"kind":"return","id":"R"}}`, 400, "line"},
				{"DecisionPathNUL", "/complaints/%00/lines/1/decision", `{"justified":true}`, 400, "id"},
				{"DecisionUnknownComplaint", "/complaints/nope/lines/1/decision", `{"justified":true}`, 404, ""},
				{"DecisionUnknownMember", id + "/lines/1/decision", `{"justified":true,"by":"x"}`, 400, "by"},
				{"DecisionPercentExponent", id + "/lines/1/decision", `{"justified":true,"remedies":[{"kind":"credit_note","percent":"1e999999"}]}`, 400, ""},
				{"DecisionNoteNUL", id + "/lines/1/decision", `{"justified":true,"note":"\u0000"}`, 400, ""},
				{"DecisionVersionNegative", id + "/lines/1/decision", `{"justified":true,"version":-1}`, 400, "version"},
				{"ReturnIDNUL", id + "/lines/1/return", `{"return":{"kind":"return","id":"\u0000"}}`, 400, ""},
				{"ReturnNotJSON", id + "/lines/1/return", `{`, 400, ""},
				{"ClaimBadRole", id + "/claims", `{"role":"customer","counterparty":{"id":"S"}}`, 400, "role"},
				{"ClaimLineOut", id + "/claims", `{"role":"supplier","counterparty":{"id":"S"},"lines":[7]}`, 400, ""},
				{"ClaimSubjectNUL", id + "/claims", `{"role":"supplier","counterparty":{"id":"S"},"subject":"a\u0000"}`, 400, "subject"},
				{"ClaimUnknownMember", id + "/claims", `{"role":"supplier","claim_of":"x"}`, 400, "claim_of"},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					status, e, raw := s.call(agent, "POST", tc.path, tc.body, "")
					require.Equal(t, tc.status, status, raw)
					if tc.field != "" {
						require.Contains(t, e.fieldNames(), tc.field, raw)
					}
				})
			}
		})
	}
}
