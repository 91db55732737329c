package httpapi

import (
	"errors"
	"net/http"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// Error codes of collision warnings, answered by classify for every
// route.
const (
	// codeStaleReply: a reply or note named the last message its author
	// had seen (seen_message_id), and a customer message arrived after it
	// (409); "unseen" lists them.
	codeStaleReply = "stale_reply"
	// codePresenceUnsupported: the store keeps no presence leases (501).
	codePresenceUnsupported = "presence_unsupported"
)

// presenceError maps the Desk's errors of collision warnings, or returns
// nil for another error.
func presenceError(err error) *apiError {
	var stale *ticketkit.StaleReplyError
	switch {
	case errors.As(err, &stale):
		return &apiError{status: http.StatusConflict, Code: codeStaleReply, Unseen: stale.Unseen,
			Message: "the customer wrote since the message you last saw; read the ticket again before you reply"}
	case errors.Is(err, ticketkit.ErrPresenceUnsupported):
		return &apiError{status: http.StatusNotImplemented, Code: codePresenceUnsupported,
			Message: "this desk's store keeps no presence leases"}
	}
	return nil
}

// presenceList is the body of GET /tickets/{id}/presence.
type presenceList struct {
	Presence []ticket.Presence `json:"presence"`
}

func (h *handler) listPresence(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	ls, err := h.desk.Presence(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return renameFields(err, map[string]string{"ticket_id": "id"})
	}
	if ls == nil {
		ls = []ticket.Presence{}
	}
	writeJSON(w, http.StatusOK, presenceList{Presence: ls})
	return nil
}

// presenceRequest is the body of PUT /tickets/{id}/presence.
type presenceRequest struct {
	Activity ticket.PresenceActivity `json:"activity"`
}

func (h *handler) takePresence(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req presenceRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	res, err := h.desk.TakePresence(r.Context(), actor, ticketkit.TakePresenceParams{TicketID: r.PathValue("id"), Activity: req.Activity})
	if err != nil {
		return renameFields(err, map[string]string{"ticket_id": "id"})
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (h *handler) releasePresence(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	if err := h.desk.ReleasePresence(r.Context(), actor, r.PathValue("id")); err != nil {
		return renameFields(err, map[string]string{"ticket_id": "id"})
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
