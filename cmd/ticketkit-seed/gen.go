package main

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/ticketkit/ticketkit/internal/seeddata"
	"github.com/ticketkit/ticketkit/ticket"
)

// span is how far back the seeded tickets go.
const span = 3 * 365 * 24 * time.Hour

var (
	// tenantWeights gives tenants unequal sizes; tenants past the list
	// weigh 5.
	tenantWeights = []int{35, 25, 18, 12, 10}

	// countries are mobile prefixes of E.164 numbers with the number of
	// digits that follow.
	countries = []struct {
		prefix string
		digits int
	}{{"+336", 8}, {"+447", 9}, {"+4915", 9}, {"+3934", 8}, {"+1415", 7}}
	tags = []string{"vip", "repeat", "warranty", "refund", "social-media"}
)

// generator makes the tickets of a seed in creation order.
type generator struct {
	r        *rand.Rand
	numberer ticket.Numberer
	start    time.Time
	step     time.Duration // mean time between two tickets
	end      time.Time
	tenants  []seeddata.Weighted[int]
	// customers is the customer pool size of each tenant.
	customers []int
	// counters holds the last number drawn per tenant and scope.
	counters map[[2]string]int64
	i, n     int
}

func newGenerator(n, tenants int, seed uint64, end time.Time) *generator {
	g := &generator{
		r:        rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		numberer: ticket.DefaultNumberer(),
		start:    end.Add(-span),
		end:      end,
		counters: map[[2]string]int64{},
		n:        n,
	}
	g.step = span / time.Duration(max(n, 1))
	total := 0
	for i := range tenants {
		w := 5
		if i < len(tenantWeights) {
			w = tenantWeights[i]
		}
		g.tenants = append(g.tenants, seeddata.Weighted[int]{V: i, W: w})
		total += w
	}
	for _, t := range g.tenants {
		// About three tickets per customer.
		g.customers = append(g.customers, max(10, n*t.W/total/3))
	}
	return g
}

// next returns the next ticket, or nil after the last one.
func (g *generator) next() *ticket.Ticket {
	if g.i >= g.n {
		return nil
	}
	r := g.r
	// Evenly spread, each within its own slot, so that creation times
	// increase.
	created := g.start.Add(time.Duration(g.i)*g.step + time.Duration(r.Int64N(int64(max(g.step, time.Microsecond))))).
		Truncate(time.Microsecond)
	g.i++
	tn := seeddata.Pick(r, g.tenants)
	tenant := seeddata.TenantID(tn)
	scope := g.numberer.Scope(created)
	g.counters[[2]string{tenant, scope}]++
	number := g.numberer.Format(created, g.counters[[2]string{tenant, scope}])

	age := g.end.Sub(created)
	mix := seeddata.StatusOld
	switch {
	case age < 14*24*time.Hour:
		mix = seeddata.StatusRecent
	case age < 60*24*time.Hour:
		mix = seeddata.StatusMonth
	}
	status := seeddata.Pick(r, mix)
	category := seeddata.Pick(r, seeddata.Categories)
	subject := seeddata.Subject(r)
	t := &ticket.Ticket{
		ID:          uuidV7(r, created),
		Number:      number,
		TenantID:    tenant,
		Subject:     subject,
		Description: "Customer writes: " + subject + ". Please get back to me soon.",
		Status:      status,
		Priority:    seeddata.Pick(r, seeddata.Priorities),
		Category:    category,
		Department:  seeddata.Pick(r, seeddata.Departments),
		Channel:     seeddata.Pick(r, seeddata.Channels),
		Customer:    g.customer(tn, r.IntN(g.customers[tn])),
		CreatedAt:   created,
		UpdatedAt:   created,
		Version:     1,
	}
	t.CreatedBy = "agent-" + fmt.Sprint(r.IntN(25)+1)
	if t.Channel == ticket.ChannelPortal || t.Channel == ticket.ChannelWeb {
		t.CreatedBy = t.Customer.ID
	}
	// Open tickets are often not assigned yet; the others almost always.
	if !(status == ticket.StatusOpen && r.IntN(2) == 0) && r.IntN(50) != 0 {
		// A few agents take most tickets.
		t.Assignee = fmt.Sprintf("agent-%02d", min(r.IntN(25), r.IntN(25))+1)
	}
	if r.IntN(10) < 6 {
		t.References = []ticket.Reference{{Kind: ticket.RefOrder, ID: fmt.Sprintf("SO-%07d", r.IntN(9_000_000)+1_000_000)}}
	}
	if r.IntN(10) < 3 {
		t.Tags = []string{tags[r.IntN(len(tags))]}
	}
	if category == ticket.CategoryComplaint {
		t.Reason = fmt.Sprintf("CR%02d", r.IntN(4)+1)
	}
	if status != ticket.StatusOpen {
		t.UpdatedAt = created.Add(time.Duration(r.Int64N(int64(72 * time.Hour))))
		t.Version = int64(2 + r.IntN(4))
	}
	if status == ticket.StatusClosed {
		t.ClosedAt = t.UpdatedAt.Add(time.Duration(r.Int64N(int64(10 * 24 * time.Hour))))
		t.UpdatedAt = t.ClosedAt
		t.ClosureReason = "solved"
	}
	if t.UpdatedAt.After(g.end) {
		t.UpdatedAt = g.end
	}
	if t.ClosedAt.After(g.end) {
		t.ClosedAt, t.UpdatedAt = g.end, g.end
	}
	t.UpdatedAt, t.ClosedAt = t.UpdatedAt.Truncate(time.Microsecond), t.ClosedAt.Truncate(time.Microsecond)
	sortKeys(t)
	return t
}

