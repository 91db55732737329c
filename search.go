package ticketkit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// SearchParams selects tickets. Empty fields do not filter; list fields
// match any of their values; all set fields must match. Codes refer to
// the desk's catalog or, with complaints on, the complaint catalog: a
// search finds tickets and complaints alike. A list holds at most
// [ticket.MaxItems] codes.
//
// # Customers
//
// Customers always see only their own tickets, and may filter them only
// by what they can see of a ticket: Statuses, StatusCategories,
// Priorities, Categories, Channels, References, CreatedFrom and
// CreatedTo, UpdatedSince, Number, NumberPrefix and Text (sorting,
// paging and counting as they like).
// Departments, Assignees, Tags, the link filters (ParentID, LinkedTo,
// LinkTypes) and the customer filters (CustomerID,
// CustomerMobile, CustomerEmail) are the help desk's: a customer
// setting one is refused with a *ValidationError naming the field (rule
// "forbidden"), so that no filter reveals what the customer view hides,
// such as the assignee or the tags.
type SearchParams struct {
	Statuses []string `json:"statuses,omitempty"`
	// StatusCategories selects statuses by category, such as every open
	// one; combined with Statuses, a ticket must match both.
	StatusCategories []ticket.StatusCategory `json:"status_categories,omitempty"`
	Priorities       []string                `json:"priorities,omitempty"`
	Categories       []string                `json:"categories,omitempty"`
	// Departments selects by department (staff only).
	Departments []string `json:"departments,omitempty"`
	// Assignees selects by assignee (staff only).
	Assignees []string `json:"assignees,omitempty"`
	// Channels selects by the channel the ticket arrived through, such
	// as ticket.ChannelManual for the tickets staff entered by hand.
	Channels []ticket.Channel `json:"channels,omitempty"`
	// CreatedFrom and CreatedTo bound the creation time to
	// [CreatedFrom, CreatedTo).
	CreatedFrom time.Time `json:"created_from,omitzero"`
	CreatedTo   time.Time `json:"created_to,omitzero"`
	// CustomerID selects one customer's tickets (staff only; customers
	// always see only their own).
	CustomerID string `json:"customer_id,omitempty" validate:"max=200"`
	// OrganisationID selects the tickets of one organisation's customers
	// (ticket.Customer.OrganisationID; staff only: a customer whose
	// organisation allows it sees its tickets without asking).
	OrganisationID string `json:"organisation_id,omitempty" validate:"max=200"`
	// CustomerMobile is normalized like stored numbers, so that any
	// written form of a number finds it (staff only).
	CustomerMobile string `json:"customer_mobile,omitempty" validate:"max=32"`
	// CustomerEmail matches ignoring case (staff only).
	CustomerEmail string `json:"customer_email,omitempty" validate:"omitempty,max=254"`
	// Number is a ticket number, in any letter case.
	Number string `json:"number,omitempty" validate:"max=64"`
	// NumberPrefix selects the tickets whose number starts with it, as
	// the numbers are written (letters in their case), such as the
	// first characters a clerk types: "TK-2026-0042" finds TK-2026-00420
	// to TK-2026-00429 and TK-2026-004200 on. Surrounding spaces are
	// ignored. Sorted by number, a page costs what the page holds;
	// sorted otherwise, a short prefix matching many tickets costs a sort
	// of those tickets.
	NumberPrefix string `json:"number_prefix,omitempty" validate:"max=64"`
	// Text matches subjects containing it, ignoring case.
	Text string `json:"text,omitempty" validate:"max=200"`
	// Query is a full-text search over the ticket's subject,
	// description and message bodies: a ticket matches when every word
	// of Query occurs in one of them as a whole word, ignoring case
	// (not a substring: "kett" does not find "kettle"). Words are runs of
	// letters and digits (storage.QueryWords); everything else separates
	// words and has no meaning, so quotes, '*', '-', '+', '(' and words
	// such as AND, OR or NEAR are searched as plain text, never as
	// operators. A customer's search never looks at internal notes.
	// At most storage.QueryMaxBytes bytes and storage.QueryMaxWords
	// words; a Query with no word is refused. On MySQL/MariaDB, words
	// shorter than 3 characters and InnoDB's stop words (such as "the"
	// or "about") are not indexed and are left out of the search (see
	// bunstore's doc). The store must implement storage.FullTextStore
	// (the memory and Bun stores do); otherwise the search fails with
	// ErrFullTextUnsupported.
	Query string `json:"query,omitempty"`
	// QueryPrefix lets the last word of Query also match the words that
	// start with it ("kett" finds "kettle"), as a search box does while
	// one types.
	QueryPrefix bool `json:"query_prefix,omitempty"`
	// References selects the tickets holding any of these references,
	// such as every ticket about order SO-1: Kind and ID must both be
	// equal (ID in its exact letter case); Label is not looked at.
	References []ticket.Reference `json:"references,omitempty" validate:"max=100,dive"`
	// Tags selects the tickets holding any of these tags, each matched
	// exactly (staff only: customers never see tags). Any rather than
	// all, like every other list field; a ticket holding all of several
	// tags is found by searching for the rarest and reading the others
	// off the tickets.
	Tags []string `json:"tags,omitempty" validate:"max=100,dive,required,max=50"`
	// UpdatedSince selects the tickets last changed at or after it, for
	// incremental sync: page with Sort storage.SortUpdatedAt, ascending,
	// following Next to the last page, and start the next sync from the
	// newest UpdatedAt seen. A ticket changed while the pages are read
	// moves to a later page, so it is read again rather than missed.
	// Changes committed out of order can carry an UpdatedAt a little
	// older than one already read (a long transaction), so a sync client
	// starts from a few seconds before it and ignores the versions it
	// already holds.
	UpdatedSince time.Time `json:"updated_since,omitzero"`
	// ParentID selects the children of a ticket: the tickets whose
	// parent it is (see [Desk.Link]; staff only, as links are).
	ParentID string `json:"parent_id,omitempty" validate:"max=200"`
	// LinkedTo selects the tickets linked to a ticket in either
	// direction, of the LinkTypes when set (staff only). It cannot be
	// combined with ParentID.
	LinkedTo  string            `json:"linked_to,omitempty" validate:"max=200"`
	LinkTypes []ticket.LinkType `json:"link_types,omitempty" validate:"max=10"`
	// Sort is one of storage.SortFields(); default created_at.
	Sort storage.SortField `json:"sort,omitempty"`
	Desc bool              `json:"desc,omitempty"`
	// Limit is the page size, 1 to 500; default 50.
	Limit int `json:"limit,omitempty" validate:"min=0,max=500"`
	// After is the Next cursor of the previous page.
	After string `json:"after,omitempty" validate:"max=1024"`
	// Count asks for SearchResult.Total, the number of tickets the
	// filters select (all pages), counted up to SearchCountMax.
	Count bool `json:"count,omitempty"`
}

