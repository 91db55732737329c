package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestPresence(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tk := e.open(ada, map[string]any{"subject": "Kettle"})
	path := "/tickets/" + tk.ID + "/presence"

	w := e.send(agent, http.MethodPut, path, map[string]any{})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	w = e.send(supervisor, http.MethodPut, path, map[string]any{"activity": "replying"})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	type lease struct {
		UserID   string `json:"user_id"`
		Activity string `json:"activity"`
	}
	got := decode[struct {
		Lease  lease   `json:"lease"`
		Others []lease `json:"others"`
	}](t, w)
	require.Equal(t, lease{supervisor.ID, "replying"}, got.Lease)
	require.Equal(t, []lease{{agent.ID, "viewing"}}, got.Others)

	w = e.send(agent, http.MethodDelete, path, nil)
	require.Equal(t, http.StatusNoContent, w.Code, w.Body.String())
	w = e.get(agent, path)
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, []lease{{supervisor.ID, "replying"}}, decode[struct {
		Presence []lease `json:"presence"`
	}](t, w).Presence)
	e.clock.Advance(time.Hour)
	w = e.get(agent, path)
	require.JSONEq(t, `{"presence":[]}`, w.Body.String(), "the lease expired by itself")

	requireError(t, e.get(ada, path), http.StatusForbidden, "forbidden")
	requireError(t, e.get(outsider, path), http.StatusNotFound, "not_found")
	requireError(t, e.send(agent, http.MethodPut, path, map[string]any{"activity": "lurking"}), http.StatusBadRequest, "validation_failed")
}

func TestStaleReply(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tk := e.open(ada, map[string]any{"subject": "Kettle"})
	msgs := "/tickets/" + tk.ID + "/messages"
	w := e.send(ada, http.MethodPost, msgs, map[string]any{"body": "first"})
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	seen := decode[struct {
		ID string `json:"id"`
	}](t, w).ID
	e.clock.Advance(time.Minute)
	w = e.send(ada, http.MethodPost, msgs, map[string]any{"body": "second"})
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	newer := decode[struct {
		ID string `json:"id"`
	}](t, w).ID

	w = e.send(agent, http.MethodPost, msgs, map[string]any{"body": "answer", "seen_message_id": seen})
	requireError(t, w, http.StatusConflict, "stale_reply")
	require.Equal(t, []string{newer}, decode[struct {
		Unseen []string `json:"unseen"`
	}](t, w).Unseen)
	w = e.send(agent, http.MethodPost, msgs, map[string]any{"body": "answer", "seen_message_id": newer})
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	requireError(t, e.send(ada, http.MethodPost, msgs, map[string]any{"body": "x", "seen_message_id": newer}),
		http.StatusBadRequest, "validation_failed")
}
