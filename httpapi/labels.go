package httpapi

import (
	"net/http"

	"github.com/ticketkit/ticketkit/ticket"
)

// ticketView is a ticket as the API writes it: its codes, and next to
// them their labels in the reader's language (status_label next to
// status, and so on), so that no client shows a raw code.
type ticketView struct {
	*ticket.Ticket
	ticket.TicketLabels
}

// historyEvent is a history line as the API writes it: for a coded
// field (status, priority, category, department, channel) the labels of
// the old and new codes in the reader's language next to them.
type historyEvent struct {
	*ticket.Event
	OldLabel string `json:"old_label,omitempty"`
	NewLabel string `json:"new_label,omitempty"`
}

// complaintView is a complaint as the API writes it: the labels of its
// ticket codes in the reader's language (see ticketView), from the
// complaint catalog, and reason_label next to its reason code.
type complaintView struct {
	*ticket.Complaint
	ticket.TicketLabels
	ReasonLabel string `json:"reason_label,omitempty"`
}

// tenantCatalog returns the catalog of a tenant's configuration as the
// Desk last read it (ticketkit.Desk.CachedTenantCatalog): the use case
// that produced the answer has just read it, and labels need no store
// read, no transaction and no use case of their own.
func (h *handler) tenantCatalog(_ *http.Request, tenantID string) *ticket.Catalog {
	return h.desk.CachedTenantCatalog(tenantID)
}

// readerLocale returns the locale of the labels of a response to r:
// the preferred language of its Accept-Language header that the
// catalog, or the built-in channel labels, are translated to; empty for
// the catalog's own texts. The response varies by that header.
func (h *handler) readerLocale(w http.ResponseWriter, r *http.Request) string {
	return readerLocaleIn(w, r, h.desk.Catalog())
}

// readerLocaleIn is readerLocale for the labels of catalog c.
func readerLocaleIn(w http.ResponseWriter, r *http.Request, c *ticket.Catalog) string {
	w.Header().Add("Vary", "Accept-Language")
	have := translated(c)
	for _, c := range ticket.Channels() {
		for loc := range c.Label().Translations {
			have[loc] = loc
		}
	}
	return negotiate(r.Header.Get("Accept-Language"), have)
}

// viewTicket returns t with its labels in the reader's locale.
func (h *handler) viewTicket(w http.ResponseWriter, r *http.Request, t *ticket.Ticket) ticketView {
	return ticketView{Ticket: t, TicketLabels: h.tenantCatalog(r, t.TenantID).TicketLabels(t, h.readerLocale(w, r))}
}

// viewTickets returns ts with their labels in the reader's locale;
// never nil.
func (h *handler) viewTickets(w http.ResponseWriter, r *http.Request, ts []*ticket.Ticket) []ticketView {
	locale := h.readerLocale(w, r)
	out := make([]ticketView, len(ts))
	for i, t := range ts {
		out[i] = ticketView{Ticket: t, TicketLabels: h.tenantCatalog(r, t.TenantID).TicketLabels(t, locale)}
	}
	return out
}

// viewHistory returns es with the labels of coded fields in the
// reader's locale; never nil.
func (h *handler) viewHistory(w http.ResponseWriter, r *http.Request, es []*ticket.Event) []historyEvent {
	locale := h.readerLocale(w, r)
	out := make([]historyEvent, len(es))
	for i, e := range es {
		c := h.tenantCatalog(r, e.TenantID)
		out[i].Event = e
		out[i].OldLabel, _ = c.CodeLabel(e.Field, e.Old, locale)
		out[i].NewLabel, _ = c.CodeLabel(e.Field, e.New, locale)
	}
	return out
}

// complaintCatalog returns the catalog of a tenant's complaints (its own
// when its configuration has one, else the desk's), the ticket catalog
// when complaints have none.
func (h *handler) complaintCatalog(tenantID string) *ticket.Catalog {
	if c := h.desk.CachedTenantComplaintCatalog(tenantID); c != nil {
		return c
	}
	return h.desk.Catalog()
}

// viewComplaints returns cs with their labels in the reader's locale,
// computed from what each complaint shows the actor (a customer's view
// has no label of a field it hides); never nil.
func (h *handler) viewComplaints(w http.ResponseWriter, r *http.Request, cs ...*ticket.Complaint) []complaintView {
	tenantID := ""
	if len(cs) > 0 {
		tenantID = cs[0].TenantID // a use case returns complaints of one tenant
	}
	c := h.complaintCatalog(tenantID)
	locale := readerLocaleIn(w, r, c)
	out := make([]complaintView, len(cs))
	for i, x := range cs {
		out[i] = complaintView{Complaint: x, TicketLabels: c.TicketLabels(&x.Ticket, locale)}
		if rc, ok := c.Reason(x.Reason); ok && x.Reason != "" {
			out[i].ReasonLabel = rc.Label.In(locale)
		}
	}
	return out
}