// SearchCountMax is the largest total a search counts exactly (see
// SearchParams.Count): counting reads the matching tickets' index
// entries like a page does, so a count stops there, as "more than
// 1,000" in a list's header, and costs what reading 1,001 entries costs.
const SearchCountMax = 1000

// SearchResult is one page of tickets.
type SearchResult struct {
	Tickets []*ticket.Ticket `json:"tickets"`
	// Next is the cursor of the following page; empty on the last one.
	Next string `json:"next,omitempty"`
	// Total, when SearchParams.Count asked for it and the store counts
	// (storage.TicketCounter; the memory and Bun stores do), is the
	// number of tickets the filters select: exact up to SearchCountMax;
	// above it Total is SearchCountMax and TotalCapped is set. It is
	// counted apart from the page, so a ticket written in between can
	// make it differ by the tickets written. Nil when not counted.
	Total       *int `json:"total,omitempty"`
	TotalCapped bool `json:"total_capped,omitempty"`
}

// Search lists the tickets the actor may see that match p, one page at a
// time. Unknown codes, sort fields and cursors are reported as a
// *ValidationError naming the field.
func (d *Desk) Search(ctx context.Context, actor ticket.Actor, p SearchParams) (_ *SearchResult, err error) {
	ctx, end := d.begin(ctx, "Search", actor)
	defer func() { end(err) }()
	d, errTenant := d.forTenant(ctx, nil, actor.TenantID)
	if errTenant != nil {
		return nil, errTenant
	}
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	q, empty, err := d.searchQuery(actor, p)
	if err != nil {
		return nil, err
	}
	if empty {
		res := &SearchResult{}
		if p.Count {
			res.Total = new(int)
		}
		return res, nil
	}
	if err := d.organisationScope(ctx, actor, &q.TicketFilter); err != nil {
		return nil, err
	}
	if _, ok := d.store.(storage.LinkStore); q.Linked != nil && !ok {
		return nil, fmt.Errorf("ticketkit: search by link: %T does not implement storage.LinkStore: %w", d.store, ErrRelationsUnsupported)
	}
	res, err := d.store.TicketList(ctx, q)
	if err != nil {
		return nil, wrapList("tickets", err)
	}
	for i, t := range res.Tickets {
		res.Tickets[i] = d.view(actor, t)
	}
	out := &SearchResult{Tickets: res.Tickets, Next: res.Next}
	if c, ok := d.store.(storage.TicketCounter); ok && p.Count {
		n, err := c.TicketCount(ctx, storage.TicketCountParams{TicketFilter: q.TicketFilter, Max: SearchCountMax})
		if err != nil {
			return nil, fmt.Errorf("ticketkit: count tickets: %w", err)
		}
		total := min(n, SearchCountMax)
		out.Total, out.TotalCapped = &total, n > SearchCountMax
	}
	return out, nil
}

