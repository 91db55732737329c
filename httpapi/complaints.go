package httpapi

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// Error codes of the complaint documents, answered by classify for
// every route.
const (
	// codePosted: a change to a posted complaint (409); a posted
	// complaint is immutable.
	codePosted = "complaint_posted"
	// codeComplaintRoute: a ticket route was asked to change what only
	// the complaint routes change on a complaint (409), such as PATCH
	// /tickets/{id} on a complaint's ticket.
	codeComplaintRoute = "complaint_route"
	// codeNotPosted: a reversal of a complaint that is not posted (409).
	codeNotPosted = "complaint_not_posted"
	// codeReversed: a second reversal of a complaint (409); a complaint
	// is reversed once.
	codeReversed = "complaint_reversed"
)

// complaintError maps what the complaint routes alone can meet: a desk
// without complaints answers as if the routes did not exist (404), an
// unknown complaint is "complaint not found", and the Desk's field
// complaint_id is the path's id.
func complaintError(err error, names map[string]string) error {
	if errors.Is(err, ticketkit.ErrComplaintsOff) || errors.Is(err, ticketkit.ErrNotFound) {
		return notFound("complaint")
	}
	renamed := map[string]string{"complaint_id": "id"}
	maps.Copy(renamed, names)
	return renameFields(err, renamed)
}

// writeComplaint answers a complaint with its labels in the reader's
// locale, or err mapped by complaintError.
func (h *handler) writeComplaint(w http.ResponseWriter, r *http.Request, status int, c *ticket.Complaint, err error) error {
	if err != nil {
		return complaintError(err, nil)
	}
	writeJSON(w, status, h.viewComplaints(w, r, c)[0])
	return nil
}

func (h *handler) openComplaint(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req ticketkit.ComplaintOpenParams
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	c, err := call(r, actor, req, h.desk.ComplaintOpen, h.desk.ComplaintOpenTx)
	if err == nil {
		w.Header().Set("Location", "complaints/"+url.PathEscape(c.ID))
	}
	return h.writeComplaint(w, r, http.StatusCreated, c, err)
}

func (h *handler) getComplaint(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	c, err := h.desk.ComplaintGet(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return complaintError(err, nil)
	}
	writeEntity(w, r, http.StatusOK, h.viewComplaints(w, r, c)[0])
	return nil
}

// complaintUpdateRequest is the body of PATCH /complaints/{id}: a member
// left out leaves the field as it is.
type complaintUpdateRequest struct {
	Subject        *string                `json:"subject"`
	Description    *string                `json:"description"`
	Priority       *string                `json:"priority"`
	Category       *string                `json:"category"`
	Reason         *string                `json:"reason"`
	Severity       *ticket.Severity       `json:"severity"`
	RemedySought   *ticket.RemedyKind     `json:"remedy_sought"`
	Contacts       []ticket.Contact       `json:"contacts"`
	Accounting     *ticket.Accounting     `json:"accounting"`
	Responsibility *ticket.Responsibility `json:"responsibility"`
	EndDate        *time.Time             `json:"end_date"`
	Version        int64                  `json:"version"`
}

func (h *handler) updateComplaint(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req complaintUpdateRequest
	if err := h.decodeVersioned(w, r, actor, &req, &req.Version); err != nil {
		return err
	}
	c, err := call(r, actor, ticketkit.ComplaintUpdateParams{
		ComplaintID: r.PathValue("id"), Subject: req.Subject, Description: req.Description,
		Priority: req.Priority, Category: req.Category, Reason: req.Reason, Severity: req.Severity,
		RemedySought: req.RemedySought, Contacts: req.Contacts, Accounting: req.Accounting,
		Responsibility: req.Responsibility, EndDate: req.EndDate, Version: req.Version,
	}, h.desk.ComplaintUpdate, h.desk.ComplaintUpdateTx)
	return h.writeComplaint(w, r, http.StatusOK, c, err)
}

// planRequest is the body of POST /complaints/{id}/plan.
type planRequest struct {
	Add     []ticketkit.ActionInput  `json:"add"`
	Change  []ticketkit.ActionChange `json:"change"`
	Version int64                    `json:"version"`
}

