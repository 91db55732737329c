package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
)

// lineEditView is the part of the complaint JSON the line edit routes
// change.
type lineEditView struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
	Details struct {
		LineSeq int `json:"line_seq"`
		Lines   []struct {
			No       int    `json:"no"`
			Product  string `json:"product"`
			Batch    string `json:"batch"`
			Quantity string `json:"quantity"`
			Note     string `json:"note"`
			Decision *struct {
				Justified bool `json:"justified"`
			} `json:"decision"`
		} `json:"lines"`
	} `json:"complaint"`
}

// nos returns the line numbers and products, "1 K-1".
func (v lineEditView) nos() []string {
	out := make([]string, len(v.Details.Lines))
	for i, l := range v.Details.Lines {
		out[i] = fmt.Sprintf("%d %s", l.No, l.Product)
	}
	return out
}

// TestComplaintLineEditOverTheWire adds, corrects and removes lines by
// number through the API on every store: decided and returned lines are
// 409 with their own codes, a stale version is 409, and customers are
// refused every route without learning anything.
func TestComplaintLineEditOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newComplaintServer(t, store)
			id := "/complaints/" + s.openLinedComplaint().ID
			c := ok[lineEditView](s.server, 200, agent, "GET", id, "")
			require.Equal(t, []string{"1 K-1", "2 K-2"}, c.nos())

			c = ok[lineEditView](s.server, 200, agent, "POST", id+"/lines",
				`{"lines":[{"product":"K-3","batch":"B-1","quantity":"2","note":"internal-added-note"}]}`)
			require.Equal(t, []string{"1 K-1", "2 K-2", "3 K-3"}, c.nos())
			c = ok[lineEditView](s.server, 200, agent, "DELETE", id+"/lines/1", "")
			require.Equal(t, []string{"2 K-2", "3 K-3"}, c.nos())
			c = ok[lineEditView](s.server, 200, agent, "PATCH", id+"/lines/3",
				fmt.Sprintf(`{"quantity":"5","batch":"B-2","version":%d}`, c.Version))
			require.Equal(t, "5", c.Details.Lines[1].Quantity)
			require.Equal(t, "B-2", c.Details.Lines[1].Batch)
			c = ok[lineEditView](s.server, 200, agent, "POST", id+"/lines", `{"lines":[{"product":"K-4"}]}`)
			require.Equal(t, []string{"2 K-2", "3 K-3", "4 K-4"}, c.nos(), "1 is never given again")
			require.Equal(t, 4, c.Details.LineSeq)

			// A stale version, a decided line, a returned line.
			status, e, raw := s.call(agent, "PATCH", id+"/lines/3", `{"batch":"B-3","version":1}`, "")
			require.Equal(t, http.StatusConflict, status, raw)
			require.Equal(t, "version_conflict", e.Code)
			status, e, raw = s.call(agent, "DELETE", id+"/lines/3?version=1", "", "")
			require.Equal(t, http.StatusConflict, status, raw)
			require.Equal(t, "version_conflict", e.Code)
			ok[lineEditView](s.server, 200, agent, "POST", id+"/lines/3/decision", `{"justified":true,"remedies":[{"kind":"replacement","quantity":"2"}]}`)
			status, e, raw = s.call(agent, "PATCH", id+"/lines/3", `{"quantity":"1"}`, "")
			require.Equal(t, http.StatusConflict, status, raw)
			require.Equal(t, "line_decided", e.Code)
			status, e, raw = s.call(agent, "DELETE", id+"/lines/3", "", "")
			require.Equal(t, http.StatusConflict, status, raw)
			require.Equal(t, "line_decided", e.Code)
			c = ok[lineEditView](s.server, 200, agent, "PATCH", id+"/lines/3", `{"quantity":"1","drop_decision":true}`)
			require.Nil(t, c.Details.Lines[1].Decision)
			ok[lineEditView](s.server, 200, agent, "POST", id+"/lines/2/return", `{"return":{"kind":"return","id":"RMA-7"}}`)
			status, e, raw = s.call(agent, "DELETE", id+"/lines/2?drop_decision=true", "", "")
			require.Equal(t, http.StatusConflict, status, raw)
			require.Equal(t, "line_returned", e.Code)
			c = ok[lineEditView](s.server, 200, agent, "DELETE", id+"/lines/4?drop_decision=false&version="+fmt.Sprint(c.Version+1), "")
			require.Equal(t, []string{"2 K-2", "3 K-3"}, c.nos())

			// Customers: the owner is forbidden, another customer and an
			// unknown complaint learn nothing.
			for _, r := range []struct{ method, path, body string }{
				{"POST", id + "/lines", `{"lines":[{"product":"X"}]}`},
				{"PATCH", id + "/lines/2", `{"batch":"X"}`},
				{"DELETE", id + "/lines/2", ""},
			} {
				status, e, raw := s.call(ada, r.method, r.path, r.body, "")
				require.Equal(t, http.StatusForbidden, status, raw)
				require.Equal(t, "forbidden", e.Code)
				status, _, raw = s.call(bob, r.method, r.path, r.body, "")
				require.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, status, raw)
				require.NotContains(t, raw, "K-2")
				status, _, raw = s.call(agent, r.method, "/complaints/nope"+r.path[len(id):], r.body, "")
				require.Equal(t, http.StatusNotFound, status, raw)
			}
			_, _, raw = s.call(ada, "GET", id, "", "")
			require.Contains(t, raw, `"no":3`, "customers see the line numbers")
			require.NotContains(t, raw, "internal-added-note")
			after := ok[lineEditView](s.server, 200, agent, "GET", id, "")
			require.Equal(t, []string{"2 K-2", "3 K-3"}, after.nos(), "the refused requests changed nothing")
		})
	}
}

