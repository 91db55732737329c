package ticketkit

import (
	"slices"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// catalogOrders are the codes of the search catalogs (see
// searchCatalogs) in the order sorts follow: the desk's catalog's, then
// the complaint catalog's codes it does not share.
type catalogOrders struct {
	priorities, statuses, categories []string
}

// orders returns the desk's catalog orders.
func (d *Desk) orders() catalogOrders {
	return ordersOf(d.searchCatalogs())
}

// ordersOf returns the catalog orders of cats, the first catalog's codes
// first.
func ordersOf(cats []*ticket.Catalog) catalogOrders {
	var o catalogOrders
	add := func(list *[]string, code string) {
		if !slices.Contains(*list, code) {
			*list = append(*list, code)
		}
	}
	for _, c := range cats {
		for _, p := range c.Priorities() {
			add(&o.priorities, p.Code)
		}
		for _, s := range c.Statuses() {
			add(&o.statuses, s.Code)
		}
		for _, x := range c.Categories() {
			add(&o.categories, x.Code)
		}
	}
	return o
}

// equal reports whether o and p order every code alike.
func (o catalogOrders) equal(p catalogOrders) bool {
	return slices.Equal(o.priorities, p.priorities) && slices.Equal(o.statuses, p.statuses) &&
		slices.Equal(o.categories, p.categories)
}

// ranks returns the positions in o of the codes f selects on the field
// sort orders by (storage.TicketListParams.SortRanks), -1 for a code o
// does not hold, as keys stores them; nil when f does not filter that
// field.
func (o catalogOrders) ranks(sort storage.SortField, f *storage.TicketFilter) []int {
	var order, codes []string
	switch sort {
	case storage.SortPriority:
		order, codes = o.priorities, f.Priorities
	case storage.SortStatus:
		order, codes = o.statuses, f.Statuses
	case storage.SortCategory:
		order, codes = o.categories, f.Categories
	}
	var out []int
	for _, c := range codes {
		out = append(out, slices.Index(order, c))
	}
	return out
}

// keys returns the sort keys of t in o: each code's position, -1 for a
// code o does not hold.
func (o catalogOrders) keys(t *ticket.Ticket) ticket.SortKeys {
	return ticket.SortKeys{
		Priority: slices.Index(o.priorities, t.Priority),
		Status:   slices.Index(o.statuses, t.Status),
		Category: slices.Index(o.categories, t.Category),
	}
}

// stampSortKeys sets the sort keys of tickets about to be stored from
// the desk's catalogs. Every write of a ticket row goes through it, so
// that sorting by priority, status or category follows the catalog (see
// storage.TicketListParams.CatalogOrder).
func (d *Desk) stampSortKeys(tickets ...*ticket.Ticket) {
	o := d.orders()
	for _, t := range tickets {
		t.SortKeys = o.keys(t)
	}
}