func (h *handler) planComplaint(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req planRequest
	if err := h.decodeVersioned(w, r, actor, &req, &req.Version); err != nil {
		return err
	}
	c, err := call(r, actor, ticketkit.ComplaintPlanParams{
		ComplaintID: r.PathValue("id"), Add: req.Add, Change: req.Change, Version: req.Version,
	}, h.desk.ComplaintPlan, h.desk.ComplaintPlanTx)
	return h.writeComplaint(w, r, http.StatusOK, c, err)
}

// remedyRequest is the remedy of a decision as a client gives it: the
// document that carries it out comes from the host's remedy handler
// when the complaint is posted, never from the client.
type remedyRequest struct {
	Kind     ticket.RemedyKind `json:"kind"`
	Amount   decimal.Decimal   `json:"amount"`
	Currency string            `json:"currency"`
	Feedback string            `json:"feedback"`
	Notes    string            `json:"notes"`
}

// decideRequest is the body of POST /complaints/{id}/decision.
type decideRequest struct {
	Justified      bool          `json:"justified"`
	Notes          string        `json:"notes"`
	Remedy         remedyRequest `json:"remedy"`
	CreditRequired bool          `json:"credit_required"`
	Version        int64         `json:"version"`
}

func (h *handler) decideComplaint(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req decideRequest
	if err := h.decodeVersioned(w, r, actor, &req, &req.Version); err != nil {
		return err
	}
	rm := req.Remedy
	c, err := call(r, actor, ticketkit.ComplaintDecideParams{
		ComplaintID: r.PathValue("id"), Justified: req.Justified, Notes: req.Notes, CreditRequired: req.CreditRequired,
		Remedy:  ticket.Remedy{Kind: rm.Kind, Amount: rm.Amount, Currency: rm.Currency, Feedback: rm.Feedback, Notes: rm.Notes},
		Version: req.Version,
	}, h.desk.ComplaintDecide, h.desk.ComplaintDecideTx)
	return h.writeComplaint(w, r, http.StatusOK, c, err)
}

// reviewRequest is the body of POST /complaints/{id}/reviews.
type reviewRequest struct {
	Outcome ticket.ReviewOutcome `json:"outcome"`
	Notes   string               `json:"notes"`
}

func (h *handler) reviewComplaint(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req reviewRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Outcome != "" && !req.Outcome.Valid() {
		// The Desk would name the field by where it is stored.
		return invalid(fieldError{Field: "outcome", Code: "oneof", Message: "must be approved or changes_requested"})
	}
	c, err := call(r, actor, ticketkit.ComplaintReviewParams{
		ComplaintID: r.PathValue("id"), Outcome: req.Outcome, Notes: req.Notes,
	}, h.desk.ComplaintReview, h.desk.ComplaintReviewTx)
	return h.writeComplaint(w, r, http.StatusOK, c, err)
}

// reviewResultRequest is the body of POST /complaints/{id}/review-results.
type reviewResultRequest struct {
	Text     string   `json:"text"`
	Findings []string `json:"findings"`
}

func (h *handler) recordReviewResult(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req reviewResultRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	c, err := call(r, actor, ticketkit.ComplaintReviewResultParams{
		ComplaintID: r.PathValue("id"), Text: req.Text, Findings: req.Findings,
	}, h.desk.ComplaintReviewResultAdd, h.desk.ComplaintReviewResultAddTx)
	return h.writeComplaint(w, r, http.StatusOK, c, err)
}

// commentRequest is the body of POST /complaints/{id}/comments.
type commentRequest struct {
	Text string `json:"text"`
}

func (h *handler) commentComplaint(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req commentRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	c, err := call(r, actor, ticketkit.ComplaintCommentParams{ComplaintID: r.PathValue("id"), Text: req.Text}, h.desk.ComplaintComment, h.desk.ComplaintCommentTx)
	return h.writeComplaint(w, r, http.StatusOK, c, err)
}

// complaintTransitionRequest is the body of POST
// /complaints/{id}/transitions.
type complaintTransitionRequest struct {
	To      string    `json:"to"`
	Reason  string    `json:"reason"`
	EndDate time.Time `json:"end_date"`
	Version int64     `json:"version"`
}

