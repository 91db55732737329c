package httpapi

import (
	"net/http"

	"github.com/ticketkit/ticketkit"
)

// autoAssignRequest is the body of POST /tickets/{id}/auto-assign.
type autoAssignRequest struct {
	Version int64 `json:"version"`
}

// autoAssignResponse is the answer of POST /tickets/{id}/auto-assign.
type autoAssignResponse struct {
	Ticket     ticketView                   `json:"ticket"`
	Assignee   string                       `json:"assignee,omitempty"`
	Strategy   ticketkit.AssignmentStrategy `json:"strategy,omitempty"`
	Unassigned ticketkit.UnassignedReason   `json:"unassigned,omitempty"`
}

// autoAssignTicket gives an unassigned ticket to an agent of its
// department's assignment pool (ticketkit.Desk.AutoAssign).
func (h *handler) autoAssignTicket(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req autoAssignRequest
	if err := h.decodeVersioned(w, r, actor, &req, &req.Version); err != nil {
		return err
	}
	res, err := call(r, actor, ticketkit.AutoAssignParams{TicketID: r.PathValue("id"), Version: req.Version},
		h.desk.AutoAssign, h.desk.AutoAssignTx)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, autoAssignResponse{
		Ticket: h.viewTicket(w, r, res.Ticket), Assignee: res.Assignee, Strategy: res.Strategy, Unassigned: res.Unassigned,
	})
	return nil
}
