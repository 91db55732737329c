package storagetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ticketLocker tests the optional [storage.TicketLocker] (see
// Features.TicketLocker).
func (s suite) ticketLocker(t *testing.T) {
	ctx := context.Background()
	t.Run("ReturnsTheTenantsTicketsByID", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a1, a2, b1 := newTicket(tenantA), newTicket(tenantA), newTicket(tenantB)
		mustCreate(t, st, a1, a2, b1)
		var got []*ticket.Ticket
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) (err error) {
			got, err = as[storage.TicketLocker](t, tx).TicketLock(ctx, storage.TicketLockParams{
				TenantID: tenantA, IDs: []string{a2.ID, "no-such-id", b1.ID, a1.ID, a2.ID},
			})
			return err
		}))
		want := []*ticket.Ticket{a1, a2}
		if a2.ID < a1.ID {
			want = []*ticket.Ticket{a2, a1}
		}
		require.Len(t, got, 2)
		for i := range want {
			requireTicket(t, want[i], got[i])
		}
		none, err := as[storage.TicketLocker](t, st).TicketLock(ctx, storage.TicketLockParams{TenantID: tenantB, IDs: []string{a1.ID}})
		require.NoError(t, err)
		require.Empty(t, none)
	})
}

// messageMover tests the optional [storage.MessageMover] (see
// Features.MessageMover).
func (s suite) messageMover(t *testing.T) {
	ctx := context.Background()
	mover := func(x any) storage.MessageMover { return as[storage.MessageMover](t, x) }
	list := func(t *testing.T, st storage.Tx, tk *ticket.Ticket) []string {
		t.Helper()
		res, err := st.MessageList(ctx, storage.MessageListParams{TenantID: tk.TenantID, TicketID: tk.ID, Limit: storage.MaxLimit})
		require.NoError(t, err)
		return messageIDs(res.Messages)
	}
	t.Run("MovesEveryMessageOfTheSourcesInTimeOrder", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		target, src1, src2 := newTicket(tenantA), newTicket(tenantA), newTicket(tenantA)
		mustCreate(t, st, target, src1, src2)
		var want []*ticket.Message
		for i, tk := range []*ticket.Ticket{target, src1, src2, target, src2, src1} {
			m := newMessage(tk, ticket.MessageCustomer, time.Duration(i)*time.Minute)
			require.NoError(t, st.MessageCreate(ctx, m))
			want = append(want, m)
		}
		n, err := mover(st).MessageMove(ctx, storage.MessageMoveParams{TenantID: tenantA, FromTicketIDs: []string{src1.ID, src2.ID}, ToTicketID: target.ID})
		require.NoError(t, err)
		require.Equal(t, 4, n)
		require.Equal(t, messageIDs(want), list(t, st, target))
		require.Empty(t, list(t, st, src1))
		require.Empty(t, list(t, st, src2))
	})
	t.Run("MovesOnlyTheChosenMessagesOfTheSource", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		src, other, to := newTicket(tenantA), newTicket(tenantA), newTicket(tenantA)
		mustCreate(t, st, src, other, to)
		m1, m2, m3 := newMessage(src, ticket.MessageCustomer, 0), newMessage(src, ticket.MessageReply, time.Minute), newMessage(other, ticket.MessageNote, 2*time.Minute)
		for _, m := range []*ticket.Message{m1, m2, m3} {
			require.NoError(t, st.MessageCreate(ctx, m))
		}
		n, err := mover(st).MessageMove(ctx, storage.MessageMoveParams{TenantID: tenantA, FromTicketIDs: []string{src.ID},
			MessageIDs: []string{m2.ID, m3.ID, "no-such-id"}, ToTicketID: to.ID})
		require.NoError(t, err)
		require.Equal(t, 1, n, "m3 is another ticket's")
		require.Equal(t, []string{m2.ID}, list(t, st, to))
		require.Equal(t, []string{m1.ID}, list(t, st, src))
		require.Equal(t, []string{m3.ID}, list(t, st, other))
	})
	t.Run("NeverTouchesAnotherTenant", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b := newTicket(tenantA), newTicket(tenantB)
		mustCreate(t, st, a, b)
		mb := newMessage(b, ticket.MessageCustomer, 0)
		require.NoError(t, st.MessageCreate(ctx, mb))
		n, err := mover(st).MessageMove(ctx, storage.MessageMoveParams{TenantID: tenantA, FromTicketIDs: []string{b.ID}, ToTicketID: a.ID})
		require.NoError(t, err)
		require.Zero(t, n)
		require.Equal(t, []string{mb.ID}, list(t, st, b))
		_, err = mover(st).MessageMove(ctx, storage.MessageMoveParams{TenantID: tenantA, FromTicketIDs: []string{a.ID}, ToTicketID: b.ID})
		require.ErrorIs(t, err, storage.ErrNotFound, "the target is another tenant's")
	})
	t.Run("RollsBackWithItsTransaction", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		from, to := newTicket(tenantA), newTicket(tenantA)
		mustCreate(t, st, from, to)
		m := newMessage(from, ticket.MessageCustomer, 0)
		require.NoError(t, st.MessageCreate(ctx, m))
		boom := errors.New("boom")
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			n, err := mover(tx).MessageMove(ctx, storage.MessageMoveParams{TenantID: tenantA, FromTicketIDs: []string{from.ID}, ToTicketID: to.ID})
			require.NoError(t, err)
			require.Equal(t, 1, n)
			require.Equal(t, []string{m.ID}, list(t, tx, to))
			return boom
		})
		require.ErrorIs(t, err, boom)
		require.Equal(t, []string{m.ID}, list(t, st, from))
		require.Empty(t, list(t, st, to))
	})
	t.Run("KeepsMergedInto", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		target := newTicket(tenantA)
		src := newTicket(tenantA, func(tk *ticket.Ticket) { tk.MergedInto = target.ID })
		mustCreate(t, st, target, src)
		got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: src.ID})
		require.NoError(t, err)
		require.Equal(t, target.ID, got.MergedInto)
		got.MergedInto = ""
		require.NoError(t, st.TicketUpdate(ctx, got))
		got, err = st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: src.ID})
		require.NoError(t, err)
		require.Empty(t, got.MergedInto)
	})
}

