package storagetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// attachments returns n attachments with every field set.
func attachments(n int) []ticket.Attachment {
	out := make([]ticket.Attachment, n)
	for i := range out {
		id := ids.New()
		out[i] = ticket.Attachment{
			ID:          id,
			Name:        fmt.Sprintf("photo-%d.jpg", i+1),
			ContentType: "image/jpeg",
			Size:        int64(1000 * (i + 1)),
			SHA256:      fmt.Sprintf("%064x", i+1),
			Key:         "tickets/" + id,
		}
	}
	return out
}

func (s suite) message(t *testing.T) {
	ctx := context.Background()
	create := func(t *testing.T, st storage.Tx, ms ...*ticket.Message) {
		t.Helper()
		for _, m := range ms {
			require.NoError(t, st.MessageCreate(ctx, m))
		}
	}
	list := func(t *testing.T, st storage.Tx, p storage.MessageListParams) []*ticket.Message {
		t.Helper()
		p.TenantID = tenantA
		res, err := st.MessageList(ctx, p)
		require.NoError(t, err)
		require.Empty(t, res.Next)
		return res.Messages
	}

	t.Run("CreateThenListReturnsThreadInOrder", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		m1 := newMessage(tk, ticket.MessageCustomer, time.Minute)
		m2 := newMessage(tk, ticket.MessageReply, 2*time.Minute)
		m2.Attachments = attachments(2)
		m3 := newMessage(tk, ticket.MessageNote, 3*time.Minute)
		m3.AuthorRole = ticket.RoleSupervisor
		create(t, st, m3, m1, m2)

		got := list(t, st, storage.MessageListParams{TicketID: tk.ID})
		require.Len(t, got, 3)
		for i, want := range []*ticket.Message{m1, m2, m3} {
			require.Equal(t, normMessage(want), normMessage(got[i]), "message %d", i)
			requireUTC(t, "CreatedAt", got[i].CreatedAt)
		}
	})

	t.Run("TiesOnCreatedAtAreOrderedByID", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		var ms []*ticket.Message
		for _, id := range sortedIDs(3) {
			m := newMessage(tk, ticket.MessageReply, time.Minute)
			m.ID = id
			ms = append(ms, m)
		}
		create(t, st, ms[2], ms[0], ms[1])

		require.Equal(t, messageIDs(ms), messageIDs(list(t, st, storage.MessageListParams{TicketID: tk.ID})))
	})

	t.Run("ListWithoutTicketIDListsEveryTicketOfTheTenant", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b := newTicket(tenantA), newTicket(tenantA)
		mustCreate(t, st, a, b)
		ms := []*ticket.Message{
			newMessage(a, ticket.MessageCustomer, 1*time.Minute),
			newMessage(b, ticket.MessageCustomer, 2*time.Minute),
			newMessage(a, ticket.MessageReply, 3*time.Minute),
			newMessage(b, ticket.MessageReply, 4*time.Minute),
		}
		create(t, st, ms[3], ms[1], ms[2], ms[0])

		require.Equal(t, messageIDs(ms), messageIDs(list(t, st, storage.MessageListParams{})))
		require.Equal(t, messageIDs([]*ticket.Message{ms[1], ms[3]}),
			messageIDs(list(t, st, storage.MessageListParams{TicketID: b.ID})))
	})

	t.Run("KindsFilterExcludesNotes", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		var ms []*ticket.Message
		for i, kind := range ticket.MessageKinds() {
			ms = append(ms, newMessage(tk, kind, time.Duration(i)*time.Minute))
		}
		create(t, st, ms...)
		// ms follows ticket.MessageKinds: customer, reply, note, system.

		public := []ticket.MessageKind{ticket.MessageCustomer, ticket.MessageReply, ticket.MessageSystem}
		require.Equal(t, messageIDs([]*ticket.Message{ms[0], ms[1], ms[3]}),
			messageIDs(list(t, st, storage.MessageListParams{TicketID: tk.ID, Kinds: public})))
		require.Equal(t, messageIDs([]*ticket.Message{ms[2]}),
			messageIDs(list(t, st, storage.MessageListParams{TicketID: tk.ID, Kinds: []ticket.MessageKind{ticket.MessageNote}})))
		require.Equal(t, messageIDs(ms), messageIDs(list(t, st, storage.MessageListParams{TicketID: tk.ID})))
	})

	t.Run("CustomerFilterListsMessagesOfThatCustomersTickets", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		mine1 := newTicket(tenantA, func(tk *ticket.Ticket) { tk.Customer.ID = "cust-1" })
		other := newTicket(tenantA, func(tk *ticket.Ticket) { tk.Customer.ID = "cust-2" })
		mine2 := newTicket(tenantA, func(tk *ticket.Ticket) { tk.Customer.ID = "cust-1" })
		mustCreate(t, st, mine1, other, mine2)
		ms := []*ticket.Message{
			newMessage(mine1, ticket.MessageCustomer, 1*time.Minute),
			newMessage(other, ticket.MessageCustomer, 2*time.Minute),
			newMessage(mine2, ticket.MessageCustomer, 3*time.Minute),
			newMessage(other, ticket.MessageReply, 4*time.Minute),
			newMessage(mine1, ticket.MessageReply, 5*time.Minute),
		}
		create(t, st, ms...)

		require.Equal(t, messageIDs([]*ticket.Message{ms[0], ms[2], ms[4]}),
			messageIDs(list(t, st, storage.MessageListParams{CustomerID: "cust-1"})))
		require.Equal(t, messageIDs([]*ticket.Message{ms[0], ms[4]}),
			messageIDs(list(t, st, storage.MessageListParams{CustomerID: "cust-1", TicketID: mine1.ID})))
		require.Empty(t, list(t, st, storage.MessageListParams{CustomerID: "cust-1", TicketID: other.ID}))
		require.Empty(t, list(t, st, storage.MessageListParams{CustomerID: "cust-9"}))
	})

	t.Run("DateRangeIsFromInclusiveToExclusive", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		var ms []*ticket.Message
		for i := range 5 {
			ms = append(ms, newMessage(tk, ticket.MessageReply, time.Duration(i)*time.Hour))
		}
		create(t, st, ms...)

		for _, tc := range []struct {
			from, to time.Time
			want     []int
		}{
			{at(2 * time.Hour), time.Time{}, []int{2, 3, 4}},
			{at(2*time.Hour + time.Microsecond), time.Time{}, []int{3, 4}},
			{time.Time{}, at(2 * time.Hour), []int{0, 1}},
			{time.Time{}, at(2*time.Hour + time.Microsecond), []int{0, 1, 2}},
			{at(time.Hour), at(3 * time.Hour), []int{1, 2}},
			{at(10 * time.Hour), time.Time{}, nil},
		} {
			var want []string
			for _, i := range tc.want {
				want = append(want, ms[i].ID)
			}
			got := list(t, st, storage.MessageListParams{TicketID: tk.ID, CreatedFrom: tc.from, CreatedTo: tc.to})
			require.Equal(t, len(want), len(got), "from %s to %s", tc.from, tc.to)
			if len(want) > 0 {
				require.Equal(t, want, messageIDs(got), "from %s to %s", tc.from, tc.to)
			}
		}
	})

	t.Run("PaginationVisitsEveryMessageOnceInOrder", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		// Seven messages in minutes 0,0,1,1,1,2,2: ties straddle pages.
		var ms []*ticket.Message
		idList := sortedIDs(7)
		for i, id := range idList {
			m := newMessage(tk, ticket.MessageReply, time.Duration((i+1)/3)*time.Minute)
			m.ID = id
			ms = append(ms, m)
		}
		for i := len(ms) - 1; i >= 0; i-- {
			create(t, st, ms[i])
		}

		p := storage.MessageListParams{TenantID: tenantA, TicketID: tk.ID, Limit: 3}
		var sizes []int
		var got []string
		for range 10 {
			res, err := st.MessageList(ctx, p)
			require.NoError(t, err)
			sizes = append(sizes, len(res.Messages))
			got = append(got, messageIDs(res.Messages)...)
			if res.Next == "" {
				break
			}
			p.After = res.Next
		}
		require.Equal(t, []int{3, 3, 1}, sizes)
		require.Equal(t, idList, got)
	})

	t.Run("InvalidCursorIsRejected", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		create(t, st, newMessage(tk, ticket.MessageReply, 0))

		for _, after := range []string{"not a cursor!", "bm90IGpzb24"} {
			res, err := st.MessageList(ctx, storage.MessageListParams{TenantID: tenantA, After: after})
			require.ErrorIs(t, err, storage.ErrInvalidCursor, "cursor %q", after)
			require.Nil(t, res)
		}
	})

	t.Run("LimitIsClamped", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		var ms []*ticket.Message
		for i := range storage.DefaultLimit + 1 {
			ms = append(ms, newMessage(tk, ticket.MessageReply, time.Duration(i)*time.Second))
		}
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			create(t, tx, ms...)
			return nil
		}))

		for _, tc := range []struct{ limit, want int }{{0, storage.DefaultLimit}, {-1, storage.DefaultLimit}, {7, 7}} {
			res, err := st.MessageList(ctx, storage.MessageListParams{TenantID: tenantA, Limit: tc.limit})
			require.NoError(t, err)
			require.Equal(t, messageIDs(ms[:tc.want]), messageIDs(res.Messages), "limit %d", tc.limit)
			require.NotEmpty(t, res.Next, "limit %d", tc.limit)
		}
	})

	t.Run("CreateOnUnknownTicketReturnsErrNotFound", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		ghost := newTicket(tenantA) // never stored

		err := st.MessageCreate(ctx, newMessage(ghost, ticket.MessageCustomer, 0))
		require.ErrorIs(t, err, storage.ErrNotFound)
		require.Empty(t, list(t, st, storage.MessageListParams{}))
	})

	t.Run("AttachmentsRoundTrip", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		with := newMessage(tk, ticket.MessageCustomer, time.Minute)
		with.Attachments = attachments(3)
		without := newMessage(tk, ticket.MessageReply, 2*time.Minute)
		create(t, st, with, without)

		got := list(t, st, storage.MessageListParams{TicketID: tk.ID})
		require.Len(t, got, 2)
		require.Equal(t, with.Attachments, got[0].Attachments)
		require.Empty(t, got[1].Attachments)
	})

	t.Run("ReturnedMessageIsACopy", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		m := newMessage(tk, ticket.MessageCustomer, time.Minute)
		m.Attachments = attachments(1)
		create(t, st, m)
		want := normMessage(m)

		m.Body = "changed"
		m.Attachments[0].Name = "changed"
		got := list(t, st, storage.MessageListParams{TicketID: tk.ID})
		require.Len(t, got, 1)
		require.Equal(t, want, normMessage(got[0]))

		got[0].Body = "changed"
		got[0].Attachments[0].Name = "changed"
		again := list(t, st, storage.MessageListParams{TicketID: tk.ID})
		require.Len(t, again, 1)
		require.Equal(t, want, normMessage(again[0]))
	})
}