// catalogOrder holds the codes of the default catalog in its order.
var catalogOrder = func() (o struct{ priorities, statuses, categories []string }) {
	c := ticket.DefaultCatalog()
	for _, p := range c.Priorities() {
		o.priorities = append(o.priorities, p.Code)
	}
	for _, s := range c.Statuses() {
		o.statuses = append(o.statuses, s.Code)
	}
	for _, x := range c.Categories() {
		o.categories = append(o.categories, x.Code)
	}
	return o
}()

// resolutionTargets are the seed's resolution times by priority, the
// due times of the unresolved tickets' SLA states.
var resolutionTargets = map[string]time.Duration{
	ticket.PriorityLow: 120 * time.Hour, ticket.PriorityNormal: 48 * time.Hour,
	ticket.PriorityHigh: 24 * time.Hour, ticket.PriorityUrgent: 4 * time.Hour,
}

// sortKeys fills what the Desk stores with every ticket for the sorts:
// its positions in the default catalog (ticket.SortKeys) and, for an
// unresolved ticket, a running resolution target (the SLA due sort).
// It draws no random number, so the rest of the seed stays as it was.
func sortKeys(t *ticket.Ticket) {
	t.SortKeys = ticket.SortKeys{
		Priority: slices.Index(catalogOrder.priorities, t.Priority),
		Status:   slices.Index(catalogOrder.statuses, t.Status),
		Category: slices.Index(catalogOrder.categories, t.Category),
	}
	if t.Status != ticket.StatusResolved && t.Status != ticket.StatusClosed {
		t.SLA = ticket.SLAState{Policy: "standard", Since: t.CreatedAt, ResolutionDue: t.CreatedAt.Add(resolutionTargets[t.Priority])}
	}
}

// customer returns the i-th customer of tenant tn. The same i always
// gives the same customer; emails and mobiles differ between customers.
func (g *generator) customer(tn, i int) ticket.Customer {
	first := seeddata.FirstNames[i%len(seeddata.FirstNames)]
	last := seeddata.LastNames[(i/len(seeddata.FirstNames))%len(seeddata.LastNames)]
	email := fmt.Sprintf("%s.%s%d@Example.com", first, last, i)
	if i%3 != 0 { // a third keep the capitals they typed
		email = fmt.Sprintf("%s.%s%d@example.com", ascii(first), ascii(last), i)
	}
	c := countries[i%len(countries)]
	// A different national number for every (tenant, customer), from an
	// odd multiplier modulo a power of ten.
	mod := int64(1)
	for range c.digits {
		mod *= 10
	}
	national := (int64(tn)*1_000_003 + int64(i)*7_919 + 1_234_567) % mod
	return ticket.Customer{
		ID:     fmt.Sprintf("cus_%02d_%07d", tn+1, i),
		Name:   first + " " + last,
		Email:  email,
		Mobile: fmt.Sprintf("%s%0*d", c.prefix, c.digits, national),
	}
}

// ascii lower-cases s and drops its accents, as people do in addresses.
func ascii(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch r {
		case 'é':
			r = 'e'
		case 'è':
			r = 'e'
		case 'í':
			r = 'i'
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		out = append(out, r)
	}
	return string(out)
}

// uuidV7 returns a version 7 UUID for time t with random bits from r, as
// ids.New makes for a ticket created at t.
func uuidV7(r *rand.Rand, t time.Time) string {
	var u uuid.UUID
	ms := uint64(t.UnixMilli())
	binary.BigEndian.PutUint64(u[8:], r.Uint64())
	binary.BigEndian.PutUint16(u[6:], uint16(r.Uint32()))
	u[0], u[1], u[2], u[3], u[4], u[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	u[6] = u[6]&0x0f | 0x70 // version 7
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u.String()
}