func (h *handler) transitionComplaint(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req complaintTransitionRequest
	if err := h.decodeVersioned(w, r, actor, &req, &req.Version); err != nil {
		return err
	}
	c, err := call(r, actor, ticketkit.ComplaintTransitionParams{
		ComplaintID: r.PathValue("id"), To: req.To, Reason: req.Reason, EndDate: req.EndDate, Version: req.Version,
	}, h.desk.ComplaintTransition, h.desk.ComplaintTransitionTx)
	return h.writeComplaint(w, r, http.StatusOK, c, err)
}

// postRequest is the body of POST /complaints/{id}/posting.
type postRequest struct {
	Reason  string `json:"reason"`
	Version int64  `json:"version"`
}

func (h *handler) postComplaint(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req postRequest
	if err := h.decodeVersioned(w, r, actor, &req, &req.Version); err != nil {
		return err
	}
	c, err := call(r, actor, ticketkit.ComplaintPostParams{
		ComplaintID: r.PathValue("id"), Reason: req.Reason, Version: req.Version,
	}, h.desk.ComplaintPost, h.desk.ComplaintPostTx)
	return h.writeComplaint(w, r, http.StatusOK, c, err)
}

// reverseRequest is the body of POST /complaints/{id}/reversal.
type reverseRequest struct {
	Reason  string `json:"reason"`
	Version int64  `json:"version"`
}

func (h *handler) reverseComplaint(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req reverseRequest
	if err := h.decodeVersioned(w, r, actor, &req, &req.Version); err != nil {
		return err
	}
	c, err := call(r, actor, ticketkit.ComplaintReverseParams{
		ComplaintID: r.PathValue("id"), Reason: req.Reason, Version: req.Version,
	}, h.desk.ComplaintReverse, h.desk.ComplaintReverseTx)
	return h.writeComplaint(w, r, http.StatusOK, c, err)
}

// journalParams names the query parameters of GET /complaints.
var journalParams = []string{
	"status", "status_category", "reason", "priority", "severity", "customer_id", "counterparty",
	"business_unit", "employee", "salesperson", "source_kind", "source_id", "amount_from", "amount_to",
	"currency", "issued_from", "issued_to", "q", "desc", "limit", "cursor",
}

// journalNames maps the Desk's journal and report field names to the
// query parameters.
var journalNames = map[string]string{
	"statuses": "status", "status_categories": "status_category", "reasons": "reason",
	"priorities": "priority", "severities": "severity", "business_units": "business_unit",
	"employees": "employee", "salespersons": "salesperson", "text": "q", "after": "cursor",
}

// complaintPage is the body of GET /complaints.
type complaintPage struct {
	Complaints []complaintView `json:"complaints"`
	NextCursor string          `json:"next_cursor,omitempty"`
}