// searchQuery validates p and turns it into a store query. empty reports
// a query that can match nothing, such as statuses outside the requested
// categories.
func (d *Desk) searchQuery(actor ticket.Actor, p SearchParams) (q storage.TicketListParams, empty bool, err error) {
	v := asValidation(ticket.Validate(p))
	if actor.Role == ticket.RoleCustomer {
		refuseStaffFilters(v, p)
		p.Departments = nil // refused: their codes are not looked at
	}
	// Codes come from the desk's catalog or, with complaints on, the
	// complaint catalog (complaint_search.go).
	checkCodes(v, "statuses", p.Statuses, func(c string) bool {
		return d.knownCode(func(k *ticket.Catalog) bool { _, ok := k.Status(c); return ok })
	})
	checkCodes(v, "priorities", p.Priorities, func(c string) bool {
		return d.knownCode(func(k *ticket.Catalog) bool { _, ok := k.Priority(c); return ok })
	})
	checkCodes(v, "categories", p.Categories, func(c string) bool {
		return d.knownCode(func(k *ticket.Catalog) bool { _, ok := k.Category(c); return ok })
	})
	checkCodes(v, "departments", p.Departments, func(c string) bool {
		return d.knownCode(func(k *ticket.Catalog) bool { _, ok := k.Department(c); return ok })
	})
	checkCodes(v, "status_categories", p.StatusCategories, ticket.StatusCategory.Valid)
	checkCodes(v, "channels", p.Channels, ticket.Channel.Valid)
	checkCodes(v, "link_types", p.LinkTypes, ticket.LinkType.Valid)
	linked := d.linkFilter(p, v)
	if p.Sort != "" && !slices.Contains(storage.SortFields(), p.Sort) {
		v.Add("sort", "oneof", fmt.Sprintf("must be one of %v", storage.SortFields()))
	}
	if !p.CreatedFrom.IsZero() && !p.CreatedTo.IsZero() && !p.CreatedFrom.Before(p.CreatedTo) {
		v.Add("created_to", "gtfield", "must be after created_from")
	}
	mobile := d.normalizeMobile(p.CustomerMobile, "customer_mobile", v)
	checkQuery(v, p.Query)
	if err := failed(v); err != nil {
		return q, false, err
	}
	if _, ok := d.store.(storage.FullTextStore); p.Query != "" && !ok {
		return q, false, fmt.Errorf("ticketkit: search by query: %T does not implement storage.FullTextStore: %w", d.store, ErrFullTextUnsupported)
	}
	statuses := p.Statuses
	if len(p.StatusCategories) > 0 {
		inCats := d.statusesIn(p.StatusCategories, p.Statuses)
		if len(inCats) == 0 {
			return q, true, nil
		}
		statuses = inCats
	}
	number := strings.TrimSpace(p.Number)
	if n, ok := d.numberer.Find(number); ok {
		number = n
	}
	customerID := p.CustomerID
	if actor.Role == ticket.RoleCustomer {
		customerID = actor.CustomerID
	}
	q = storage.TicketListParams{
		TicketFilter: storage.TicketFilter{
			TenantID:       actor.TenantID,
			CustomerID:     customerID,
			OrganisationID: p.OrganisationID,
			Statuses:       statuses,
			Priorities:     p.Priorities,
			Categories:     p.Categories,
			Departments:    p.Departments,
			Assignees:      p.Assignees,
			Channels:       channelCodes(p.Channels),
			CreatedFrom:    p.CreatedFrom.UTC(),
			CreatedTo:      p.CreatedTo.UTC(),
			CustomerMobile: mobile,
			CustomerEmail:  strings.TrimSpace(p.CustomerEmail),
			Number:         number,
			NumberPrefix:   strings.TrimSpace(p.NumberPrefix),
			Text:           strings.TrimSpace(p.Text),
			Query:          p.Query,
			QueryPrefix:    p.QueryPrefix,
			QueryPublic:    actor.Role == ticket.RoleCustomer,
			References:     p.References,
			Tags:           p.Tags,
			UpdatedSince:   p.UpdatedSince.UTC(),
			Linked:         linked,
		},
		Sort:  p.Sort,
		Desc:  p.Desc,
		Limit: p.Limit,
		After: p.After,
	}
	if p.Sort == storage.SortPriority {
		q.PriorityOrder = d.priorityOrder()
	}
	// The Desk stores every ticket's catalog positions (stampSortKeys):
	// sorts follow the catalog from an index.
	q.CatalogOrder = true
	q.SortRanks = d.orders().ranks(q.Sort, &q.TicketFilter)
	return q, false, nil
}

