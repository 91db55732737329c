package ticketkit_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

func TestDesk_Split(t *testing.T) {
	t.Parallel()

	t.Run("MovesTheChosenMessagesIntoANewLinkedTicket", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, bundle := setupDesk(t, b)
			ctx := t.Context()
			src, _, all := mergePair(t, desk, bundle)
			kept, moved := []string{all[0], all[4]}, []string{all[2]}
			res, err := desk.Split(ctx, agent, ticketkit.SplitParams{TicketID: src.ID, MessageIDs: moved, Subject: "Second kettle"})
			require.NoError(t, err)
			require.Equal(t, 1, res.Moved)
			require.NotEqual(t, src.Number, res.Ticket.Number)
			require.Equal(t, "Second kettle", res.Ticket.Subject)
			require.Equal(t, src.Customer, res.Ticket.Customer)
			require.Equal(t, moved, threadIDs(t, desk, res.Ticket.ID))
			require.Equal(t, kept, threadIDs(t, desk, src.ID))
			require.Contains(t, historyLines(t, desk, res.Ticket.ID), "split_from →"+src.Number)
			require.Contains(t, historyLines(t, desk, src.ID), "split →"+res.Ticket.Number)
			for _, id := range []string{src.ID, res.Ticket.ID} {
				links, err := desk.Links(ctx, agent, id)
				require.NoError(t, err)
				require.Len(t, links, 1)
				require.Equal(t, ticket.LinkSplitFrom, links[0].Type)
				require.Equal(t, res.Ticket.ID, links[0].FromID)
				require.Equal(t, src.ID, links[0].ToID)
			}
		})
	})

	t.Run("RefusesMessagesOfAnotherTicketAndLeavesNothing", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, bundle := setupDesk(t, b)
			ctx := t.Context()
			a, other, all := mergePair(t, desk, bundle)
			_, err := desk.Split(ctx, agent, ticketkit.SplitParams{TicketID: a.ID, MessageIDs: []string{all[0], all[1]}})
			require.ErrorIs(t, err, ticketkit.ErrNotFound, "all[1] is the other ticket's")
			require.Len(t, threadIDs(t, desk, a.ID), 3)
			require.Len(t, threadIDs(t, desk, other.ID), 3)
			// The number drawn for the refused split is drawn again.
			next := mustOpen(t, desk, agent, ticketkit.OpenParams{})
			require.Equal(t, "TK-2026-000003", next.Number)
		})
	})

	t.Run("RefusesBadInputNamingEveryField", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupMemoryDesk(t)
		ctx := t.Context()
		tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Message: "hello"})
		_, err := desk.Split(ctx, customer, ticketkit.SplitParams{TicketID: tk.ID, MessageIDs: []string{"m"}})
		require.ErrorIs(t, err, ticketkit.ErrForbidden)
		_, err = desk.Split(ctx, agent, ticketkit.SplitParams{TicketID: "", MessageIDs: make([]string, ticketkit.MaxSplitMessages+1)})
		var v *ticketkit.ValidationError
		require.ErrorAs(t, err, &v)
		require.ElementsMatch(t, []string{"ticket_id", "message_ids"}, fieldNames(v))
		_, err = desk.Split(ctx, otherOrg, ticketkit.SplitParams{TicketID: tk.ID, MessageIDs: []string{"m"}})
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
	})
}

