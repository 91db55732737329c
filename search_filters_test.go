package ticketkit_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestDesk_SearchByReference finds the tickets about one order (or any
// of several references) on every backend: staff see every customer's,
// a customer only their own, and a reference changed by an update is
// found under its new value only.
func TestDesk_SearchByReference(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		desk, _ := setupDesk(t, b)
		ref := func(k ticket.RefKind, id string) ticket.Reference { return ticket.Reference{Kind: k, ID: id} }
		open := func(subject, customerID string, refs ...ticket.Reference) *ticket.Ticket {
			return mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: subject, Category: ticket.CategoryProblem,
				Customer: ticket.Customer{ID: customerID}, References: refs})
		}
		mine := open("Order SO-1 late", customer.CustomerID, ref(ticket.RefOrder, "SO-1"), ref(ticket.RefProduct, "KETTLE-2"))
		theirs := open("Order SO-1 again", "C-2", ref(ticket.RefOrder, "SO-1"))
		serial := open("Serial with colons", customer.CustomerID, ref(ticket.RefSerial, "urn:sn:12:AB"))
		open("Nothing to do with it", customer.CustomerID)

		search := func(a ticketkit.Actor, refs ...ticket.Reference) []string {
			t.Helper()
			res, err := desk.Search(ctx, a, ticketkit.SearchParams{References: refs})
			require.NoError(t, err)
			return numbers(res.Tickets)
		}
		require.ElementsMatch(t, []string{mine.Number, theirs.Number}, search(agent, ref(ticket.RefOrder, "SO-1")))
		require.Equal(t, []string{mine.Number}, search(customer, ref(ticket.RefOrder, "SO-1")), "a customer sees their own tickets only")
		require.ElementsMatch(t, []string{mine.Number, serial.Number},
			search(customer, ref(ticket.RefSerial, "urn:sn:12:AB"), ref(ticket.RefProduct, "KETTLE-2")))
		require.Empty(t, search(agent, ref(ticket.RefInvoice, "SO-1")), "the kind must match too")
		require.Empty(t, search(agent, ref(ticket.RefOrder, "so-1")), "the ID matches in its exact case")

		_, err := desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: mine.ID, References: []ticket.Reference{ref(ticket.RefOrder, "SO-9")}, SetReferences: true})
		require.NoError(t, err)
		require.Equal(t, []string{theirs.Number}, search(agent, ref(ticket.RefOrder, "SO-1")))
		require.Equal(t, []string{mine.Number}, search(customer, ref(ticket.RefOrder, "SO-9")))
	})
}

// TestDesk_SearchByTag finds the tickets holding any of a list of tags,
// exactly, on every backend; a customer may not filter by tags, which
// they never see.
func TestDesk_SearchByTag(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		desk, _ := setupDesk(t, b)
		open := func(tags ...string) *ticket.Ticket {
			return mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "Tagged", Category: ticket.CategoryProblem,
				Customer: ticket.Customer{ID: customer.CustomerID}, Tags: tags})
		}
		vip := open("vip", "late")
		comma := open("a,b")
		open("VIP")
		search := func(tags ...string) []string {
			t.Helper()
			res, err := desk.Search(ctx, agent, ticketkit.SearchParams{Tags: tags})
			require.NoError(t, err)
			return numbers(res.Tickets)
		}
		require.Equal(t, []string{vip.Number}, search("vip"))
		require.ElementsMatch(t, []string{vip.Number, comma.Number}, search("late", "a,b"))
		require.Empty(t, search("a"))

		_, err := desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: vip.ID, Tags: []string{"done"}, SetTags: true})
		require.NoError(t, err)
		require.Empty(t, search("vip"))
		require.Equal(t, []string{vip.Number}, search("done"))

		res, err := desk.Search(ctx, customer, ticketkit.SearchParams{Tags: []string{"done"}})
		require.Nil(t, res)
		var v *ticketkit.ValidationError
		require.ErrorAs(t, err, &v)
		require.Equal(t, []ticket.FieldError{{Field: "tags", Rule: "forbidden", Message: "may not be used by a customer"}}, v.Fields)
	})
}