// links tests the optional [storage.LinkStore] (see Features.Links).
func (s suite) links(t *testing.T) {
	ctx := context.Background()
	ls := func(x any) storage.LinkStore { return as[storage.LinkStore](t, x) }
	link := func(from *ticket.Ticket, typ ticket.LinkType, to *ticket.Ticket, d time.Duration) *ticket.Link {
		return &ticket.Link{TenantID: from.TenantID, Type: typ, FromID: from.ID, FromNumber: from.Number,
			ToID: to.ID, ToNumber: to.Number, CreatedBy: "agent-7", CreatedAt: at(d)}
	}
	t.Run("ListsBothDirectionsOldestFirst", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b, c := newTicket(tenantA), newTicket(tenantA), newTicket(tenantA)
		mustCreate(t, st, a, b, c)
		l1, l2, l3 := link(a, ticket.LinkParent, b, 2*time.Minute), link(c, ticket.LinkRelated, a, time.Minute), link(b, ticket.LinkCausedBy, c, 0)
		for _, l := range []*ticket.Link{l1, l2, l3} {
			require.NoError(t, ls(st).LinkCreate(ctx, l))
		}
		got, err := ls(st).LinkList(ctx, storage.LinkListParams{TenantID: tenantA, TicketID: a.ID})
		require.NoError(t, err)
		require.Equal(t, []*ticket.Link{l2, l1}, got)
		got, err = ls(st).LinkList(ctx, storage.LinkListParams{TenantID: tenantA, TicketID: a.ID, Outgoing: true})
		require.NoError(t, err)
		require.Equal(t, []*ticket.Link{l1}, got)
		got, err = ls(st).LinkList(ctx, storage.LinkListParams{TenantID: tenantA, TicketID: b.ID, Incoming: true, Types: []ticket.LinkType{ticket.LinkParent}})
		require.NoError(t, err)
		require.Equal(t, []*ticket.Link{l1}, got)
		got, err = ls(st).LinkList(ctx, storage.LinkListParams{TenantID: tenantA, TicketID: b.ID, Limit: 1})
		require.NoError(t, err)
		require.Equal(t, []*ticket.Link{l3}, got)
	})
	t.Run("SameLinkTwiceIsAConflictAndDeleteRemovesIt", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b := newTicket(tenantA), newTicket(tenantA)
		mustCreate(t, st, a, b)
		l := link(a, ticket.LinkDuplicateOf, b, 0)
		require.NoError(t, ls(st).LinkCreate(ctx, l))
		require.ErrorIs(t, ls(st).LinkCreate(ctx, l), storage.ErrConflict)
		require.NoError(t, ls(st).LinkCreate(ctx, link(a, ticket.LinkRelated, b, 0)), "another type is another link")
		del := storage.LinkDeleteParams{TenantID: tenantA, Type: ticket.LinkDuplicateOf, FromID: a.ID, ToID: b.ID}
		require.ErrorIs(t, ls(st).LinkDelete(ctx, storage.LinkDeleteParams{TenantID: tenantB, Type: del.Type, FromID: a.ID, ToID: b.ID}), storage.ErrNotFound)
		require.NoError(t, ls(st).LinkDelete(ctx, del))
		require.ErrorIs(t, ls(st).LinkDelete(ctx, del), storage.ErrNotFound)
		got, err := ls(st).LinkList(ctx, storage.LinkListParams{TenantID: tenantA, TicketID: b.ID})
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.Equal(t, ticket.LinkRelated, got[0].Type)
	})
	t.Run("TenantsAreSeparate", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b := newTicket(tenantA), newTicket(tenantA)
		mustCreate(t, st, a, b)
		require.NoError(t, ls(st).LinkCreate(ctx, link(a, ticket.LinkRelated, b, 0)))
		got, err := ls(st).LinkList(ctx, storage.LinkListParams{TenantID: tenantB, TicketID: a.ID})
		require.NoError(t, err)
		require.Empty(t, got)
	})
	t.Run("TicketListFiltersByLink", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		parent, c1, c2, rel, other := newTicket(tenantA), newTicket(tenantA), newTicket(tenantA), newTicket(tenantA), newTicket(tenantA)
		grand := newTicket(tenantA)
		bt := newTicket(tenantB)
		mustCreate(t, st, parent, c1, c2, rel, other, grand, bt)
		for _, l := range []*ticket.Link{
			link(c1, ticket.LinkParent, parent, 0), link(c2, ticket.LinkParent, parent, 0),
			link(parent, ticket.LinkParent, grand, 0), link(parent, ticket.LinkRelated, rel, 0),
			link(bt, ticket.LinkParent, parent, 0),
		} {
			require.NoError(t, ls(st).LinkCreate(ctx, l))
		}
		list := func(f *storage.LinkFilter) []string {
			t.Helper()
			res, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: tenantA, Linked: f}, Limit: 50})
			require.NoError(t, err)
			ids := ticketIDs(res.Tickets)
			slices.Sort(ids)
			return ids
		}
		sorted := func(ids ...string) []string { slices.Sort(ids); return ids }
		require.Equal(t, sorted(c1.ID, c2.ID), list(&storage.LinkFilter{TicketID: parent.ID, Types: []ticket.LinkType{ticket.LinkParent}, Outgoing: true}),
			"the children, not the grandparent, not another tenant's")
		require.Equal(t, sorted(c1.ID, c2.ID, grand.ID), list(&storage.LinkFilter{TicketID: parent.ID, Types: []ticket.LinkType{ticket.LinkParent}}))
		require.Equal(t, sorted(c1.ID, c2.ID, grand.ID, rel.ID), list(&storage.LinkFilter{TicketID: parent.ID}))
		require.Equal(t, []string{parent.ID}, list(&storage.LinkFilter{TicketID: rel.ID}))
		require.Empty(t, list(&storage.LinkFilter{TicketID: other.ID}))
	})
	t.Run("RollsBackWithItsTransaction", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b := newTicket(tenantA), newTicket(tenantA)
		mustCreate(t, st, a, b)
		boom := errors.New("boom")
		require.ErrorIs(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, ls(tx).LinkCreate(ctx, link(a, ticket.LinkRelated, b, 0)))
			return boom
		}), boom)
		got, err := ls(st).LinkList(ctx, storage.LinkListParams{TenantID: tenantA, TicketID: a.ID})
		require.NoError(t, err)
		require.Empty(t, got)
	})
}
