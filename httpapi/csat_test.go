package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

// withSurveys gives the env's desk a survey key.
func withSurveys(o *options) { o.surveyKey = "0123456789abcdef0123456789abcdef" }

// answer posts a survey answer with no credentials.
func (e *env) answer(body map[string]any) *httptest.ResponseRecorder {
	e.t.Helper()
	raw, err := json.Marshal(body)
	require.NoError(e.t, err)
	return e.do(request{method: http.MethodPost, path: "/survey-answers", body: bytes.NewReader(raw), contentType: "application/json"})
}

// resolve opens a ticket of ada and resolves it.
func (e *env) resolve() apiTicket {
	e.t.Helper()
	tk := e.open(ada, map[string]any{"subject": "Kettle"})
	w := e.send(agent, http.MethodPost, "/tickets/"+tk.ID+"/transitions", map[string]any{"to": ticket.StatusResolved})
	require.Equal(e.t, http.StatusOK, w.Code, w.Body.String())
	return tk
}

func TestSurveys(t *testing.T) {
	t.Parallel()

	t.Run("APublicAnswerWithTheSignedTokenRatesOnce", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, withSurveys)
		tk := e.resolve()
		w := e.send(agent, http.MethodPost, "/tickets/"+tk.ID+"/survey-link", map[string]any{})
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		link := decode[struct {
			Token string `json:"token"`
		}](t, w)
		requireError(t, e.send(ada, http.MethodPost, "/tickets/"+tk.ID+"/survey-link", map[string]any{}), http.StatusForbidden, "forbidden")

		for name, c := range map[string]struct {
			body   map[string]any
			fields []string
		}{
			"score 0":      {map[string]any{"token": link.Token, "score": 0}, []string{"score"}},
			"score 6":      {map[string]any{"token": link.Token, "score": 6}, []string{"score"}},
			"1 MB comment": {map[string]any{"token": link.Token, "score": 3, "comment": strings.Repeat("x", 1<<20)}, nil},
			"NUL comment":  {map[string]any{"token": link.Token, "score": 3, "comment": "a\x00b"}, []string{"comment"}},
			"forged":       {map[string]any{"token": link.Token[:len(link.Token)-2] + "AA", "score": 3}, []string{"token"}},
		} {
			w := e.answer(c.body)
			if c.fields == nil {
				require.Contains(t, []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge}, w.Code, name)
				continue
			}
			got := requireError(t, w, http.StatusBadRequest, "validation_failed")
			require.ElementsMatch(t, c.fields, got.fieldNames(), name)
		}
		w = e.do(request{method: http.MethodPost, path: "/survey-answers", body: strings.NewReader(`{"token":"x","score":NaN}`), contentType: "application/json"})
		require.Equal(t, http.StatusBadRequest, w.Code, w.Body.String())

		w = e.answer(map[string]any{"token": link.Token, "score": 5, "comment": "great"})
		require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
		requireError(t, e.answer(map[string]any{"token": link.Token, "score": 1}), http.StatusConflict, "already_rated")

		w = e.get(ada, "/tickets/"+tk.ID+"/rating")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		require.NotContains(t, w.Body.String(), "agent_id")
		w = e.get(agent, "/reports/satisfaction?group_by=month")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		require.Contains(t, w.Body.String(), `"ratings":1`)
		requireError(t, e.get(ada, "/reports/satisfaction?group_by=agent"), http.StatusForbidden, "forbidden")
		got := requireError(t, e.get(agent, "/reports/satisfaction?group_by=score"), http.StatusBadRequest, "validation_failed")
		require.Equal(t, []string{"group_by"}, got.fieldNames())
	})

	t.Run("ThePortalRatesTheCustomersOwnResolvedTicket", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		open := e.open(ada, map[string]any{"subject": "Kettle"})
		requireError(t, e.send(ada, http.MethodPost, "/tickets/"+open.ID+"/rating", map[string]any{"score": 5}), http.StatusConflict, "not_resolved")
		tk := e.resolve()
		requireError(t, e.send(bob, http.MethodPost, "/tickets/"+tk.ID+"/rating", map[string]any{"score": 5}), http.StatusNotFound, "not_found")
		requireError(t, e.send(agent, http.MethodPost, "/tickets/"+tk.ID+"/rating", map[string]any{"score": 5}), http.StatusForbidden, "forbidden")
		w := e.send(ada, http.MethodPost, "/tickets/"+tk.ID+"/rating", map[string]any{"score": 2})
		require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
		requireError(t, e.send(ada, http.MethodPost, "/tickets/"+tk.ID+"/rating", map[string]any{"score": 5}), http.StatusConflict, "already_rated")
		requireError(t, e.send(agent, http.MethodPost, "/tickets/"+tk.ID+"/survey-link", map[string]any{}), http.StatusNotFound, "not_found")
	})
}

func TestTimeEntries(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tk := e.open(ada, map[string]any{"subject": "Kettle"})
	path := "/tickets/" + tk.ID + "/time-entries"
	for name, c := range map[string]struct {
		body   map[string]any
		fields []string
	}{
		"negative": {map[string]any{"seconds": -60}, []string{"seconds"}},
		"absurd":   {map[string]any{"seconds": int64(1) << 60}, []string{"seconds"}},
		"too long": {map[string]any{"seconds": 86401}, []string{"seconds"}},
		"bad date": {map[string]any{"seconds": 60, "date": "yesterday"}, []string{"date"}},
		"future":   {map[string]any{"seconds": 60, "date": "2099-01-01"}, []string{"date"}},
		"NUL note": {map[string]any{"seconds": 60, "note": "\x00"}, []string{"note"}},
	} {
		got := requireError(t, e.send(agent, http.MethodPost, path, c.body), http.StatusBadRequest, "validation_failed")
		require.ElementsMatch(t, c.fields, got.fieldNames(), name)
	}
	w := e.send(agent, http.MethodPost, path, map[string]any{"seconds": 1800, "billable": true, "note": "call"})
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	entry := decode[struct {
		ID string `json:"id"`
	}](t, w)
	requireError(t, e.send(ada, http.MethodPost, path, map[string]any{"seconds": 60}), http.StatusForbidden, "forbidden")
	requireError(t, e.get(ada, path), http.StatusForbidden, "forbidden")
	w = e.get(agent, path)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Contains(t, w.Body.String(), entry.ID)

	w = e.get(agent, "/reports/time?group_by=customer")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Contains(t, w.Body.String(), `"billable_seconds":1800`)

	w = e.do(request{as: &agent, method: http.MethodDelete, path: path + "/" + entry.ID})
	require.Equal(t, http.StatusNoContent, w.Code, w.Body.String())
	w = e.do(request{as: &agent, method: http.MethodDelete, path: path + "/" + entry.ID})
	require.Equal(t, http.StatusNotFound, w.Code, w.Body.String())
}