func TestDesk_Link(t *testing.T) {
	t.Parallel()

	link := func(id string, typ ticket.LinkType, other string) ticketkit.LinkParams {
		return ticketkit.LinkParams{TicketID: id, Type: typ, OtherID: other}
	}

	t.Run("ParentAndChildrenListedSearchedAndGuarded", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, _ := setupDesk(t, b)
			ctx := t.Context()
			parent := mustOpen(t, desk, agent, ticketkit.OpenParams{Customer: ticket.Customer{ID: "C-1"}})
			c1 := mustOpen(t, desk, agent, ticketkit.OpenParams{})
			c2 := mustOpen(t, desk, agent, ticketkit.OpenParams{})
			rel := mustOpen(t, desk, agent, ticketkit.OpenParams{})
			for _, p := range []ticketkit.LinkParams{
				link(c1.ID, ticket.LinkParent, parent.ID), link(c2.ID, ticket.LinkParent, parent.ID), link(rel.ID, ticket.LinkRelated, parent.ID),
			} {
				_, err := desk.Link(ctx, agent, p)
				require.NoError(t, err)
			}
			links, err := desk.Links(ctx, agent, parent.ID)
			require.NoError(t, err)
			require.Len(t, links, 3)
			require.Contains(t, historyLines(t, desk, parent.ID), "link →child "+c1.Number)
			require.Contains(t, historyLines(t, desk, c1.ID), "link →parent "+parent.Number)

			kids, err := desk.Search(ctx, agent, ticketkit.SearchParams{ParentID: parent.ID})
			require.NoError(t, err)
			require.ElementsMatch(t, []string{c1.ID, c2.ID}, ticketIDsOf(kids.Tickets))
			linked, err := desk.Search(ctx, agent, ticketkit.SearchParams{LinkedTo: parent.ID, LinkTypes: []ticket.LinkType{ticket.LinkRelated}})
			require.NoError(t, err)
			require.Equal(t, []string{rel.ID}, ticketIDsOf(linked.Tickets))
			all, err := desk.Search(ctx, agent, ticketkit.SearchParams{LinkedTo: c1.ID})
			require.NoError(t, err)
			require.Equal(t, []string{parent.ID}, ticketIDsOf(all.Tickets))

			// The parent waits for its children.
			_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: parent.ID, To: ticket.StatusResolved})
			require.ErrorIs(t, err, ticketkit.ErrOpenChildren)
			require.ErrorIs(t, err, ticketkit.ErrGuard)
			var te *ticketkit.TransitionError
			require.ErrorAs(t, err, &te)
			require.Contains(t, te.Reason, c1.Number)
			mustMove(t, desk, agent, c1.ID, ticket.StatusResolved, "")
			mustMove(t, desk, agent, c2.ID, ticket.StatusResolved, "")
			mustMove(t, desk, agent, parent.ID, ticket.StatusResolved, "")

			// Customers see no links and may not search by them.
			_, err = desk.Links(ctx, customer, parent.ID)
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
			_, err = desk.Search(ctx, customer, ticketkit.SearchParams{ParentID: parent.ID})
			var v *ticketkit.ValidationError
			require.ErrorAs(t, err, &v)
			require.Equal(t, []string{"parent_id"}, fieldNames(v))
			events, err := desk.History(ctx, customer, parent.ID)
			require.NoError(t, err)
			for _, e := range events {
				require.NotEqual(t, ticket.FieldLink, e.Field)
			}

			require.NoError(t, desk.Unlink(ctx, agent, link(c1.ID, ticket.LinkParent, parent.ID)))
			require.ErrorIs(t, desk.Unlink(ctx, agent, link(c1.ID, ticket.LinkParent, parent.ID)), ticketkit.ErrNotFound)
			require.Contains(t, historyLines(t, desk, parent.ID), "link child "+c1.Number+"→")
		})
	})

	t.Run("RefusesCyclesAndSecondParents", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, _ := setupDesk(t, b)
			ctx := t.Context()
			a := mustOpen(t, desk, agent, ticketkit.OpenParams{})
			bt := mustOpen(t, desk, agent, ticketkit.OpenParams{})
			c := mustOpen(t, desk, agent, ticketkit.OpenParams{})
			_, err := desk.Link(ctx, agent, link(a.ID, ticket.LinkParent, bt.ID))
			require.NoError(t, err)
			_, err = desk.Link(ctx, agent, link(bt.ID, ticket.LinkParent, c.ID))
			require.NoError(t, err)
			_, err = desk.Link(ctx, agent, link(c.ID, ticket.LinkParent, a.ID))
			require.ErrorIs(t, err, ticketkit.ErrLinkCycle)
			var v *ticketkit.ValidationError
			require.ErrorAs(t, err, &v)
			require.Equal(t, []string{"other_id"}, fieldNames(v))
			_, err = desk.Link(ctx, agent, link(a.ID, ticket.LinkParent, c.ID))
			require.ErrorIs(t, err, ticketkit.ErrConflict, "a second parent")
			_, err = desk.Link(ctx, agent, link(a.ID, ticket.LinkDuplicateOf, bt.ID))
			require.NoError(t, err, "another type is another chain")
			_, err = desk.Link(ctx, agent, link(bt.ID, ticket.LinkDuplicateOf, a.ID))
			require.ErrorIs(t, err, ticketkit.ErrLinkCycle)
			_, err = desk.Link(ctx, agent, link(a.ID, ticket.LinkRelated, c.ID))
			require.NoError(t, err)
			_, err = desk.Link(ctx, agent, link(c.ID, ticket.LinkRelated, a.ID))
			require.ErrorIs(t, err, ticketkit.ErrConflict, "related reads both ways")
		})
	})

	t.Run("ConcurrentLinksNeverCloseACycle", func(t *testing.T) {
		t.Parallel()
		// c is b's parent and a is d's; two agents at once make b the
		// parent of a and d the parent of c. The two links share no
		// ticket and each alone is fine; both would close the cycle
		// a → b → c → d → a, which neither transaction sees alone.
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, _ := setupDesk(t, b)
			ctx := t.Context()
			const rounds = 12
			for range rounds {
				var ts [4]*ticket.Ticket
				for i := range ts {
					ts[i] = mustOpen(t, desk, agent, ticketkit.OpenParams{})
				}
				ta, tb, tc, td := ts[0], ts[1], ts[2], ts[3]
				for _, p := range []ticketkit.LinkParams{link(tb.ID, ticket.LinkParent, tc.ID), link(td.ID, ticket.LinkParent, ta.ID)} {
					_, err := desk.Link(ctx, agent, p)
					require.NoError(t, err)
				}
				start := make(chan struct{})
				errs := make([]error, 2)
				var wg sync.WaitGroup
				for i, p := range []ticketkit.LinkParams{link(ta.ID, ticket.LinkParent, tb.ID), link(tc.ID, ticket.LinkParent, td.ID)} {
					wg.Go(func() {
						<-start
						_, errs[i] = desk.Link(ctx, agent, p)
					})
				}
				close(start)
				wg.Wait()
				ok := 0
				for _, err := range errs {
					if err == nil {
						ok++
					} else {
						require.ErrorIs(t, err, ticketkit.ErrLinkCycle)
					}
				}
				require.Equal(t, 1, ok, "exactly one of the two links may be made: %v", errs)
			}
		})
	})

	t.Run("RefusesBadInput", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupMemoryDesk(t)
		ctx := t.Context()
		a := mustOpen(t, desk, agent, ticketkit.OpenParams{})
		other := mustOpen(t, desk, otherOrg, ticketkit.OpenParams{})
		_, err := desk.Link(ctx, agent, link(a.ID, "sibling", a.ID))
		var v *ticketkit.ValidationError
		require.ErrorAs(t, err, &v)
		require.ElementsMatch(t, []string{"type", "other_id"}, fieldNames(v))
		_, err = desk.Link(ctx, agent, link(a.ID, ticket.LinkSplitFrom, "x"))
		require.ErrorAs(t, err, &v)
		_, err = desk.Link(ctx, agent, link(a.ID, ticket.LinkRelated, other.ID))
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
		_, err = desk.Link(ctx, customer, link(a.ID, ticket.LinkRelated, other.ID))
		require.ErrorIs(t, err, ticketkit.ErrForbidden)
		_, err = desk.Link(ctx, agent, link("a\x00", ticket.LinkRelated, other.ID))
		require.ErrorAs(t, err, &v)
	})

	t.Run("ConfigMayLetParentsCloseFirst", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupMemoryDesk(t, func(c *ticketkit.Config) { c.CloseParentsWithOpenChildren = true })
		parent := mustOpen(t, desk, agent, ticketkit.OpenParams{})
		child := mustOpen(t, desk, agent, ticketkit.OpenParams{})
		_, err := desk.Link(t.Context(), agent, link(child.ID, ticket.LinkParent, parent.ID))
		require.NoError(t, err)
		mustMove(t, desk, agent, parent.ID, ticket.StatusResolved, "")
	})
}

// ticketIDsOf returns the IDs of tickets.
func ticketIDsOf(ts []*ticket.Ticket) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.ID)
	}
	slices.Sort(out)
	return out
}

// TestDesk_TransitionTagEffects: a transition's add_tags and remove_tags
// effects change the ticket's tags, with a history line.
func TestDesk_TransitionTagEffects(t *testing.T) {
	t.Parallel()
	def := workflow.DefaultDefinition()
	for i := range def.Transitions {
		if def.Transitions[i].To == ticket.StatusEscalated {
			def.Transitions[i].Effects = append(def.Transitions[i].Effects, workflow.Effect{AddTags: []string{"hot"}, RemoveTags: []string{"cold"}})
		}
	}
	m, err := workflow.New(workflow.Config{Definition: def})
	require.NoError(t, err)
	desk, _ := setupMemoryDesk(t, func(c *ticketkit.Config) { c.Workflow = m })
	tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Tags: []string{"cold", "vip"}})
	got := mustMove(t, desk, agent, tk.ID, ticket.StatusEscalated, "")
	require.Equal(t, []string{"vip", "hot"}, got.Tags)
	require.Contains(t, historyLines(t, desk, tk.ID), "tags cold, vip→vip, hot")
}