// TestDesk_SearchUpdatedSince syncs incrementally on every backend:
// the tickets changed at or after a time, oldest change first, read
// page by page with the cursor; the next sync from the newest change
// seen gets only what changed since. A customer may use it on their own
// tickets; a time out of range is refused naming the field.
func TestDesk_SearchUpdatedSince(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		desk, bundle := setupDesk(t, b)
		var opened []*ticket.Ticket
		for i := range 5 {
			opened = append(opened, mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("Sync %d", i),
				Category: ticket.CategoryProblem, Customer: ticket.Customer{ID: customer.CustomerID}}))
			bundle.clock.Advance(time.Hour)
		}
		sync := func(a ticketkit.Actor, since time.Time) (numbers []string, newest time.Time) {
			t.Helper()
			p := ticketkit.SearchParams{UpdatedSince: since, Sort: storage.SortUpdatedAt, Limit: 2}
			for {
				res, err := desk.Search(ctx, a, p)
				require.NoError(t, err)
				for _, tk := range res.Tickets {
					numbers = append(numbers, tk.Number)
					newest = tk.UpdatedAt
				}
				if res.Next == "" {
					return numbers, newest
				}
				p.After = res.Next
			}
		}
		got, newest := sync(agent, opened[2].UpdatedAt)
		require.Equal(t, []string{opened[2].Number, opened[3].Number, opened[4].Number}, got)
		require.Equal(t, opened[4].UpdatedAt, newest)

		bundle.clock.Advance(time.Hour)
		_, err := desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: opened[0].ID, Subject: new("Changed")})
		require.NoError(t, err)
		got, _ = sync(agent, newest.Add(time.Nanosecond))
		require.Equal(t, []string{opened[0].Number}, got, "the next sync gets what changed since")
		got, _ = sync(customer, newest.Add(time.Nanosecond))
		require.Equal(t, []string{opened[0].Number}, got, "a customer syncs their own tickets")

		res, err := desk.Search(ctx, agent, ticketkit.SearchParams{UpdatedSince: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)})
		require.Nil(t, res)
		var v *ticketkit.ValidationError
		require.ErrorAs(t, err, &v)
		require.Equal(t, "updated_since", v.Fields[0].Field)
	})
}

// TestDesk_SearchListHostileInput refuses reference and tag lists that
// are too long, unknown kinds, empty or oversize values and NUL bytes,
// each as a *ValidationError naming the field, and treats SQL and LIKE
// metacharacters as plain text.
func TestDesk_SearchListHostileInput(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		desk, _ := setupDesk(t, b)
		many := make([]ticket.Reference, ticket.MaxItems+1)
		manyTags := make([]string, ticket.MaxItems+1)
		for i := range many {
			many[i] = ticket.Reference{Kind: ticket.RefOrder, ID: fmt.Sprintf("SO-%d", i)}
			manyTags[i] = fmt.Sprintf("t%d", i)
		}
		for _, c := range []struct {
			p           ticketkit.SearchParams
			field, rule string
		}{
			{ticketkit.SearchParams{References: many}, "references", "max"},
			{ticketkit.SearchParams{References: []ticket.Reference{{Kind: "parcel", ID: "P-1"}}}, "references[0].kind", "refkind"},
			{ticketkit.SearchParams{References: []ticket.Reference{{Kind: ticket.RefOrder}}}, "references[0].id", "required"},
			{ticketkit.SearchParams{References: []ticket.Reference{{Kind: ticket.RefOrder, ID: "ok"}, {Kind: ticket.RefOrder, ID: "SO\x00-1"}}}, "references[1].id", "nul"},
			{ticketkit.SearchParams{References: []ticket.Reference{{Kind: ticket.RefOrder, ID: strings.Repeat("x", 201)}}}, "references[0].id", "max"},
			{ticketkit.SearchParams{Tags: manyTags}, "tags", "max"},
			{ticketkit.SearchParams{Tags: []string{"ok", "v\x00ip"}}, "tags[1]", "nul"},
			{ticketkit.SearchParams{Tags: []string{""}}, "tags[0]", "required"},
			{ticketkit.SearchParams{Tags: []string{strings.Repeat("x", 51)}}, "tags[0]", "max"},
		} {
			res, err := desk.Search(ctx, agent, c.p)
			require.Nil(t, res, c.field)
			var v *ticketkit.ValidationError
			require.ErrorAs(t, err, &v, c.field)
			require.Len(t, v.Fields, 1, "%v", v.Fields)
			require.Equal(t, c.field, v.Fields[0].Field)
			require.Equal(t, c.rule, v.Fields[0].Rule)
			if c.p.References != nil {
				_, err := desk.Search(ctx, customer, c.p)
				require.ErrorAs(t, err, &v, c.field)
				require.Equal(t, c.field, v.Fields[0].Field, "a customer is told the same")
			}
		}
		quoted := ticket.Reference{Kind: ticket.RefOrder, ID: "x' OR '1'='1"}
		mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "Quoted", Category: ticket.CategoryProblem,
			Customer: ticket.Customer{ID: "C-1"}, References: []ticket.Reference{quoted}, Tags: []string{"x' OR '1'='1"}})
		for _, c := range []struct {
			p    ticketkit.SearchParams
			want int
		}{
			{ticketkit.SearchParams{References: []ticket.Reference{{Kind: ticket.RefOrder, ID: "%"}}}, 0},
			{ticketkit.SearchParams{Tags: []string{"%"}}, 0},
			{ticketkit.SearchParams{Tags: []string{"x' OR '1'='1", "_"}}, 1},
			{ticketkit.SearchParams{References: []ticket.Reference{quoted}}, 1},
		} {
			res, err := desk.Search(ctx, agent, c.p)
			require.NoError(t, err)
			require.Len(t, res.Tickets, c.want, "%+v", c.p)
		}
	})
}