// channelCodes returns cs as the store's plain codes; nil for none.
func channelCodes(cs []ticket.Channel) []string {
	if len(cs) == 0 {
		return nil
	}
	codes := make([]string, len(cs))
	for i, c := range cs {
		codes[i] = string(c)
	}
	return codes
}

// refuseStaffFilters reports the filters of p a customer may not use
// (see SearchParams).
func refuseStaffFilters(v *ticket.ValidationError, p SearchParams) {
	refuseFilters(v, "may not be used by a customer",
		staffFilter{"departments", len(p.Departments) > 0},
		staffFilter{"assignees", len(p.Assignees) > 0},
		staffFilter{"tags", len(p.Tags) > 0},
		customerIDFilter(p.CustomerID),
		staffFilter{"organisation_id", p.OrganisationID != ""},
		staffFilter{"parent_id", p.ParentID != ""},
		staffFilter{"linked_to", p.LinkedTo != ""},
		staffFilter{"link_types", len(p.LinkTypes) > 0},
		staffFilter{"customer_mobile", p.CustomerMobile != ""},
		staffFilter{"customer_email", p.CustomerEmail != ""},
	)
}

// staffFilter is a filter only staff may use, by its field name, and
// whether a customer's request sets it.
type staffFilter struct {
	field string
	set   bool
}

// customerIDFilter is the customer_id filter of a search or a complaint
// journal: staff only, since a customer's list always holds their own
// tickets, so that a customer asking for another customer's ID is told
// so rather than answered with their own.
func customerIDFilter(id string) staffFilter {
	return staffFilter{"customer_id", id != ""}
}

// refuseFilters reports each set filter of fs as "forbidden", with
// message, for a customer's request.
func refuseFilters(v *ticket.ValidationError, message string, fs ...staffFilter) {
	for _, f := range fs {
		if f.set {
			v.Add(f.field, "forbidden", message)
		}
	}
}

// checkCodes reports every code of a list field that known refuses. A
// list over ticket.MaxItems is not looked at: ticket.Validate reported
// its length.
func checkCodes[T ~string](v *ticket.ValidationError, field string, codes []T, known func(T) bool) {
	if len(codes) > ticket.MaxItems {
		return
	}
	for i, c := range codes {
		if !known(c) {
			v.Add(fmt.Sprintf("%s[%d]", field, i), "unknown_code", fmt.Sprintf("unknown code %q", string(c)))
		}
	}
}

// wrapList reports a bad page cursor as a validation error of "after".
func wrapList(what string, err error) error {
	if errors.Is(err, storage.ErrInvalidCursor) {
		return ticket.NewValidationError(ticket.FieldError{Field: "after", Rule: "cursor", Message: err.Error()})
	}
	return fmt.Errorf("ticketkit: list %s: %w", what, err)
}

// Get returns a ticket the actor may see by its ID.
func (d *Desk) Get(ctx context.Context, actor ticket.Actor, id string) (_ *ticket.Ticket, err error) {
	ctx, end := d.begin(ctx, "Get", actor)
	defer func() { end(err) }()
	d, errTenant := d.forTenant(ctx, nil, actor.TenantID)
	if errTenant != nil {
		return nil, errTenant
	}
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	t, err := d.loadRead(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	return d.view(actor, t), nil
}

// GetByNumber returns a ticket the actor may see by its human number, in
// any letter case. The number of a merged ticket (see [Desk.Merge])
// returns the ticket it was merged into, which the caller tells by its
// Number (not the one asked for; the history of the ticket asked for,
// [Desk.History] of its ID, says when it was merged, as its MergedInto
// does). A customer who may not see that ticket gets the merged one.
func (d *Desk) GetByNumber(ctx context.Context, actor ticket.Actor, number string) (_ *ticket.Ticket, err error) {
	ctx, end := d.begin(ctx, "GetByNumber", actor)
	defer func() { end(err) }()
	d, errTenant := d.forTenant(ctx, nil, actor.TenantID)
	if errTenant != nil {
		return nil, errTenant
	}
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if err := checkKey("number", number); err != nil {
		return nil, err
	}
	number = strings.TrimSpace(number)
	if n, ok := d.numberer.Find(number); ok {
		number = n
	}
	t, err := d.store.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: actor.TenantID, Number: number})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: ticket %q: %w", number, err)
	}
	if ok, err := d.mayRead(ctx, actor, t); err != nil || !ok {
		if err == nil {
			err = fmt.Errorf("ticketkit: ticket %q: %w", number, ErrNotFound)
		}
		return nil, err
	}
	t = d.followMerged(ctx, d.store, actor, t)
	noteTicket(ctx, t)
	return d.view(actor, t), nil
}

