package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// openRequest is the body of POST /tickets.
type openRequest struct {
	Subject     string             `json:"subject"`
	Description string             `json:"description"`
	Priority    string             `json:"priority"`
	Category    string             `json:"category"`
	Department  string             `json:"department"`
	Channel     ticket.Channel     `json:"channel"`
	Customer    ticket.Customer    `json:"customer"`
	Contacts    []ticket.Contact   `json:"contacts"`
	References  []ticket.Reference `json:"references"`
	Assignee    string             `json:"assignee"`
	Tags        []string           `json:"tags"`
	Fields      map[string]string  `json:"fields"`
	Reason      string             `json:"reason"`
	Tier        string             `json:"tier"`
}

func (h *handler) openTicket(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var (
		req     openRequest
		message string
	)
	files, done, err := h.decodeUpload(w, r, &req, func() ([]ticketkit.AttachmentInput, func(), error) {
		return h.readOpenForm(w, r, &req, &message)
	})
	defer done()
	if err != nil {
		return err
	}
	if actor.Role == ticket.RoleCustomer && req.Tier != "" {
		// The tier selects SLA policies: the host knows it, the
		// customer does not get to choose it.
		return invalid(fieldError{Field: "tier", Code: "forbidden", Message: "may not be set by a customer"})
	}
	t, err := call(r, actor, ticketkit.OpenParams{
		Subject: req.Subject, Description: req.Description,
		Priority: req.Priority, Category: req.Category, Department: req.Department, Channel: req.Channel,
		Customer: req.Customer, Contacts: req.Contacts, References: req.References,
		Assignee: req.Assignee, Tags: req.Tags, Fields: req.Fields, Reason: req.Reason, Tier: req.Tier,
		Message: message, Attachments: files,
	}, h.desk.Open, h.desk.OpenTx)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "tickets/"+url.PathEscape(t.ID))
	writeJSON(w, http.StatusCreated, h.viewTicket(w, r, t))
	return nil
}

