package httpapi

import (
	"errors"
	"net/http"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
)

// Problem codes of satisfaction surveys (409).
const (
	// codeAlreadyRated: the ticket has its rating already.
	codeAlreadyRated = "already_rated"
	// codeNotResolved: the ticket is not resolved, so not rated yet.
	codeNotResolved = "not_resolved"
)

// surveyAnswer is the body of the public POST /survey-answers.
type surveyAnswer struct {
	Token   string `json:"token"`
	Score   int    `json:"score"`
	Comment string `json:"comment"`
}

// ratingRequest is the body of POST /tickets/{id}/rating.
type ratingRequest struct {
	Score   int    `json:"score"`
	Comment string `json:"comment"`
}

// csatError maps the errors of surveys and time tracking that have no
// problem type of their own: a second rating and a ticket not resolved
// are conflicts (409), a desk without a survey key answers 404 (it has
// no survey to answer), and a store without the capability is the
// host's misconfiguration (500, logged). nil for the other errors.
func csatError(err error) error {
	switch {
	case errors.Is(err, ticketkit.ErrAlreadyRated):
		return &apiError{status: http.StatusConflict, Code: codeAlreadyRated, Message: "the ticket is rated already: a ticket takes one rating"}
	case errors.Is(err, ticketkit.ErrNotResolved):
		return &apiError{status: http.StatusConflict, Code: codeNotResolved, Message: "the ticket is not resolved: only a resolved or closed ticket is rated"}
	case errors.Is(err, ticketkit.ErrSurveysOff):
		return &apiError{status: http.StatusNotFound, Code: codeNotFound, Message: "this desk sends no satisfaction surveys"}
	}
	return err
}

// answerSurvey serves the public POST /survey-answers: the token of a
// survey link vouches for the tenant, the ticket and the customer.
func (h *handler) answerSurvey(w http.ResponseWriter, r *http.Request, _ ticketkit.Actor) error {
	var req surveyAnswer
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	got, err := h.desk.Rate(r.Context(), ticketkit.RateParams{Token: req.Token, Score: req.Score, Comment: req.Comment})
	if err != nil {
		return csatError(err)
	}
	writeJSON(w, http.StatusCreated, got)
	return nil
}

func (h *handler) rateTicket(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req ratingRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	p := ticketkit.RateTicketParams{TicketID: r.PathValue("id"), Score: req.Score, Comment: req.Comment}
	got, err := call(r, actor, p, h.desk.RateTicket, h.desk.RateTicketTx)
	if err != nil {
		return csatError(renameFields(err, map[string]string{"ticket_id": "id"}))
	}
	writeJSON(w, http.StatusCreated, got)
	return nil
}

func (h *handler) getRating(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	got, err := h.desk.Rating(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return csatError(err)
	}
	writeJSON(w, http.StatusOK, got)
	return nil
}

func (h *handler) surveyLink(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	got, err := h.desk.SurveyLink(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return csatError(err)
	}
	writeJSON(w, http.StatusOK, got)
	return nil
}

// reportQuery reads group_by, from and to.
func reportQuery(r *http.Request) (ticketkit.ReportParams, error) {
	q, err := newQuery(r, "group_by", "from", "to")
	if err != nil {
		return ticketkit.ReportParams{}, err
	}
	p := ticketkit.ReportParams{GroupBy: storage.ReportGroupBy(q.single("group_by")), From: q.time("from"), To: q.time("to")}
	return p, q.err()
}

func (h *handler) satisfactionReport(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	p, err := reportQuery(r)
	if err != nil {
		return err
	}
	rep, err := h.desk.SatisfactionReport(r.Context(), actor, p)
	if err != nil {
		return csatError(err)
	}
	if rep.Groups == nil {
		rep.Groups = []ticketkit.SatisfactionGroup{}
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}