// TestComplaintLineEditHostileInputOverTheWire: malformed and hostile
// line edits are 400 naming the member (404 for an unknown complaint),
// never 500.
func TestComplaintLineEditHostileInputOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newComplaintServer(t, store)
			id := "/complaints/" + s.openLinedComplaint().ID
			cases := []struct {
				name, method, path, body string
				status                   int
				field                    string
			}{
				{"AddNoLines", "POST", id + "/lines", `{"lines":[]}`, 400, "lines"},
				{"AddBadQuantity", "POST", id + "/lines", `{"lines":[{"product":"A"},{"product":"B"},{"product":"C","quantity":"-1"}]}`, 400, "lines[2].quantity"},
				{"AddNumbered", "POST", id + "/lines", `{"lines":[{"product":"A","no":1}]}`, 400, "lines[0].no"},
				{"AddDecided", "POST", id + "/lines", `{"lines":[{"product":"A","decision":{"justified":true}}]}`, 400, "lines[0].decision"},
				{"AddNUL", "POST", id + "/lines", `{"lines":[{"product":"A\u0000"}]}`, 400, "lines[0].product"},
				{"AddUnknownMember", "POST", id + "/lines", `{"lines":[],"extra":1}`, 400, "extra"},
				{"AddNotJSON", "POST", id + "/lines", `{`, 400, ""},
				{"AddVersionNegative", "POST", id + "/lines", `{"lines":[{"product":"A"}],"version":-1}`, 400, "version"},
				{"UpdateUnknownLine", "PATCH", id + "/lines/9", `{"batch":"x"}`, 400, "line"},
				{"UpdateLineZero", "PATCH", id + "/lines/0", `{"batch":"x"}`, 400, "line"},
				{"UpdateLineNotNumber", "PATCH", id + "/lines/x", `{"batch":"x"}`, 400, "line"},
				{"UpdateEmptyProduct", "PATCH", id + "/lines/1", `{"product":" "}`, 400, "product"},
				{"UpdateQuantityScale", "PATCH", id + "/lines/1", `{"quantity":"1.000001"}`, 400, "quantity"},
				{"UpdateQuantityExponent", "PATCH", id + "/lines/1", `{"quantity":"1e999999"}`, 400, ""},
				{"UpdateBatchTooLong", "PATCH", id + "/lines/1", `{"batch":"` + strings.Repeat("b", 201) + `"}`, 400, "batch"},
				{"UpdateUnknownMember", "PATCH", id + "/lines/1", `{"no":4}`, 400, "no"},
				{"RemoveUnknownLine", "DELETE", id + "/lines/9", "", 400, "line"},
				{"RemoveBadVersion", "DELETE", id + "/lines/1?version=-1", "", 400, "version"},
				{"RemoveBadFlag", "DELETE", id + "/lines/1?drop_decision=maybe", "", 400, "drop_decision"},
				{"RemoveUnknownParam", "DELETE", id + "/lines/1?force=1", "", 400, "force"},
				{"RemoveUnknownComplaint", "DELETE", "/complaints/nope/lines/1", "", 404, ""},
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
			c := ok[lineEditView](s.server, 200, agent, "GET", id, "")
			require.Equal(t, []string{"1 K-1", "2 K-2"}, c.nos(), "nothing was stored")
		})
	}
}
