package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// bulkAnswer is the body of POST /tickets/bulk.
type bulkAnswer struct {
	Items []struct {
		TicketID string `json:"ticket_id"`
		Outcome  string `json:"outcome"`
		Version  int64  `json:"version"`
		Error    string `json:"error"`
	} `json:"items"`
}

func TestBulk(t *testing.T) {
	t.Parallel()

	// AnswersEachTicketAndReplaysWithTheKey: another tenant's ticket is
	// not_found, the others are done, and a retry with the same
	// Idempotency-Key gets the first answer and changes nothing more.
	t.Run("AnswersEachTicketAndReplaysWithTheKey", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		a := e.open(agent, map[string]any{"subject": "A"})
		b := e.open(agent, map[string]any{"subject": "B"})
		foreign := e.open(outsider, map[string]any{"subject": "X"})
		body := map[string]any{"action": "add_tags", "tags": []string{"recall"}, "ticket_ids": []string{a.ID, foreign.ID, b.ID}}
		send := func() *bulkAnswer {
			w := e.do(request{as: &agent, method: http.MethodPost, path: "/tickets/bulk", body: jsonBody(t, body),
				contentType: "application/json", header: http.Header{"Idempotency-Key": {"bulk-1"}}})
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			got := decode[bulkAnswer](t, w)
			return &got
		}
		first := send()
		require.Len(t, first.Items, 3)
		require.Equal(t, []string{"done", "not_found", "done"},
			[]string{first.Items[0].Outcome, first.Items[1].Outcome, first.Items[2].Outcome})
		require.NotEmpty(t, first.Items[1].Error)
		require.Equal(t, *first, *send(), "a retry with the key gets the first answer")
		w := e.get(agent, "/tickets/"+a.ID)
		require.Equal(t, int64(2), decode[apiTicket](t, w).Version, "the retry changed the ticket again")
	})

	t.Run("RefusesCustomersAndBadInput", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		a := e.open(ada, map[string]any{"subject": "Mine"})
		w := e.send(ada, http.MethodPost, "/tickets/bulk", map[string]any{"action": "transition", "to": "closed", "reason": "x", "ticket_ids": []string{a.ID}})
		requireError(t, w, http.StatusForbidden, "forbidden")
		w = e.send(agent, http.MethodPost, "/tickets/bulk", map[string]any{"action": "assign", "assignee": "x", "priority": "high", "ticket_ids": []string{a.ID, a.ID}})
		got := requireError(t, w, http.StatusBadRequest, "validation_failed")
		require.ElementsMatch(t, []string{"priority", "ticket_ids[1]"}, got.fieldNames())
	})
}