func (h *handler) getTicket(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	t, err := h.desk.Get(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeEntity(w, r, http.StatusOK, h.viewTicket(w, r, t))
	return nil
}

func (h *handler) getTicketByNumber(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	t, err := h.desk.GetByNumber(r.Context(), actor, r.PathValue("number"))
	if err != nil {
		return err
	}
	writeEntity(w, r, http.StatusOK, h.viewTicket(w, r, t))
	return nil
}

// searchParams names the query parameters of GET /tickets.
var searchParams = append(slices.Clone(filterParams), "ref", "tag", "updated_since", "parent_id", "linked_to", "link_type",
	"number_prefix", "search", "search_prefix", "count", "sort", "desc", "limit", "cursor")

// searchNames maps the Desk's field names to the query parameters.
var searchNames = map[string]string{
	"statuses": "status", "status_categories": "status_category", "priorities": "priority",
	"categories": "category", "departments": "department", "assignees": "assignee",
	"channels": "channel", "text": "q", "after": "cursor", "references": "ref",
	"tags": "tag", "link_types": "link_type", "query": "search", "query_prefix": "search_prefix",
}

// filterParams names the query parameters that select tickets, shared by
// GET /tickets and GET /reports/sla.
var filterParams = []string{
	"status", "status_category", "priority", "category", "department", "assignee", "channel",
	"created_from", "created_to", "customer_id", "customer_mobile", "customer_email",
	"number", "q", "organisation_id",
}

// searchFilter reads the filterParams of q.
func searchFilter(q *query) ticketkit.SearchParams {
	var cats []ticket.StatusCategory
	for _, c := range q.list("status_category") {
		cats = append(cats, ticket.StatusCategory(c))
	}
	var channels []ticket.Channel
	for _, c := range q.list("channel") {
		channels = append(channels, ticket.Channel(c))
	}
	return ticketkit.SearchParams{
		Statuses:         q.list("status"),
		StatusCategories: cats,
		Priorities:       q.list("priority"),
		Categories:       q.list("category"),
		Departments:      q.list("department"),
		Assignees:        q.list("assignee"),
		Channels:         channels,
		CreatedFrom:      q.time("created_from"),
		CreatedTo:        q.time("created_to"),
		CustomerID:       q.single("customer_id"),
		CustomerMobile:   q.single("customer_mobile"),
		CustomerEmail:    q.single("customer_email"),
		Number:           q.single("number"),
		Text:             q.single("q"),
		OrganisationID:   q.single("organisation_id"),
	}
}

// refs reads a repeatable reference parameter: each value is one
// reference, kind:id, such as ref=order:SO-1, split at the first colon
// (no kind holds one), so that an ID may hold colons and commas
// (ref=serial:urn:sn:7 is kind serial, ID urn:sn:7). A value without a
// colon is reported as name[i]. Like list, it stops one item past
// ticket.MaxItems: the Desk refuses the list for its length.
func (q *query) refs(name string) []ticket.Reference {
	var out []ticket.Reference
	for i, v := range q.values[name] {
		if len(out) > ticket.MaxItems {
			break
		}
		kind, id, ok := strings.Cut(v, ":")
		if !ok {
			q.add(fmt.Sprintf("%s[%d]", name, i), "format", "must be kind:id, such as order:SO-1")
			continue
		}
		out = append(out, ticket.Reference{Kind: ticket.RefKind(kind), ID: id})
	}
	return out
}

// each returns the values of a repeatable parameter whose values may
// hold commas, such as tags: each value is one item, unlike list. Empty
// values are dropped; it stops one item past ticket.MaxItems.
func (q *query) each(name string) []string {
	var out []string
	for _, v := range q.values[name] {
		if len(out) > ticket.MaxItems {
			break
		}
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// ticketPage is the body of GET /tickets.
type ticketPage struct {
	Tickets     []ticketView `json:"tickets"`
	NextCursor  string       `json:"next_cursor,omitempty"`
	Total       *int         `json:"total,omitempty"`
	TotalCapped bool         `json:"total_capped,omitempty"`
}

func (h *handler) searchTickets(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	q, err := newQuery(r, searchParams...)
	if err != nil {
		return err
	}
	p := searchFilter(q)
	p.References = q.refs("ref")
	p.Tags = q.each("tag")
	p.UpdatedSince = q.time("updated_since")
	p.ParentID = q.single("parent_id")
	p.NumberPrefix = q.single("number_prefix")
	p.Query = q.single("search")
	p.QueryPrefix = q.bool("search_prefix")
	p.LinkedTo = q.single("linked_to")
	for _, t := range q.list("link_type") {
		p.LinkTypes = append(p.LinkTypes, ticket.LinkType(t))
	}
	p.Sort = storage.SortField(q.single("sort"))
	p.Desc = q.bool("desc")
	p.Limit = q.int("limit")
	p.After = q.single("cursor")
	p.Count = q.bool("count")
	if err := q.err(); err != nil {
		return err
	}
	res, err := h.desk.Search(r.Context(), actor, p)
	if err != nil {
		return renameFields(err, searchNames)
	}
	writeJSON(w, http.StatusOK, ticketPage{Tickets: h.viewTickets(w, r, res.Tickets), NextCursor: res.Next,
		Total: res.Total, TotalCapped: res.TotalCapped})
	return nil
}

// transitionRequest is the body of POST /tickets/{id}/transitions.
type transitionRequest struct {
	To           string    `json:"to"`
	Reason       string    `json:"reason"`
	Version      int64     `json:"version"`
	PendingUntil time.Time `json:"pending_until"`
}

func (h *handler) transitionTicket(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req transitionRequest
	if err := h.decodeVersioned(w, r, actor, &req, &req.Version); err != nil {
		return err
	}
	t, err := call(r, actor, ticketkit.TransitionParams{
		TicketID: r.PathValue("id"), To: req.To, Reason: req.Reason, Version: req.Version, PendingUntil: req.PendingUntil,
	}, h.desk.Transition, h.desk.TransitionTx)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h.viewTicket(w, r, t))
	return nil
}

// assignRequest is the body of POST /tickets/{id}/assignment.
type assignRequest struct {
	Department *string `json:"department"`
	Assignee   *string `json:"assignee"`
	Version    int64   `json:"version"`
}

func (h *handler) assignTicket(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req assignRequest
	if err := h.decodeVersioned(w, r, actor, &req, &req.Version); err != nil {
		return err
	}
	if req.Department == nil && req.Assignee == nil {
		return invalid(fieldError{Field: "assignee", Code: "required", Message: "give an assignee, a department or both"})
	}
	t, err := call(r, actor, ticketkit.AssignParams{
		TicketID: r.PathValue("id"), Department: req.Department, Assignee: req.Assignee, Version: req.Version,
	}, h.desk.Assign, h.desk.AssignTx)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h.viewTicket(w, r, t))
	return nil
}

// updateRequest is the body of PATCH /tickets/{id}. A member left out
// leaves the field as it is; a list given (even empty) replaces the
// ticket's list.
type updateRequest struct {
	Subject     *string             `json:"subject"`
	Description *string             `json:"description"`
	Priority    *string             `json:"priority"`
	Category    *string             `json:"category"`
	Department  *string             `json:"department"`
	Channel     *ticket.Channel     `json:"channel"`
	Customer    *ticket.Customer    `json:"customer"`
	Contacts    *[]ticket.Contact   `json:"contacts"`
	References  *[]ticket.Reference `json:"references"`
	Tags        *[]string           `json:"tags"`
	Fields      map[string]string   `json:"fields"`
	Reason      *string             `json:"reason"`
	Version     int64               `json:"version"`
}

func (h *handler) updateTicket(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req updateRequest
	if err := h.decodeVersioned(w, r, actor, &req, &req.Version); err != nil {
		return err
	}
	p := ticketkit.UpdateParams{
		TicketID: r.PathValue("id"), Subject: req.Subject, Description: req.Description,
		Priority: req.Priority, Category: req.Category, Department: req.Department, Channel: req.Channel, Customer: req.Customer,
		Fields: req.Fields, Reason: req.Reason, Version: req.Version,
	}
	if req.Contacts != nil {
		p.Contacts, p.SetContacts = *req.Contacts, true
	}
	if req.References != nil {
		p.References, p.SetReferences = *req.References, true
	}
	if req.Tags != nil {
		p.Tags, p.SetTags = *req.Tags, true
	}
	t, err := call(r, actor, p, h.desk.Update, h.desk.UpdateTx)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h.viewTicket(w, r, t))
	return nil
}

// checkVersion refuses negative versions; 0 means "whatever the current
// version is".
func checkVersion(v int64) error {
	if v < 0 {
		return invalid(fieldError{Field: "version", Code: "min", Message: "must be at least 0"})
	}
	return nil
}

// historyPage is the body of GET /tickets/{id}/history.
type historyPage struct {
	Events []historyEvent `json:"events"`
}

func (h *handler) history(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	events, err := h.desk.History(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, historyPage{Events: h.viewHistory(w, r, events)})
	return nil
}

// transitionList is the body of GET /tickets/{id}/transitions.
type transitionList struct {
	Transitions []ticketkit.AvailableTransition `json:"transitions"`
}

func (h *handler) listTransitions(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	trs, err := h.desk.Transitions(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, transitionList{Transitions: trs})
	return nil
}
