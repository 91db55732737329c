package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// tenantFixture stores a ticket of tenant A with a message and a history
// line, and a ticket of tenant B that shares none of its customer fields
// or subject.
func tenantFixture(t *testing.T, st storage.Store) (a, b *ticket.Ticket, msg *ticket.Message, ev *ticket.Event) {
	t.Helper()
	ctx := context.Background()
	a = newTicket(tenantA)
	b = newTicket(tenantB, func(tk *ticket.Ticket) {
		tk.Subject = "Dishwasher does not start"
		tk.Customer = ticket.Customer{ID: "cust-b", Name: "Bea Ray", Email: "bea@example.org", Mobile: "+33699999999"}
	})
	mustCreate(t, st, a, b)
	msg = newMessage(a, ticket.MessageCustomer, time.Minute)
	require.NoError(t, st.MessageCreate(ctx, msg))
	ev = newEvent(a, ticket.FieldCreated, "", a.Number, base)
	require.NoError(t, st.EventCreate(ctx, []*ticket.Event{ev}))
	return a, b, msg, ev
}

func (s suite) tenant(t *testing.T) {
	ctx := context.Background()
	requireUnchanged := func(t *testing.T, st storage.Store, a *ticket.Ticket) {
		t.Helper()
		got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: a.ID})
		require.NoError(t, err)
		requireTicket(t, a, got)
	}

	t.Run("EmptyTenantIsRejected", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, _, _, _ := tenantFixture(t, st)
		noTenant := func(tk *ticket.Ticket) { tk.TenantID = "" }
		orphan := newTicket("")
		for name, call := range map[string]func() error{
			"SequenceNext": func() error {
				_, err := st.SequenceNext(ctx, storage.SequenceNextParams{Scope: "TK-2026"})
				return err
			},
			"TicketCreate": func() error { return st.TicketCreate(ctx, orphan) },
			"TicketGet": func() error {
				_, err := st.TicketGet(ctx, storage.TicketGetParams{ID: a.ID})
				return err
			},
			"TicketGetByNumber": func() error {
				_, err := st.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{Number: a.Number})
				return err
			},
			"TicketUpdate": func() error {
				c := a.Clone()
				noTenant(c)
				c.Subject = "no tenant"
				return st.TicketUpdate(ctx, c)
			},
			"TicketList": func() error {
				_, err := st.TicketList(ctx, storage.TicketListParams{})
				return err
			},
			"MessageCreate": func() error {
				m := newMessage(a, ticket.MessageReply, time.Hour)
				m.TenantID = ""
				return st.MessageCreate(ctx, m)
			},
			"MessageList": func() error {
				_, err := st.MessageList(ctx, storage.MessageListParams{TicketID: a.ID})
				return err
			},
			"EventCreate": func() error {
				e := newEvent(a, ticket.FieldStatus, "open", "closed", base)
				e.TenantID = ""
				return st.EventCreate(ctx, []*ticket.Event{e})
			},
			"EventList": func() error {
				_, err := st.EventList(ctx, storage.EventListParams{TicketID: a.ID})
				return err
			},
			"OutboxCreate": func() error {
				e := newEntry(a, "ticket.opened", 0)
				e.TenantID = ""
				return st.OutboxCreate(ctx, []*storage.OutboxEntry{e})
			},
		} {
			require.Error(t, call(), "%s without a tenant", name)
		}

		requireUnchanged(t, st, a)
		pending := claimAll(t, st)
		require.Empty(t, pending)
		ms, err := st.MessageList(ctx, storage.MessageListParams{TenantID: tenantA})
		require.NoError(t, err)
		require.Len(t, ms.Messages, 1)
		es, err := st.EventList(ctx, storage.EventListParams{TenantID: tenantA, TicketID: a.ID})
		require.NoError(t, err)
		require.Len(t, es, 1)
	})

	t.Run("TicketGetOfOtherTenantReturnsErrNotFound", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b, _, _ := tenantFixture(t, st)

		got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantB, ID: a.ID})
		require.ErrorIs(t, err, storage.ErrNotFound)
		require.Nil(t, got)
		_, err = st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: b.ID})
		require.ErrorIs(t, err, storage.ErrNotFound)
	})

	t.Run("TicketGetByNumberOfOtherTenantReturnsErrNotFound", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b, _, _ := tenantFixture(t, st)

		got, err := st.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: tenantB, Number: a.Number})
		require.ErrorIs(t, err, storage.ErrNotFound)
		require.Nil(t, got)
		_, err = st.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: tenantA, Number: b.Number})
		require.ErrorIs(t, err, storage.ErrNotFound)
	})

	t.Run("TicketUpdateOfOtherTenantReturnsErrNotFoundAndWritesNothing", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, _, _, _ := tenantFixture(t, st)
		hijack := a.Clone()
		hijack.TenantID = tenantB
		hijack.Subject = "hijacked"

		require.ErrorIs(t, st.TicketUpdate(ctx, hijack), storage.ErrNotFound)
		requireUnchanged(t, st, a)
		_, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantB, ID: a.ID})
		require.ErrorIs(t, err, storage.ErrNotFound)
	})

	t.Run("TicketListShowsOnlyOwnTenant", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b, _, _ := tenantFixture(t, st)

		for tenant, want := range map[string][]string{tenantA: {a.ID}, tenantB: {b.ID}} {
			res, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: tenant}})
			require.NoError(t, err)
			require.Equal(t, want, ticketIDs(res.Tickets), tenant)
		}
		for _, f := range []storage.TicketFilter{
			{Number: a.Number},
			{CustomerID: a.Customer.ID},
			{CustomerEmail: a.Customer.Email},
			{Text: a.Subject},
		} {
			f.TenantID = tenantB
			res, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: f})
			require.NoError(t, err)
			require.Empty(t, res.Tickets, "filter %+v", f)
		}
	})

	t.Run("MessageCreateOnOtherTenantsTicketReturnsErrNotFound", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, _, msg, _ := tenantFixture(t, st)
		m := newMessage(a, ticket.MessageCustomer, time.Hour)
		m.TenantID = tenantB

		require.ErrorIs(t, st.MessageCreate(ctx, m), storage.ErrNotFound)
		for _, tenant := range []string{tenantA, tenantB} {
			res, err := st.MessageList(ctx, storage.MessageListParams{TenantID: tenant, TicketID: a.ID})
			require.NoError(t, err)
			if tenant == tenantA {
				require.Equal(t, []string{msg.ID}, messageIDs(res.Messages))
			} else {
				require.Empty(t, res.Messages)
			}
		}
	})

	t.Run("MessageListShowsOnlyOwnTenant", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b, msg, _ := tenantFixture(t, st)
		msgB := newMessage(b, ticket.MessageCustomer, time.Minute)
		require.NoError(t, st.MessageCreate(ctx, msgB))

		for _, tc := range []struct {
			p    storage.MessageListParams
			want []string
		}{
			{storage.MessageListParams{TenantID: tenantA}, []string{msg.ID}},
			{storage.MessageListParams{TenantID: tenantB}, []string{msgB.ID}},
			{storage.MessageListParams{TenantID: tenantB, TicketID: a.ID}, nil},
			{storage.MessageListParams{TenantID: tenantB, CustomerID: a.Customer.ID}, nil},
			{storage.MessageListParams{TenantID: tenantA, CustomerID: b.Customer.ID}, nil},
		} {
			res, err := st.MessageList(ctx, tc.p)
			require.NoError(t, err)
			require.Equal(t, len(tc.want), len(res.Messages), "%+v", tc.p)
			if len(tc.want) > 0 {
				require.Equal(t, tc.want, messageIDs(res.Messages), "%+v", tc.p)
			}
		}
	})

	t.Run("EventListShowsOnlyOwnTenant", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, _, _, ev := tenantFixture(t, st)

		es, err := st.EventList(ctx, storage.EventListParams{TenantID: tenantB, TicketID: a.ID})
		require.NoError(t, err)
		require.Empty(t, es)
		es, err = st.EventList(ctx, storage.EventListParams{TenantID: tenantA, TicketID: a.ID})
		require.NoError(t, err)
		require.Equal(t, []string{ev.ID}, eventIDs(es))
	})

	t.Run("EventCreateCannotWriteToOtherTenantsHistory", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, _, _, ev := tenantFixture(t, st)
		e := newEvent(a, ticket.FieldStatus, "open", "closed", base)
		e.TenantID = tenantB

		// Whether the store refuses the line or files it under tenant B,
		// tenant A's history must not show it.
		_ = st.EventCreate(ctx, []*ticket.Event{e})
		es, err := st.EventList(ctx, storage.EventListParams{TenantID: tenantA, TicketID: a.ID})
		require.NoError(t, err)
		require.Equal(t, []string{ev.ID}, eventIDs(es))
	})
}