// followMerged returns the ticket that took t when t was merged (see
// Desk.Merge), following up to maxMergeHops merges, as far as the actor
// may see: a customer whose ticket was merged into someone else's gets
// t itself, closed, its MergedInto set. A failed read stops there too.
func (d *Desk) followMerged(ctx context.Context, tx storage.Tx, actor ticket.Actor, t *ticket.Ticket) *ticket.Ticket {
	for range maxMergeHops {
		if t.MergedInto == "" {
			return t
		}
		next, err := tx.TicketGet(ctx, storage.TicketGetParams{TenantID: actor.TenantID, ID: t.MergedInto})
		if err != nil || !canSee(actor, next) {
			return t
		}
		t = next
	}
	return t
}

// History returns a ticket's history, oldest first. Customers see the
// creation and the changes of status, priority, category and subject,
// with staff shown by display name (Config.Staff), never by user ID.
func (d *Desk) History(ctx context.Context, actor ticket.Actor, ticketID string) (_ []*ticket.Event, err error) {
	ctx, end := d.begin(ctx, "History", actor)
	defer func() { end(err) }()
	d, errTenant := d.forTenant(ctx, nil, actor.TenantID)
	if errTenant != nil {
		return nil, errTenant
	}
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if _, err := d.loadRead(ctx, actor, ticketID); err != nil {
		return nil, err
	}
	events, err := d.store.EventList(ctx, storage.EventListParams{TenantID: actor.TenantID, TicketID: ticketID})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: history of %q: %w", ticketID, err)
	}
	return d.eventsView(ctx, actor, events), nil
}

// linkFilter returns the store's link filter of p's ParentID, LinkedTo
// and LinkTypes, nil when none is set, reporting their problems in v.
func (d *Desk) linkFilter(p SearchParams, v *ticket.ValidationError) *storage.LinkFilter {
	for _, f := range []struct{ name, id string }{{"parent_id", p.ParentID}, {"linked_to", p.LinkedTo}} {
		if err := ticket.CheckText(f.name, f.id); err != nil {
			v.Fields = append(v.Fields, asValidation(err).Fields...)
		}
	}
	switch {
	case p.ParentID != "" && (p.LinkedTo != "" || len(p.LinkTypes) > 0):
		v.Add("parent_id", "excluded_with", "cannot be combined with linked_to or link_types")
	case p.ParentID != "":
		return &storage.LinkFilter{TicketID: p.ParentID, Types: []ticket.LinkType{ticket.LinkParent}, Outgoing: true}
	case p.LinkedTo != "":
		return &storage.LinkFilter{TicketID: p.LinkedTo, Types: p.LinkTypes}
	case len(p.LinkTypes) > 0:
		v.Add("link_types", "required_with", "needs linked_to")
	}
	return nil
}

// ErrFullTextUnsupported: the store cannot search SearchParams.Query
// (storage.FullTextStore); it wraps storage.ErrUnsupported.
var ErrFullTextUnsupported = fmt.Errorf("ticketkit: the store does not support full-text search: %w", storage.ErrUnsupported)

// checkQuery reports a full-text query over the documented limits or
// holding no word (see SearchParams.Query).
func checkQuery(v *ticket.ValidationError, q string) {
	if q == "" {
		return
	}
	if len(q) > storage.QueryMaxBytes {
		v.Add("query", "max", fmt.Sprintf("must be at most %d bytes", storage.QueryMaxBytes))
		return
	}
	switch words := storage.QueryWords(q); {
	case len(words) == 0:
		v.Add("query", "required", "must hold a word of letters or digits")
	case len(words) > storage.QueryMaxWords:
		v.Add("query", "max", fmt.Sprintf("must hold at most %d words", storage.QueryMaxWords))
	}
}
