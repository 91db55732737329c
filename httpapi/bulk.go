package httpapi

import (
	"net/http"

	"github.com/ticketkit/ticketkit"
)

// bulkTickets serves POST /tickets/bulk: one action on many tickets,
// answered with each ticket's outcome (200 even when some were refused).
// With an Idempotency-Key it runs through Desk.BulkTx in the request's
// one transaction; otherwise through Desk.Bulk, in chunks.
func (h *handler) bulkTickets(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req ticketkit.BulkParams
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	res, err := call(r, actor, req, h.desk.Bulk, h.desk.BulkTx)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
