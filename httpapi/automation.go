package httpapi

import (
	"net/http"

	"github.com/ticketkit/ticketkit"
)

// dryRunRequest is the body of POST /tickets/{id}/rules/dry-run.
type dryRunRequest struct {
	Set     map[string]string `json:"set,omitempty"`
	Message bool              `json:"message,omitempty"`
	Opened  bool              `json:"opened,omitempty"`
}

// dryRunRules serves POST /tickets/{id}/rules/dry-run: which event rules
// of the tenant's automation would fire on the change the body
// describes, without writing anything (staff only).
func (h *handler) dryRunRules(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req dryRunRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	got, err := h.desk.DryRunRules(r.Context(), actor, ticketkit.DryRunParams{TicketID: r.PathValue("id"), Set: req.Set, Message: req.Message, Opened: req.Opened})
	if err != nil {
		return renameFields(err, map[string]string{"ticket_id": "id"})
	}
	writeJSON(w, http.StatusOK, got)
	return nil
}
