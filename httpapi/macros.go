package httpapi

import (
	"net/http"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// macroList is the body of GET /macros.
type macroList struct {
	Macros []ticketkit.Macro `json:"macros"`
}

// applyMacroRequest is the body of POST /tickets/{id}/macros/{macro}.
type applyMacroRequest struct {
	Locale        string `json:"locale"`
	Version       int64  `json:"version"`
	SeenMessageID string `json:"seen_message_id"`
}

// macroResult is the answer of POST /tickets/{id}/macros/{macro}: the
// ticket with its labels and the message the macro posted.
type macroResult struct {
	Ticket  ticketView      `json:"ticket"`
	Message *ticket.Message `json:"message"`
}

// macroFields renames the fields of the Desk's errors to the request's.
var macroFields = map[string]string{"ticket_id": "id", "macro_id": "macro"}

func (h *handler) listMacros(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	q, err := newQuery(r, "department", "team")
	if err != nil {
		return err
	}
	p := ticketkit.ListMacrosParams{Department: q.single("department"), Team: q.single("team")}
	if err := q.err(); err != nil {
		return err
	}
	ms, err := h.desk.ListMacros(r.Context(), actor, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, macroList{Macros: ms})
	return nil
}

func (h *handler) previewMacro(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	q, err := newQuery(r, "locale")
	if err != nil {
		return err
	}
	p := ticketkit.MacroParams{TicketID: r.PathValue("id"), MacroID: r.PathValue("macro"), Locale: q.single("locale")}
	if err := q.err(); err != nil {
		return err
	}
	got, err := h.desk.PreviewMacro(r.Context(), actor, p)
	if err != nil {
		return renameFields(err, macroFields)
	}
	writeJSON(w, http.StatusOK, got)
	return nil
}

func (h *handler) applyMacro(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req applyMacroRequest
	if err := h.decodeVersioned(w, r, actor, &req, &req.Version); err != nil {
		return err
	}
	got, err := call(r, actor, ticketkit.MacroParams{
		TicketID: r.PathValue("id"), MacroID: r.PathValue("macro"),
		Locale: req.Locale, Version: req.Version, SeenMessageID: req.SeenMessageID,
	}, h.desk.ApplyMacro, h.desk.ApplyMacroTx)
	if err != nil {
		return renameFields(err, macroFields)
	}
	writeJSON(w, http.StatusOK, macroResult{Ticket: h.viewTicket(w, r, got.Ticket), Message: got.Message})
	return nil
}
