package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ticketPurger tests the optional [storage.TicketPurger] (see
// Features.TicketPurger).
func (s suite) ticketPurger(t *testing.T) {
	ctx := context.Background()
	type store interface {
		storage.Store
		storage.TicketPurger
	}
	open := func(t *testing.T) store {
		t.Helper()
		return as[store](t, s.store(t))
	}
	closed := func(d time.Duration) func(*ticket.Ticket) {
		return func(tk *ticket.Ticket) { tk.Status, tk.ClosedAt = "closed", at(d) }
	}
	claim := func(t *testing.T, st store, p storage.ClosedTicketClaimParams) []string {
		t.Helper()
		var got []string
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			tickets, err := as[storage.TicketPurger](t, tx).TicketClaimClosed(ctx, p)
			got = ticketIDs(tickets)
			return err
		}))
		return got
	}

	t.Run("ClaimClosedTakesTicketsPastTheirTenantsCutoffClosedFirst", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		a1, a2, a3 := newTicket(tenantA, closed(3*time.Hour)), newTicket(tenantA, closed(time.Hour)), newTicket(tenantA, closed(10*time.Hour))
		open1 := newTicket(tenantA)
		b1 := newTicket(tenantB, closed(2*time.Hour))
		mustCreate(t, st, a1, a2, a3, open1, b1)
		cut := storage.ClosedTicketClaimParams{Before: at(5 * time.Hour), Limit: 10}
		require.Equal(t, []string{a2.ID, b1.ID, a1.ID}, claim(t, st, cut), "closed before 5h, closed first; open and later ones never")

		cut.Limit = 2
		require.Equal(t, []string{a2.ID, b1.ID}, claim(t, st, cut), "a batch")

		cut.Limit, cut.Exclude = 10, []string{b1.ID}
		require.Equal(t, []string{a2.ID, a1.ID}, claim(t, st, cut), "excluded IDs are passed over")

		own := storage.ClosedTicketClaimParams{Before: at(5 * time.Hour), Limit: 10,
			Tenants: []storage.TenantCutoff{{TenantID: tenantB}}}
		require.Equal(t, []string{a2.ID, a1.ID}, claim(t, st, own), "tenant b keeps its tickets")
		own = storage.ClosedTicketClaimParams{Limit: 10, Tenants: []storage.TenantCutoff{{TenantID: tenantA, Before: at(11 * time.Hour)}}}
		require.Equal(t, []string{a2.ID, a1.ID, a3.ID}, claim(t, st, own), "only tenant a has a period, a longer one")
		require.Empty(t, claim(t, st, storage.ClosedTicketClaimParams{Limit: 10}), "no cutoff, no claim")

		got := claim(t, st, storage.ClosedTicketClaimParams{Before: at(5 * time.Hour), Tenants: []storage.TenantCutoff{{TenantID: tenantA, Before: at(2 * time.Hour)}}})
		require.Equal(t, []string{a2.ID, b1.ID}, got, "tenant a's own shorter cutoff: a1, closed at 3h, stays")
	})

	t.Run("ClaimClosedRefusesBadParams", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			_, err := as[storage.TicketPurger](t, tx).TicketClaimClosed(ctx, storage.ClosedTicketClaimParams{Before: at(0), Limit: -1})
			return err
		})
		require.Error(t, err)
		err = st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			_, err := as[storage.TicketPurger](t, tx).TicketClaimClosed(ctx, storage.ClosedTicketClaimParams{Before: at(0),
				Tenants: []storage.TenantCutoff{{TenantID: tenantA}, {TenantID: tenantA}}})
			return err
		})
		require.Error(t, err)
	})

	// seed stores, about tk, a message with an attachment, a history
	// line, an outbox entry, an inbound record, a watcher, a link to
	// peer, a rating and a time entry, through the optional interfaces
	// the store has.
	seed := func(t *testing.T, st store, tk, peer *ticket.Ticket) {
		t.Helper()
		m := newMessage(tk, ticket.MessageCustomer, time.Minute)
		m.Attachments = []ticket.Attachment{{ID: ids.New(), Name: "a.pdf", Size: 3, Key: "blob-" + tk.ID}}
		require.NoError(t, st.MessageCreate(ctx, m))
		require.NoError(t, st.EventCreate(ctx, []*ticket.Event{newEvent(tk, ticket.FieldStatus, "open", "closed", at(time.Minute))}))
		require.NoError(t, st.OutboxCreate(ctx, []*storage.OutboxEntry{newEntry(tk, "ticket.closed", time.Minute)}))
		if in, ok := st.(storage.InboundStore); ok {
			require.NoError(t, in.InboundRecord(ctx, storage.InboundRecordParams{TenantID: tk.TenantID, Key: "mail-" + tk.ID, TicketID: tk.ID, At: at(0)}))
		}
		if w, ok := st.(storage.WatcherStore); ok {
			require.NoError(t, w.WatcherAdd(ctx, &ticket.Watcher{TenantID: tk.TenantID, TicketID: tk.ID, Kind: ticket.WatcherAgent, Key: "agent-1", CreatedAt: at(0)}))
		}
		if l, ok := st.(storage.LinkStore); ok {
			require.NoError(t, l.LinkCreate(ctx, &ticket.Link{TenantID: tk.TenantID, Type: ticket.LinkRelated, FromID: peer.ID, FromNumber: peer.Number,
				ToID: tk.ID, ToNumber: tk.Number, CreatedAt: at(0)}))
		}
		if r, ok := st.(storage.RatingStore); ok {
			require.NoError(t, r.RatingAdd(ctx, &ticket.Rating{TenantID: tk.TenantID, TicketID: tk.ID, Score: 4, Comment: "fine", CreatedAt: at(time.Hour)}))
		}
		if te, ok := st.(storage.TimeEntryStore); ok {
			require.NoError(t, te.TimeEntryAdd(ctx, &ticket.TimeEntry{ID: ids.New(), TenantID: tk.TenantID, TicketID: tk.ID, AgentID: "agent-1",
				Duration: time.Hour, Date: at(0), CreatedAt: at(0)}))
		}
	}
	// left counts what the store still keeps about tk.
	left := func(t *testing.T, st store, tk *ticket.Ticket) int {
		t.Helper()
		n := 0
		if _, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tk.TenantID, ID: tk.ID}); err == nil {
			n++
		} else {
			require.ErrorIs(t, err, storage.ErrNotFound)
		}
		msgs, err := st.MessageList(ctx, storage.MessageListParams{TenantID: tk.TenantID, TicketID: tk.ID})
		require.NoError(t, err)
		n += len(msgs.Messages)
		hist, err := st.EventList(ctx, storage.EventListParams{TenantID: tk.TenantID, TicketID: tk.ID})
		require.NoError(t, err)
		n += len(hist)
		if w, ok := st.(storage.WatcherStore); ok {
			ws, err := w.WatcherList(ctx, storage.WatcherListParams{TenantID: tk.TenantID, TicketIDs: []string{tk.ID}})
			require.NoError(t, err)
			n += len(ws)
		}
		if l, ok := st.(storage.LinkStore); ok {
			ls, err := l.LinkList(ctx, storage.LinkListParams{TenantID: tk.TenantID, TicketID: tk.ID})
			require.NoError(t, err)
			n += len(ls)
		}
		if r, ok := st.(storage.RatingStore); ok {
			if _, err := r.RatingGet(ctx, storage.RatingGetParams{TenantID: tk.TenantID, TicketID: tk.ID}); err == nil {
				n++
			}
		}
		if te, ok := st.(storage.TimeEntryStore); ok {
			es, err := te.TimeEntryList(ctx, storage.TimeEntryListParams{TenantID: tk.TenantID, TicketID: tk.ID})
			require.NoError(t, err)
			n += len(es)
		}
		if refs, ok := st.(storage.AttachmentRefChecker); ok {
			found, err := refs.AttachmentRefCheck(ctx, storage.AttachmentRefCheckParams{Keys: []string{"blob-" + tk.ID}})
			require.NoError(t, err)
			n += len(found)
		}
		if _, ok := st.(storage.InboundStore); ok {
			// Recording the key again succeeds only once it is gone (and is
			// taken back by the rollback).
			errProbe := errors.New("probe")
			err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				if err := tx.(storage.InboundStore).InboundRecord(ctx, storage.InboundRecordParams{TenantID: tk.TenantID, Key: "mail-" + tk.ID, TicketID: tk.ID, At: at(0)}); err != nil {
					return err
				}
				return errProbe
			})
			if !errors.Is(err, errProbe) {
				require.ErrorIs(t, err, storage.ErrConflict)
				n++
			}
		}
		return n
	}

	t.Run("PurgeDeletesTheTicketsAndAllKeptAboutThemAndNothingElse", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		gone, peer, other := newTicket(tenantA, closed(time.Hour)), newTicket(tenantA), newTicket(tenantB, closed(time.Hour))
		mustCreate(t, st, gone, peer, other)
		seed(t, st, gone, peer)
		seed(t, st, other, other)
		keptBefore := left(t, st, other)
		require.Positive(t, left(t, st, gone))

		var res *storage.TicketPurgeResult
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) (err error) {
			res, err = as[storage.TicketPurger](t, tx).TicketPurge(ctx, storage.TicketPurgeParams{TenantID: tenantA, TicketIDs: []string{gone.ID, other.ID, "unknown"}})
			return err
		}))
		require.Equal(t, storage.TicketPurgeResult{Tickets: 1, Messages: 1, Attachments: 1, Events: 1, BlobKeys: []string{"blob-" + gone.ID}}, *res,
			"tenant a's ticket only: another tenant's ID and unknown IDs are no error")
		require.Zero(t, left(t, st, gone), "nothing of the purged ticket is left")
		require.Equal(t, keptBefore, left(t, st, other), "another tenant's ticket keeps everything")
		_, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: peer.ID})
		require.NoError(t, err, "the linked ticket stays")

		// The number is free again: a new ticket may take it.
		again := newTicket(tenantA, func(tk *ticket.Ticket) { tk.Number = gone.Number })
		mustCreate(t, st, again)
	})

	t.Run("PurgeRolledBackKeepsEverything", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		tk, peer := newTicket(tenantA, closed(time.Hour)), newTicket(tenantA)
		mustCreate(t, st, tk, peer)
		seed(t, st, tk, peer)
		before := left(t, st, tk)
		errRollback := errors.New("rollback")
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			if _, err := as[storage.TicketPurger](t, tx).TicketPurge(ctx, storage.TicketPurgeParams{TenantID: tenantA, TicketIDs: []string{tk.ID}}); err != nil {
				return err
			}
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		require.Equal(t, before, left(t, st, tk))
	})

	t.Run("ConfigTenantListNamesTenantsWithAConfiguration", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		got, err := st.ConfigTenantList(ctx)
		require.NoError(t, err)
		require.Empty(t, got)
		cs, ok := st.(storage.ConfigStore)
		if !ok {
			return
		}
		for _, tenant := range []string{tenantB, tenantA, tenantB} {
			require.NoError(t, cs.TenantConfigCreate(ctx, &storage.TenantConfig{TenantID: tenant, Data: []byte(`{}`), CreatedBy: "admin", CreatedAt: at(0)}))
		}
		got, err = st.ConfigTenantList(ctx)
		require.NoError(t, err)
		require.ElementsMatch(t, []string{tenantA, tenantB}, got)
		require.IsIncreasing(t, got)
	})
}
