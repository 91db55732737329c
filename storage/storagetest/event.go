package storagetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// normEvent returns a copy of e comparable with require.Equal.
func normEvent(e *ticket.Event) ticket.Event {
	c := *e
	c.At = normTime(c.At)
	return c
}

func (s suite) event(t *testing.T) {
	ctx := context.Background()
	history := func(t *testing.T, st storage.Tx, tk *ticket.Ticket) []*ticket.Event {
		t.Helper()
		es, err := st.EventList(ctx, storage.EventListParams{TenantID: tk.TenantID, TicketID: tk.ID})
		require.NoError(t, err)
		return es
	}

	t.Run("ListReturnsLinesInAppendOrder", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		// Identical times and IDs in descending order: only the append
		// order can put the lines back as written.
		idList := sortedIDs(7)
		slices.Reverse(idList)
		lines := []*ticket.Event{
			newEvent(tk, ticket.FieldCreated, "", tk.Number, base),
			newEvent(tk, ticket.FieldStatus, "new", "open", base),
			newEvent(tk, ticket.FieldAssignee, "", "agent-7", base),
			newEvent(tk, ticket.FieldPriority, "normal", "high", base),
			newEvent(tk, ticket.FieldCustomPrefix+"store", "Paris", "Lyon", base),
			newEvent(tk, ticket.FieldTags, "vip", "vip,coffee", base),
			newEvent(tk, ticket.FieldStatus, "open", "closed", base),
		}
		for i, e := range lines {
			e.ID = idList[i]
		}
		lines[6].ActorRole, lines[6].ActorID = ticket.RoleSystem, "system"
		require.NoError(t, st.EventCreate(ctx, lines[:5]))
		require.NoError(t, st.EventCreate(ctx, lines[5:]))

		got := history(t, st, tk)
		require.Len(t, got, len(lines))
		for i, want := range lines {
			require.Equal(t, normEvent(want), normEvent(got[i]), "line %d", i)
			requireUTC(t, "At", got[i].At)
		}
	})

	t.Run("ListIsPerTicket", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b := newTicket(tenantA), newTicket(tenantA)
		mustCreate(t, st, a, b)
		a1 := newEvent(a, ticket.FieldCreated, "", a.Number, base)
		b1 := newEvent(b, ticket.FieldCreated, "", b.Number, base)
		a2 := newEvent(a, ticket.FieldStatus, "new", "open", at(time.Minute))
		b2 := newEvent(b, ticket.FieldStatus, "new", "pending", at(time.Minute))
		require.NoError(t, st.EventCreate(ctx, []*ticket.Event{a1, b1}))
		require.NoError(t, st.EventCreate(ctx, []*ticket.Event{b2, a2}))

		require.Equal(t, eventIDs([]*ticket.Event{a1, a2}), eventIDs(history(t, st, a)))
		require.Equal(t, eventIDs([]*ticket.Event{b1, b2}), eventIDs(history(t, st, b)))
	})

	t.Run("ListOfTicketWithoutHistoryIsEmpty", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b := newTicket(tenantA), newTicket(tenantA)
		mustCreate(t, st, a, b)
		require.NoError(t, st.EventCreate(ctx, []*ticket.Event{newEvent(a, ticket.FieldCreated, "", a.Number, base)}))

		require.Len(t, history(t, st, a), 1)
		require.Empty(t, history(t, st, b))
	})

	t.Run("ReturnedEventIsACopy", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		e := newEvent(tk, ticket.FieldStatus, "new", "open", base)
		want := normEvent(e)
		require.NoError(t, st.EventCreate(ctx, []*ticket.Event{e}))
		e.New = "changed"

		got := history(t, st, tk)
		require.Len(t, got, 1)
		require.Equal(t, want, normEvent(got[0]))
		got[0].New = "changed"
		require.Equal(t, want, normEvent(history(t, st, tk)[0]))
	})
}
