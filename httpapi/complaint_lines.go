package httpapi

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// lineNo parses the path's {line}, a line's number (the complaint
// line's "no", from 1).
func lineNo(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("line"))
	if err != nil || n < 1 {
		return 0, invalid(fieldError{Field: "line", Code: "integer", Message: "must be a line number, from 1"})
	}
	return n, nil
}

// lineDecisionRequest is the body of POST
// /complaints/{id}/lines/{line}/decision.
type lineDecisionRequest struct {
	Justified bool                `json:"justified"`
	Remedies  []ticket.LineRemedy `json:"remedies"`
	Feedback  string              `json:"feedback"`
	Note      *string             `json:"note"`
	Version   int64               `json:"version"`
}

func (h *handler) decideComplaintLine(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	line, err := lineNo(r)
	if err != nil {
		return err
	}
	var req lineDecisionRequest
	if err := h.decodeVersioned(w, r, actor, &req, &req.Version); err != nil {
		return err
	}
	c, err := call(r, actor, ticketkit.ComplaintLineDecideParams{
		ComplaintID: r.PathValue("id"), Line: line, Justified: req.Justified, Remedies: req.Remedies,
		Feedback: req.Feedback, Note: req.Note, Version: req.Version,
	}, h.desk.ComplaintLineDecide, h.desk.ComplaintLineDecideTx)
	return h.writeComplaint(w, r, http.StatusOK, c, err)
}

// lineReturnRequest is the body of POST
// /complaints/{id}/lines/{line}/return.
type lineReturnRequest struct {
	Return  ticket.Reference `json:"return"`
	Version int64            `json:"version"`
}

func (h *handler) linkComplaintLineReturn(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	line, err := lineNo(r)
	if err != nil {
		return err
	}
	var req lineReturnRequest
	if err := h.decodeVersioned(w, r, actor, &req, &req.Version); err != nil {
		return err
	}
	c, err := call(r, actor, ticketkit.ComplaintLineReturnParams{
		ComplaintID: r.PathValue("id"), Line: line, Return: req.Return, Version: req.Version,
	}, h.desk.ComplaintLineReturnLink, h.desk.ComplaintLineReturnLinkTx)
	return h.writeComplaint(w, r, http.StatusOK, c, err)
}

// claimRequest is the body of POST /complaints/{id}/claims.
type claimRequest struct {
	Role         ticket.CounterpartyRole `json:"role"`
	Counterparty ticket.Customer         `json:"counterparty"`
	Subject      string                  `json:"subject"`
	Description  string                  `json:"description"`
	Reason       string                  `json:"reason"`
	Lines        []int                   `json:"lines"`
	RemedySought ticket.RemedyKind       `json:"remedy_sought"`
	Accounting   ticket.Accounting       `json:"accounting"`
	Version      int64                   `json:"version"`
}

func (h *handler) raiseComplaintClaim(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req claimRequest
	if err := h.decodeVersioned(w, r, actor, &req, &req.Version); err != nil {
		return err
	}
	c, err := call(r, actor, ticketkit.ComplaintClaimParams{
		ComplaintID: r.PathValue("id"), Role: req.Role, Counterparty: req.Counterparty, Subject: req.Subject,
		Description: req.Description, Reason: req.Reason, Lines: req.Lines, RemedySought: req.RemedySought,
		Accounting: req.Accounting, Version: req.Version,
	}, h.desk.ComplaintClaimRaise, h.desk.ComplaintClaimRaiseTx)
	if err == nil {
		// Relative to /complaints/{id}/claims: the claim is a complaint.
		w.Header().Set("Location", "../"+url.PathEscape(c.ID))
	}
	return h.writeComplaint(w, r, http.StatusCreated, c, err)
}

// Error codes of the line routes (409).
const (
	codeLineDecided  = "line_decided"  // 409: the change would drop a line's decision; send drop_decision.
	codeLineReturned = "line_returned" // 409: a line linked to a return is never removed.
)

// lineError answers the refusals of the line methods, or err mapped by
// complaintError.
func lineError(err error) error {
	switch {
	case errors.Is(err, ticketkit.ErrLineDecided):
		return &apiError{status: http.StatusConflict, Code: codeLineDecided,
			Message: "the line is decided: a new product, quantity or unit, or removing it, drops the decision; send drop_decision to drop it"}
	case errors.Is(err, ticketkit.ErrLineReturned):
		return &apiError{status: http.StatusConflict, Code: codeLineReturned,
			Message: "the line is linked to a return document and cannot be removed"}
	}
	return complaintError(err, nil)
}

// writeLines answers the complaint a line method returned, or its
// error mapped by lineError.
func writeLines(w http.ResponseWriter, c *ticket.Complaint, err error) error {
	if err != nil {
		return lineError(err)
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// lineAddRequest is the body of POST /complaints/{id}/lines.
type lineAddRequest struct {
	Lines   []ticket.ComplaintLine `json:"lines"`
	Version int64                  `json:"version"`
}

func (h *handler) addComplaintLines(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req lineAddRequest
	if err := h.decodeVersioned(w, r, actor, &req, &req.Version); err != nil {
		return err
	}
	c, err := call(r, actor, ticketkit.ComplaintLineAddParams{
		ComplaintID: r.PathValue("id"), Lines: req.Lines, Version: req.Version,
	}, h.desk.ComplaintLineAdd, h.desk.ComplaintLineAddTx)
	return writeLines(w, c, err)
}

// lineUpdateRequest is the body of PATCH /complaints/{id}/lines/{line}:
// members left out stay as they are.
type lineUpdateRequest struct {
	Product      *string          `json:"product"`
	Description  *string          `json:"description"`
	Serial       *string          `json:"serial"`
	Batch        *string          `json:"batch"`
	Quantity     *decimal.Decimal `json:"quantity"`
	Unit         *string          `json:"unit"`
	Note         *string          `json:"note"`
	DropDecision bool             `json:"drop_decision"`
	Version      int64            `json:"version"`
}

func (h *handler) updateComplaintLine(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	line, err := lineNo(r)
	if err != nil {
		return err
	}
	var req lineUpdateRequest
	if err := h.decodeVersioned(w, r, actor, &req, &req.Version); err != nil {
		return err
	}
	c, err := call(r, actor, ticketkit.ComplaintLineUpdateParams{
		ComplaintID: r.PathValue("id"), Line: line, Product: req.Product, Description: req.Description,
		Serial: req.Serial, Batch: req.Batch, Quantity: req.Quantity, Unit: req.Unit, Note: req.Note,
		DropDecision: req.DropDecision, Version: req.Version,
	}, h.desk.ComplaintLineUpdate, h.desk.ComplaintLineUpdateTx)
	return writeLines(w, c, err)
}

// removeComplaintLine answers DELETE /complaints/{id}/lines/{line}, with
// the query parameters version and drop_decision.
func (h *handler) removeComplaintLine(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	line, err := lineNo(r)
	if err != nil {
		return err
	}
	q, err := newQuery(r, "version", "drop_decision")
	if err != nil {
		return err
	}
	p := ticketkit.ComplaintLineRemoveParams{ComplaintID: r.PathValue("id"), Line: line,
		Version: int64(q.int("version")), DropDecision: q.bool("drop_decision")}
	if err := q.err(); err != nil {
		return err
	}
	if p.Version, err = h.expectVersion(r, actor, p.Version); err != nil {
		return err
	}
	c, err := call(r, actor, p, h.desk.ComplaintLineRemove, h.desk.ComplaintLineRemoveTx)
	return writeLines(w, c, err)
}
