package httpapi

import (
	"net/http"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// codeStepOrder: an 8D step that cannot be completed yet (409), such as
// one whose predecessor is open, one completed already, D4 without a
// root cause or D6 before every corrective action is checked effective.
// It is a conflict with the complaint's state, not a malformed request:
// the same body succeeds once the missing step is done.
const codeStepOrder = "step_order"

// rootCauseRequest is the body of POST /complaints/{id}/root-cause.
type rootCauseRequest struct {
	Cause  ticket.CodeRef `json:"cause"`
	Defect ticket.CodeRef `json:"defect"`
	Text   string         `json:"text"`
}

func (h *handler) setRootCause(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req rootCauseRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	c, err := call(r, actor, ticketkit.ComplaintRootCauseParams{
		ComplaintID: r.PathValue("id"), Cause: req.Cause, Defect: req.Defect, Text: req.Text,
	}, h.desk.ComplaintRootCauseSet, h.desk.ComplaintRootCauseSetTx)
	return h.writeComplaint(w, r, http.StatusOK, c, err)
}

// stepRequest is the body of POST /complaints/{id}/steps.
type stepRequest struct {
	Step  ticket.Step `json:"step"`
	Notes string      `json:"notes"`
}

func (h *handler) completeStep(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req stepRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	c, err := call(r, actor, ticketkit.ComplaintStepParams{
		ComplaintID: r.PathValue("id"), Step: req.Step, Notes: req.Notes,
	}, h.desk.ComplaintStepComplete, h.desk.ComplaintStepCompleteTx)
	return h.writeComplaint(w, r, http.StatusOK, c, err)
}

// effectivenessRequest is the body of POST
// /complaints/{id}/actions/{action}/effectiveness.
type effectivenessRequest struct {
	Effective bool   `json:"effective"`
	Notes     string `json:"notes"`
}

func (h *handler) recordEffectiveness(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req effectivenessRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	c, err := call(r, actor, ticketkit.ComplaintEffectivenessParams{
		ComplaintID: r.PathValue("id"), ActionID: r.PathValue("action"), Effective: req.Effective, Notes: req.Notes,
	}, h.desk.ComplaintEffectivenessRecord, h.desk.ComplaintEffectivenessRecordTx)
	if err != nil {
		return complaintError(err, map[string]string{"action_id": "action"})
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
