package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

func TestMerge(t *testing.T) {
	t.Parallel()

	t.Run("MergesAndTheOldNumberAnswersTheTarget", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		target := e.open(agent, map[string]any{"subject": "Kettle", "customer": map[string]any{"id": "C-ADA"}})
		source := e.open(agent, map[string]any{"subject": "Kettle again", "customer": map[string]any{"id": "C-BOB"}})
		w := e.send(agent, http.MethodPost, "/tickets/"+source.ID+"/messages", map[string]any{"body": "second"})
		require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
		w = e.do(request{as: &agent, method: http.MethodPost, path: "/tickets/" + target.ID + "/merge",
			body: jsonBody(t, map[string]any{"source_ids": []string{source.ID}}), contentType: "application/json",
			header: http.Header{"If-Match": {`"` + target.ID + `.1"`}, "Idempotency-Key": {"merge-1"}}})
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		got := decode[struct {
			Target  apiTicket   `json:"target"`
			Sources []apiTicket `json:"sources"`
			Moved   int         `json:"moved"`
		}](t, w)
		require.Equal(t, 1, got.Moved)
		require.Equal(t, "closed", got.Sources[0].Status)
		require.Equal(t, `"`+target.ID+`.2"`, w.Header().Get("ETag"))
		again := e.do(request{as: &agent, method: http.MethodPost, path: "/tickets/" + target.ID + "/merge",
			body: jsonBody(t, map[string]any{"source_ids": []string{source.ID}}), contentType: "application/json",
			header: http.Header{"If-Match": {`"` + target.ID + `.1"`}, "Idempotency-Key": {"merge-1"}}})
		require.Equal(t, http.StatusOK, again.Code, "a retry with the key gets the first answer")
		require.JSONEq(t, w.Body.String(), again.Body.String())

		w = e.get(agent, "/tickets/by-number/"+source.Number)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		require.Equal(t, target.ID, decode[apiTicket](t, w).ID)

		w = e.send(agent, http.MethodPost, "/tickets/"+source.ID+"/transitions", map[string]any{"to": "in_progress"})
		requireError(t, w, http.StatusConflict, "ticket_merged")
	})

	t.Run("RefusesNamingTheFields", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		a := e.open(agent, map[string]any{"subject": "A"})
		w := e.send(agent, http.MethodPost, "/tickets/"+a.ID+"/merge", map[string]any{"source_ids": []string{a.ID}})
		got := requireError(t, w, http.StatusConflict, "merge_refused")
		require.Equal(t, []string{"source_ids[0]"}, got.fieldNames())
		w = e.send(ada, http.MethodPost, "/tickets/"+a.ID+"/merge", map[string]any{"source_ids": []string{"x"}})
		requireError(t, w, http.StatusForbidden, "forbidden")
		w = e.send(agent, http.MethodPost, "/tickets/"+a.ID+"/merge", map[string]any{"source_ids": []string{"no-such"}})
		requireError(t, w, http.StatusNotFound, "not_found")
		w = e.send(agent, http.MethodPost, "/tickets/"+a.ID+"/merge", map[string]any{"sources": []string{"x"}})
		requireError(t, w, http.StatusBadRequest, "validation_failed")
		b := e.open(agent, map[string]any{"subject": "B"})
		w = e.do(request{as: &agent, method: http.MethodPost, path: "/tickets/" + a.ID + "/merge",
			body: jsonBody(t, map[string]any{"source_ids": []string{b.ID}}), contentType: "application/json",
			header: http.Header{"If-Match": {`"` + a.ID + `.9"`}}})
		requireError(t, w, http.StatusPreconditionFailed, "precondition_failed")
	})
}

func TestSplitAndLinks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src := e.open(agent, map[string]any{"subject": "Two kettles", "customer": map[string]any{"id": "C-ADA"}})
	w := e.send(agent, http.MethodPost, "/tickets/"+src.ID+"/messages", map[string]any{"body": "first"})
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	w = e.get(agent, "/tickets/"+src.ID+"/messages")
	require.Equal(t, http.StatusOK, w.Code)
	msgs := decode[struct {
		Messages []apiMessage `json:"messages"`
	}](t, w)
	w = e.send(agent, http.MethodPost, "/tickets/"+src.ID+"/split", map[string]any{"message_ids": []string{msgs.Messages[0].ID}, "subject": "Second kettle"})
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	split := decode[struct {
		Ticket apiTicket `json:"ticket"`
		Moved  int       `json:"moved"`
	}](t, w)
	require.Equal(t, 1, split.Moved)
	require.Equal(t, "../"+split.Ticket.ID, w.Header().Get("Location"))

	w = e.send(agent, http.MethodPost, "/tickets/"+split.Ticket.ID+"/links", map[string]any{"type": "parent", "other_id": src.ID})
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	w = e.send(agent, http.MethodPost, "/tickets/"+src.ID+"/links", map[string]any{"type": "parent", "other_id": split.Ticket.ID})
	got := requireError(t, w, http.StatusConflict, "link_cycle")
	require.Equal(t, []string{"other_id"}, got.fieldNames())

	w = e.get(agent, "/tickets/"+src.ID+"/links")
	require.Equal(t, http.StatusOK, w.Code)
	links := decode[struct {
		Links []ticket.Link `json:"links"`
	}](t, w)
	require.Len(t, links.Links, 2)
	requireError(t, e.get(ada, "/tickets/"+src.ID+"/links"), http.StatusForbidden, "forbidden")

	w = e.get(agent, "/tickets?parent_id="+src.ID)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	page := decode[struct {
		Tickets []apiTicket `json:"tickets"`
	}](t, w)
	require.Len(t, page.Tickets, 1)
	require.Equal(t, split.Ticket.ID, page.Tickets[0].ID)

	w = e.send(agent, http.MethodPost, "/tickets/"+src.ID+"/transitions", map[string]any{"to": "resolved"})
	requireError(t, w, http.StatusConflict, "open_children")

	w = e.do(request{as: &agent, method: http.MethodDelete, path: "/tickets/" + split.Ticket.ID + "/links?type=parent&other_id=" + src.ID})
	require.Equal(t, http.StatusNoContent, w.Code, w.Body.String())
	w = e.do(request{as: &agent, method: http.MethodDelete, path: "/tickets/" + split.Ticket.ID + "/links?type=parent&other_id=" + src.ID})
	requireError(t, w, http.StatusNotFound, "not_found")
	w = e.do(request{as: &agent, method: http.MethodDelete, path: "/tickets/" + split.Ticket.ID + "/links?kind=parent"})
	requireError(t, w, http.StatusBadRequest, "validation_failed")
}

// jsonBody returns v as a JSON request body.
func jsonBody(t *testing.T, v any) io.Reader {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return bytes.NewReader(b)
}
