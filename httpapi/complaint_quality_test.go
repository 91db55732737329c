package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/ticket"
)

// qualityView is the part of the complaint JSON the quality routes
// change.
type qualityView struct {
	Actions []ticket.Action `json:"actions"`
	Details struct {
		RootCause *ticket.RootCause   `json:"root_cause"`
		Steps     []ticket.StepRecord `json:"steps"`
	} `json:"complaint"`
}

// TestComplaintQualityOverTheWire drives the root cause, the 8D steps
// and the effectiveness checks through the API on every store: each
// route answers the complaint as stored, steps out of order are 409
// step_order (not 500), and a customer cannot use the routes.
func TestComplaintQualityOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newComplaintServer(t, store)
			c := s.openComplaint("Scratched kettles", "C-ADA", "CR02", "BU1", "50.00")
			id := "/complaints/" + c.ID

			stepOrder := func(body, want string) {
				t.Helper()
				status, e, raw := s.call(agent, "POST", id+"/steps", body, "")
				require.Equal(t, http.StatusConflict, status, raw)
				require.Equal(t, "step_order", e.Code)
				require.Contains(t, e.Detail, want)
			}
			q := ok[qualityView](s.server, 200, agent, "POST", id+"/steps", `{"step":"D1","notes":"team of three"}`)
			require.Len(t, q.Details.Steps, 1)
			require.Equal(t, ticket.StepD1, q.Details.Steps[0].Step)
			require.Equal(t, agent.ID, q.Details.Steps[0].By)
			stepOrder(`{"step":"D1"}`, "D1")
			stepOrder(`{"step":"D3"}`, "D3")
			ok[qualityView](s.server, 200, agent, "POST", id+"/steps", `{"step":"D2"}`)
			ok[qualityView](s.server, 200, agent, "POST", id+"/steps", `{"step":"D3"}`)
			stepOrder(`{"step":"D4"}`, "D4")

			// A code the catalog does not hold names the field.
			status, e, raw := s.call(agent, "POST", id+"/root-cause", `{"cause":{"group":"MAN","code":"nope"}}`, "")
			require.Equal(t, http.StatusBadRequest, status, raw)
			require.Contains(t, e.fieldNames(), "cause")
			q = ok[qualityView](s.server, 200, agent, "POST", id+"/root-cause",
				`{"cause":{"group":"MAN","code":"M01"},"defect":{"group":"VIS","code":"V01"},"text":"press misaligned"}`)
			require.NotNil(t, q.Details.RootCause)
			require.Equal(t, ticket.CodeRef{Group: "MAN", Code: "M01"}, q.Details.RootCause.Cause)
			require.Equal(t, "press misaligned", q.Details.RootCause.Text)
			q = ok[qualityView](s.server, 200, agent, "POST", id+"/steps", `{"step":"D4"}`)
			require.Len(t, q.Details.Steps, 4)

			// Effectiveness: only of a done action, of a known one.
			require.NotEmpty(t, q.Actions)
			act := q.Actions[0].ID
			eff := id + "/actions/" + act + "/effectiveness"
			status, e, raw = s.call(agent, "POST", eff, `{"effective":true}`, "")
			require.Equal(t, http.StatusBadRequest, status, raw)
			require.Equal(t, []string{"action"}, e.fieldNames())
			status, e, raw = s.call(agent, "POST", id+"/actions/nope/effectiveness", `{"effective":true}`, "")
			require.Equal(t, http.StatusNotFound, status, raw)
			require.Equal(t, "not_found", e.Code)
			ok[qualityView](s.server, 200, agent, "POST", id+"/plan", fmt.Sprintf(`{"change":[{"id":%q,"done":true,"result":"fixed"}]}`, act))
			q = ok[qualityView](s.server, 200, agent, "POST", eff, `{"effective":true,"notes":"no return in 30 days"}`)
			require.True(t, q.Actions[0].Effectiveness.Effective)

			// A customer is refused every quality route and learns
			// nothing of the complaint from the answer.
			for _, r := range []struct{ path, body string }{
				{id + "/steps", `{"step":"D5"}`},
				{id + "/root-cause", `{"cause":{"group":"MAN","code":"M02"}}`},
				{eff, `{"effective":false}`},
			} {
				status, e, raw := s.call(ada, "POST", r.path, r.body, "")
				require.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, status, raw)
				require.NotEmpty(t, e.Code, raw)
				require.NotContains(t, raw, "M01", r.path)
				require.NotContains(t, raw, "press misaligned", r.path)
			}
			after := ok[json.RawMessage](s.server, 200, agent, "GET", id, "")
			require.NotContains(t, string(after), "M02", "the customer's root cause was not stored")
		})
	}
}

// TestComplaintQualityHostileInputOverTheWire sends malformed and
// hostile bodies and paths to the quality routes: each is 400 (or 404
// for an unknown complaint), never 500.
func TestComplaintQualityHostileInputOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newComplaintServer(t, store)
			c := s.openComplaint("Kettle", "C-ADA", "CR01", "BU1", "10.00")
			id := "/complaints/" + c.ID
			long := strings.Repeat("x", 4001)
			cases := []struct {
				name, path, body string
				status           int
				field            string
			}{
				{"StepPathNUL", "/complaints/%00/steps", `{"step":"D1"}`, 400, "id"},
				{"StepUnknownComplaint", "/complaints/nope/steps", `{"step":"D1"}`, 404, ""},
				{"StepUnknown", id + "/steps", `{"step":"D9"}`, 400, "step"},
				{"StepMissing", id + "/steps", `{}`, 400, "step"},
				{"StepNotesNUL", id + "/steps", `{"step":"D1","notes":"a\u0000"}`, 400, "notes"},
				{"StepNotesLong", id + "/steps", `{"step":"D1","notes":"` + long + `"}`, 400, "notes"},
				{"StepUnknownMember", id + "/steps", `{"step":"D1","by":"boss"}`, 400, "by"},
				{"StepNotJSON", id + "/steps", `{"step":`, 400, ""},
				{"CauseMissing", id + "/root-cause", `{"text":"x"}`, 400, "cause"},
				{"CauseNUL", id + "/root-cause", `{"cause":{"group":"MAN\u0000","code":"M01"}}`, 400, "cause"},
				{"CauseBadUTF8", id + "/root-cause", "{\"cause\":{\"group\":\"\xff\",\"code\":\"M01\"}}", 400, ""},
				{"CauseWrongType", id + "/root-cause", `{"cause":"MAN/M01"}`, 400, ""},
				{"CauseTextLong", id + "/root-cause", `{"cause":{"group":"MAN","code":"M01"},"text":"` + long + `"}`, 400, "text"},
				{"CauseUnknownMember", id + "/root-cause", `{"cause":{"group":"MAN","code":"M01"},"at":"now"}`, 400, "at"},
				{"EffActionNUL", id + "/actions/%00/effectiveness", `{"effective":true}`, 400, "action"},
				{"EffActionBadUTF8", id + "/actions/%FF/effectiveness", `{"effective":true}`, 400, "action"},
				{"EffWrongType", id + "/actions/a/effectiveness", `{"effective":"yes"}`, 400, ""},
				{"EffNotesNUL", id + "/actions/a/effectiveness", `{"effective":true,"notes":"\u0000"}`, 400, ""},
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
