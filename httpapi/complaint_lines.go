package httpapi

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// lineIndex parses the path's {line}, a line's index from 0 in the
// complaint's lines.
func lineIndex(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("line"))
	if err != nil || n < 0 {
		return 0, invalid(fieldError{Field: "line", Code: "integer", Message: "must be a non-negative integer"})
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
	line, err := lineIndex(r)
	if err != nil {
		return err
	}
	var req lineDecisionRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := checkVersion(req.Version); err != nil {
		return err
	}
	c, err := h.desk.ComplaintLineDecide(r.Context(), actor, ticketkit.ComplaintLineDecideParams{
		ComplaintID: r.PathValue("id"), Line: line, Justified: req.Justified, Remedies: req.Remedies,
		Feedback: req.Feedback, Note: req.Note, Version: req.Version,
	})
	return writeComplaint(w, http.StatusOK, c, err)
}

// lineReturnRequest is the body of POST
// /complaints/{id}/lines/{line}/return.
type lineReturnRequest struct {
	Return  ticket.Reference `json:"return"`
	Version int64            `json:"version"`
}

func (h *handler) linkComplaintLineReturn(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	line, err := lineIndex(r)
	if err != nil {
		return err
	}
	var req lineReturnRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := checkVersion(req.Version); err != nil {
		return err
	}
	c, err := h.desk.ComplaintLineReturnLink(r.Context(), actor, ticketkit.ComplaintLineReturnParams{
		ComplaintID: r.PathValue("id"), Line: line, Return: req.Return, Version: req.Version,
	})
	return writeComplaint(w, http.StatusOK, c, err)
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
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := checkVersion(req.Version); err != nil {
		return err
	}
	c, err := h.desk.ComplaintClaimRaise(r.Context(), actor, ticketkit.ComplaintClaimParams{
		ComplaintID: r.PathValue("id"), Role: req.Role, Counterparty: req.Counterparty, Subject: req.Subject,
		Description: req.Description, Reason: req.Reason, Lines: req.Lines, RemedySought: req.RemedySought,
		Accounting: req.Accounting, Version: req.Version,
	})
	if err == nil {
		// Relative to /complaints/{id}/claims: the claim is a complaint.
		w.Header().Set("Location", "../"+url.PathEscape(c.ID))
	}
	return writeComplaint(w, http.StatusCreated, c, err)
}
