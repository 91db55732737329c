package httpapi

import (
	"context"
	"net/http"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// codeWatchersUnsupported: the store keeps no watchers or CC addresses
// (501).
const codeWatchersUnsupported = "watchers_unsupported"

// watcherList is the body of GET /tickets/{id}/watchers and
// GET /tickets/{id}/cc.
type watcherList struct {
	Watchers []*ticket.Watcher `json:"watchers"`
}

// watchRequest is the body of POST /tickets/{id}/watchers.
type watchRequest struct {
	UserID string `json:"user_id"`
}

// ccRequest is the body of POST /tickets/{id}/cc.
type ccRequest struct {
	Address string `json:"address"`
}

// writeWatchers answers a list of watchers, never null.
func writeWatchers(w http.ResponseWriter, ws []*ticket.Watcher) {
	if ws == nil {
		ws = []*ticket.Watcher{}
	}
	writeJSON(w, http.StatusOK, watcherList{Watchers: ws})
}

func (h *handler) listWatchers(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	ws, err := h.desk.Watchers(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeWatchers(w, ws)
	return nil
}

func (h *handler) listCC(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	ws, err := h.desk.CC(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeWatchers(w, ws)
	return nil
}

func (h *handler) addWatcher(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req watchRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	got, err := call(r, actor, ticketkit.WatchParams{TicketID: r.PathValue("id"), UserID: req.UserID}, h.desk.Watch, h.desk.WatchTx)
	if err != nil {
		return renameFields(err, map[string]string{"ticket_id": "id"})
	}
	writeJSON(w, http.StatusOK, got)
	return nil
}

func (h *handler) removeWatcher(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	q, err := newQuery(r, "user_id")
	if err != nil {
		return err
	}
	p := ticketkit.WatchParams{TicketID: r.PathValue("id"), UserID: q.single("user_id")}
	if err := q.err(); err != nil {
		return err
	}
	unwatch := func(ctx context.Context, a ticketkit.Actor, p ticketkit.WatchParams) (struct{}, error) {
		return struct{}{}, h.desk.Unwatch(ctx, a, p)
	}
	unwatchTx := func(ctx context.Context, tx storage.Tx, a ticketkit.Actor, p ticketkit.WatchParams) (struct{}, error) {
		return struct{}{}, h.desk.UnwatchTx(ctx, tx, a, p)
	}
	if _, err := call(r, actor, p, unwatch, unwatchTx); err != nil {
		return renameFields(err, map[string]string{"ticket_id": "id"})
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *handler) addCC(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req ccRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	got, err := call(r, actor, ticketkit.CCParams{TicketID: r.PathValue("id"), Address: req.Address}, h.desk.AddCC, h.desk.AddCCTx)
	if err != nil {
		return renameFields(err, map[string]string{"ticket_id": "id"})
	}
	writeJSON(w, http.StatusOK, got)
	return nil
}

func (h *handler) removeCC(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	q, err := newQuery(r, "address")
	if err != nil {
		return err
	}
	p := ticketkit.CCParams{TicketID: r.PathValue("id"), Address: q.single("address")}
	if err := q.err(); err != nil {
		return err
	}
	remove := func(ctx context.Context, a ticketkit.Actor, p ticketkit.CCParams) (struct{}, error) {
		return struct{}{}, h.desk.RemoveCC(ctx, a, p)
	}
	removeTx := func(ctx context.Context, tx storage.Tx, a ticketkit.Actor, p ticketkit.CCParams) (struct{}, error) {
		return struct{}{}, h.desk.RemoveCCTx(ctx, tx, a, p)
	}
	if _, err := call(r, actor, p, remove, removeTx); err != nil {
		return renameFields(err, map[string]string{"ticket_id": "id"})
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