func (h *handler) complaintJournal(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	q, err := newQuery(r, journalParams...)
	if err != nil {
		return err
	}
	var cats []ticket.StatusCategory
	for _, c := range q.list("status_category") {
		cats = append(cats, ticket.StatusCategory(c))
	}
	var sevs []ticket.Severity
	for _, s := range q.list("severity") {
		sevs = append(sevs, ticket.Severity(s))
	}
	p := ticketkit.ComplaintJournalParams{
		Statuses: q.list("status"), StatusCategories: cats, Reasons: q.reasons(), Priorities: q.list("priority"),
		Severities: sevs, CustomerID: q.single("customer_id"), Counterparty: q.single("counterparty"),
		BusinessUnits: q.list("business_unit"), Employees: q.list("employee"), Salespersons: q.list("salesperson"),
		SourceKind: ticket.RefKind(q.single("source_kind")), SourceID: q.single("source_id"),
		AmountFrom: q.decimal("amount_from"), AmountTo: q.decimal("amount_to"), Currency: q.single("currency"),
		IssuedFrom: q.time("issued_from"), IssuedTo: q.time("issued_to"), Text: q.single("q"),
		Desc: q.bool("desc"), Limit: q.int("limit"), After: q.single("cursor"),
	}
	if err := q.err(); err != nil {
		return err
	}
	page, err := h.desk.ComplaintJournal(r.Context(), actor, p)
	if err != nil {
		return complaintError(err, journalNames)
	}
	out := complaintPage{Complaints: h.viewComplaints(w, r, page.Complaints...), NextCursor: page.Next}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// reasons returns the reason codes of the parameter reason; an empty
// value (reason= alone, or among others) selects the complaints logged
// without a reason.
func (q *query) reasons() []string {
	out := q.list("reason")
	if slices.Contains(q.values["reason"], "") {
		out = append(out, "")
	}
	return out
}

// plainDecimal is the form of an amount in a query: digits with an
// optional sign and fraction, no exponent, so that no store meets a
// number it cannot hold.
var plainDecimal = regexp.MustCompile(`^-?[0-9]{1,18}(\.[0-9]{1,10})?$`)

// decimal parses an amount parameter; nil when it is absent.
func (q *query) decimal(name string) *decimal.Decimal {
	s := q.single(name)
	if s == "" {
		return nil
	}
	if !plainDecimal.MatchString(s) {
		q.add(name, "decimal", "must be a decimal number such as 120.50, at most 18 digits before the point and 10 after")
		return nil
	}
	d := decimal.RequireFromString(s)
	return &d
}

// complaintReportParams names the query parameters of GET
// /reports/complaints.
var complaintReportParams = []string{"status", "reason", "customer_id", "issued_from", "issued_to"}

// complaintReportView is the body of GET /reports/complaints: the
// Desk's ComplaintReport with the time to decision in seconds.
type complaintReportView struct {
	Complaints     int                    `json:"complaints"`
	ByReason       []ticket.CountRow      `json:"by_reason"`
	ByChannel      []ticket.CountRow      `json:"by_channel"`
	ByProduct      []ticket.CountRow      `json:"by_product"`
	BySeries       []ticket.SeriesRow     `json:"by_series"`
	Justified      ticket.JustifiedRate   `json:"justified"`
	TimeToDecision durationView           `json:"time_to_decision"`
	Claimed        []ticket.CurrencyTotal `json:"claimed"`
	Granted        []ticket.CurrencyTotal `json:"granted"`
}

// reportSelection parses the query of a complaint report: the
// parameters complaintReportParams names.
func reportSelection(r *http.Request) (ticketkit.ComplaintReportParams, error) {
	q, err := newQuery(r, complaintReportParams...)
	if err != nil {
		return ticketkit.ComplaintReportParams{}, err
	}
	p := ticketkit.ComplaintReportParams{
		Statuses: q.list("status"), Reasons: q.reasons(), CustomerID: q.single("customer_id"),
		IssuedFrom: q.time("issued_from"), IssuedTo: q.time("issued_to"),
	}
	if err := q.err(); err != nil {
		return p, err
	}
	// The Desk's reports read the store with these values as they are:
	// refuse here what no store can hold (NUL bytes, bad UTF-8, years
	// out of range, overlong lists).
	if err := ticket.Validate(p); err != nil {
		return p, complaintError(err, journalNames)
	}
	return p, nil
}

func (h *handler) complaintReport(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	p, err := reportSelection(r)
	if err != nil {
		return err
	}
	rep, err := h.desk.ComplaintReport(r.Context(), actor, p)
	if err != nil {
		return complaintError(err, journalNames)
	}
	writeJSON(w, http.StatusOK, complaintReportView{
		Complaints: rep.Complaints, ByReason: orEmpty(rep.ByReason), ByChannel: orEmpty(rep.ByChannel),
		ByProduct: orEmpty(rep.ByProduct), BySeries: orEmpty(rep.BySeries), Justified: rep.Justified,
		TimeToDecision: viewDuration(rep.TimeToDecision), Claimed: orEmpty(rep.Claimed), Granted: orEmpty(rep.Granted),
	})
	return nil
}

// orEmpty returns s, or an empty slice for nil, so that JSON lists are
// [] rather than null.
func orEmpty[S ~[]E, E any](s S) S {
	if s == nil {
		return S{}
	}
	return s
}
