package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// Error codes of ticket relations (merge, split, links), answered by
// classify for every route.
const (
	// codeMergeRefused: the tickets cannot be merged or split as asked
	// (409): a complaint, a ticket merged already, a ticket merged into
	// itself; "errors" names the fields.
	codeMergeRefused = "merge_refused"
	// codeTicketMerged: the ticket was merged into another one (409):
	// it takes no status change, link or merge.
	codeTicketMerged = "ticket_merged"
	// codeLinkCycle: a parent or duplicate-of link would close a cycle
	// (409); "errors" names other_id.
	codeLinkCycle = "link_cycle"
	// codeOpenChildren: a parent ticket cannot be resolved or closed
	// while a child is open (409).
	codeOpenChildren = "open_children"
	// codeRelationsUnsupported: the store cannot merge, split or link
	// tickets (501).
	codeRelationsUnsupported = "relations_unsupported"
)

// relationError maps the Desk's errors of ticket relations, or returns
// nil for another error.
func relationError(err error) *apiError {
	fields := func() []fieldError {
		if v, ok := errors.AsType[*ticketkit.ValidationError](err); ok {
			return validationError(v).Fields
		}
		return nil
	}
	switch {
	case errors.Is(err, ticketkit.ErrCannotMerge):
		return &apiError{status: http.StatusConflict, Code: codeMergeRefused,
			Message: "the tickets cannot be merged or split as asked", Fields: fields()}
	case errors.Is(err, ticketkit.ErrLinkCycle):
		return &apiError{status: http.StatusConflict, Code: codeLinkCycle,
			Message: "the link would make a ticket its own ancestor", Fields: fields()}
	case errors.Is(err, ticketkit.ErrOpenChildren):
		msg := "the ticket has open child tickets"
		if te, ok := errors.AsType[*ticketkit.TransitionError](err); ok && te.Reason != "" {
			msg = te.Reason
		}
		return &apiError{status: http.StatusConflict, Code: codeOpenChildren, Message: msg}
	case errors.Is(err, ticketkit.ErrMerged):
		return &apiError{status: http.StatusConflict, Code: codeTicketMerged,
			Message: "the ticket was merged into another ticket; use that one"}
	case errors.Is(err, ticketkit.ErrRelationsUnsupported):
		return &apiError{status: http.StatusNotImplemented, Code: codeRelationsUnsupported,
			Message: "this desk's store cannot merge, split or link tickets"}
	}
	return nil
}

// mergeRequest is the body of POST /tickets/{id}/merge; the path's id is
// the target.
type mergeRequest struct {
	SourceIDs []string `json:"source_ids"`
	Reason    string   `json:"reason"`
	Version   int64    `json:"version"`
}

// mergeResult is the answer of POST /tickets/{id}/merge.
type mergeResult struct {
	Target  ticketView   `json:"target"`
	Sources []ticketView `json:"sources"`
	Moved   int          `json:"moved"`
}

func (h *handler) mergeTickets(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req mergeRequest
	if err := h.decodeVersioned(w, r, actor, &req, &req.Version); err != nil {
		return err
	}
	res, err := call(r, actor, ticketkit.MergeParams{
		TargetID: r.PathValue("id"), SourceIDs: req.SourceIDs, Reason: req.Reason, Version: req.Version,
	}, h.desk.Merge, h.desk.MergeTx)
	if err != nil {
		return renameRelation(err, "target_id")
	}
	out := mergeResult{Target: h.viewTicket(w, r, res.Target), Sources: h.viewTickets(w, r, res.Sources), Moved: res.Moved}
	w.Header().Set("ETag", etagOf(out.Target))
	writeJSON(w, http.StatusOK, out)
	return nil
}

// splitRequest is the body of POST /tickets/{id}/split.
type splitRequest struct {
	MessageIDs []string `json:"message_ids"`
	Subject    string   `json:"subject"`
	Version    int64    `json:"version"`
}

// splitResult is the answer of POST /tickets/{id}/split.
type splitResult struct {
	Ticket ticketView `json:"ticket"`
	Source ticketView `json:"source"`
	Moved  int        `json:"moved"`
}

func (h *handler) splitTicket(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req splitRequest
	if err := h.decodeVersioned(w, r, actor, &req, &req.Version); err != nil {
		return err
	}
	res, err := call(r, actor, ticketkit.SplitParams{
		TicketID: r.PathValue("id"), MessageIDs: req.MessageIDs, Subject: req.Subject, Version: req.Version,
	}, h.desk.Split, h.desk.SplitTx)
	if err != nil {
		return renameRelation(err, "ticket_id")
	}
	out := splitResult{Ticket: h.viewTicket(w, r, res.Ticket), Source: h.viewTicket(w, r, res.Source), Moved: res.Moved}
	w.Header().Set("Location", "../"+url.PathEscape(res.Ticket.ID))
	w.Header().Set("ETag", etagOf(out.Ticket))
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// linkList is the body of GET /tickets/{id}/links.
type linkList struct {
	Links []*ticket.Link `json:"links"`
}

func (h *handler) listLinks(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	links, err := h.desk.Links(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if links == nil {
		links = []*ticket.Link{}
	}
	writeJSON(w, http.StatusOK, linkList{Links: links})
	return nil
}

// linkRequest is the body of POST /tickets/{id}/links: "{id} <type>
// <other_id>".
type linkRequest struct {
	Type    ticket.LinkType `json:"type"`
	OtherID string          `json:"other_id"`
}

func (h *handler) addLink(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req linkRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	l, err := call(r, actor, ticketkit.LinkParams{TicketID: r.PathValue("id"), Type: req.Type, OtherID: req.OtherID},
		h.desk.Link, h.desk.LinkTx)
	if err != nil {
		return renameRelation(err, "ticket_id")
	}
	writeJSON(w, http.StatusCreated, l)
	return nil
}

func (h *handler) removeLink(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	q, err := newQuery(r, "type", "other_id")
	if err != nil {
		return err
	}
	p := ticketkit.LinkParams{TicketID: r.PathValue("id"), Type: ticket.LinkType(q.single("type")), OtherID: q.single("other_id")}
	if err := q.err(); err != nil {
		return err
	}
	unlink := func(ctx context.Context, a ticketkit.Actor, p ticketkit.LinkParams) (struct{}, error) {
		return struct{}{}, h.desk.Unlink(ctx, a, p)
	}
	unlinkTx := func(ctx context.Context, tx storage.Tx, a ticketkit.Actor, p ticketkit.LinkParams) (struct{}, error) {
		return struct{}{}, h.desk.UnlinkTx(ctx, tx, a, p)
	}
	if _, err := call(r, actor, p, unlink, unlinkTx); err != nil {
		return renameRelation(err, "ticket_id")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// renameRelation names the Desk's field of the path's ticket (target_id
// or ticket_id) "id" in a *ValidationError, except in the refusals that
// relationError answers, whose fields keep the Desk's names.
func renameRelation(err error, field string) error {
	if relationError(err) != nil {
		return err
	}
	return renameFields(err, map[string]string{field: "id"})
}
