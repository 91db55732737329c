package storagetest

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// listField is a list of a ticket that a filter reads from a table of
// its own in some stores (references, tags): set gives a ticket the
// values vs (as order IDs for references), and filter selects the
// tickets holding v.
type listField struct {
	name   string
	set    func(tk *ticket.Ticket, vs ...string)
	filter func(v string) storage.TicketFilter
}

// listFields are the list filters whose rows follow every write.
var listFields = []listField{
	{
		name: "Reference",
		set: func(tk *ticket.Ticket, vs ...string) {
			tk.References = nil
			for _, v := range vs {
				tk.References = append(tk.References, ticket.Reference{Kind: ticket.RefOrder, ID: v})
			}
		},
		filter: func(v string) storage.TicketFilter {
			return storage.TicketFilter{References: []ticket.Reference{{Kind: ticket.RefOrder, ID: v}}}
		},
	},
	{
		name:   "Tag",
		set:    func(tk *ticket.Ticket, vs ...string) { tk.Tags = vs },
		filter: func(v string) storage.TicketFilter { return storage.TicketFilter{Tags: []string{v}} },
	},
}

// ticketListFields checks that the References and Tags filters follow
// every write of a ticket's list: create, update, batch update (when the
// store declares BatchUpdater) and a rolled back update.
func (s suite) ticketListFields(t *testing.T) {
	for _, lf := range listFields {
		t.Run(lf.name+"FilterFollowsEveryWrite", func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := s.store(t)
			a := newTicket(tenantA, func(tk *ticket.Ticket) { lf.set(tk, "X") })
			b := newTicket(tenantA, func(tk *ticket.Ticket) { lf.set(tk, "Y") })
			mustCreate(t, st, a, b)
			find := func(v string) []string {
				t.Helper()
				f := lf.filter(v)
				f.TenantID = tenantA
				res, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: f, Limit: storage.MaxLimit})
				require.NoError(t, err)
				return ticketIDs(res.Tickets)
			}
			require.Equal(t, []string{a.ID}, find("X"))

			lf.set(a, "Y")
			require.NoError(t, st.TicketUpdate(ctx, a))
			require.Empty(t, find("X"), "the old value is gone")
			require.ElementsMatch(t, []string{a.ID, b.ID}, find("Y"))

			a.Subject = "list untouched"
			require.NoError(t, st.TicketUpdate(ctx, a))
			require.ElementsMatch(t, []string{a.ID, b.ID}, find("Y"))

			errRollback := errors.New("roll back")
			err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				c := b.Clone()
				lf.set(c, "Z")
				if err := tx.TicketUpdate(ctx, c); err != nil {
					return err
				}
				return errRollback
			})
			require.ErrorIs(t, err, errRollback)
			require.Empty(t, find("Z"), "a rolled back update leaves nothing")
			require.ElementsMatch(t, []string{a.ID, b.ID}, find("Y"))

			if s.declared.BatchUpdater {
				lf.set(a, "Z", "Z")
				err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
					return as[storage.TicketBatchUpdater](t, tx).TicketUpdateBatch(ctx, []*ticket.Ticket{a})
				})
				require.NoError(t, err)
				require.Equal(t, []string{a.ID}, find("Z"), "a batch update writes the list, each value once")
				require.Equal(t, []string{b.ID}, find("Y"))
			}

			lf.set(a)
			require.NoError(t, st.TicketUpdate(ctx, a))
			require.Empty(t, find("Z"))
			require.Empty(t, find("X"))
		})
	}
}
