package ticketkit_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// mergePair opens a target for customer C-1 and a source for customer
// C-2 (with a contact), each with messages written in turns, the clock
// a minute further for each; it returns them and every message, oldest
// first.
func mergePair(t *testing.T, desk *ticketkit.Desk, bundle *deskBundle) (target, source *ticket.Ticket, all []string) {
	t.Helper()
	ctx := t.Context()
	target = mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "Kettle leaks",
		Customer: ticket.Customer{ID: "C-1", Name: "Jane Roe", Email: "jane@example.com"}, Tags: []string{"kettle"}})
	source = mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "Kettle leaks again",
		Customer: ticket.Customer{ID: "C-2", Name: "John Doe", Email: "john@example.com"},
		Contacts: []ticket.Contact{{Name: "Jo Buyer", Email: "buyer@example.com", Role: "buyer"}}, Tags: []string{"vip"}})
	for i := range 6 {
		bundle.clock.Advance(time.Minute)
		on := []*ticket.Ticket{target, source}[i%2]
		m, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: on.ID, Body: fmt.Sprintf("message %d", i)})
		require.NoError(t, err)
		all = append(all, m.ID)
	}
	bundle.clock.Advance(time.Minute)
	bundle.rec.Reset()
	return target, source, all
}

// threadIDs returns the IDs of a ticket's messages, oldest first.
func threadIDs(t *testing.T, desk *ticketkit.Desk, id string) []string {
	t.Helper()
	page, err := desk.Messages(t.Context(), agent, ticketkit.MessageListParams{TicketID: id, Limit: 500})
	require.NoError(t, err)
	var out []string
	for _, m := range page.Messages {
		out = append(out, m.ID)
	}
	return out
}

// historyLines returns the history lines of a ticket as "field old→new".
func historyLines(t *testing.T, desk *ticketkit.Desk, id string) []string {
	t.Helper()
	events, err := desk.History(t.Context(), agent, id)
	require.NoError(t, err)
	var out []string
	for _, e := range events {
		out = append(out, e.Field+" "+e.Old+"→"+e.New)
	}
	return out
}

func TestDesk_Merge(t *testing.T) {
	t.Parallel()

	t.Run("MovesMessagesInTimeOrderAndClosesTheSource", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, bundle := setupDesk(t, b)
			ctx := t.Context()
			target, source, all := mergePair(t, desk, bundle)

			res, err := desk.Merge(ctx, agent, ticketkit.MergeParams{TargetID: target.ID, SourceIDs: []string{source.ID}, Reason: "duplicate"})
			require.NoError(t, err)
			require.Equal(t, 3, res.Moved)
			require.Equal(t, all, threadIDs(t, desk, target.ID), "every message, in time order")
			require.Empty(t, threadIDs(t, desk, source.ID))

			src, err := desk.Get(ctx, agent, source.ID)
			require.NoError(t, err)
			require.Equal(t, target.ID, src.MergedInto)
			require.Equal(t, ticket.StatusClosed, src.Status)
			require.Equal(t, "duplicate", src.ClosureReason)
			require.Equal(t, bundle.clock.Now().UTC(), src.ClosedAt)
			require.Contains(t, historyLines(t, desk, source.ID), "merged_into →"+target.Number)
			require.Contains(t, historyLines(t, desk, source.ID), "status open→closed")
			require.Contains(t, historyLines(t, desk, target.ID), "merged →"+source.Number)

			tg, err := desk.Get(ctx, agent, target.ID)
			require.NoError(t, err)
			require.Equal(t, "C-1", tg.Customer.ID, "the target keeps its customer")
			require.Equal(t, []ticket.Contact{
				{Name: "John Doe", Email: "john@example.com", Role: "customer of " + source.Number},
				{Name: "Jo Buyer", Email: "buyer@example.com", Role: "buyer"},
			}, tg.Contacts)
			require.Equal(t, []string{"kettle", "vip"}, tg.Tags)
			require.Equal(t, res.Target.Version, tg.Version)

			// One merge notice per customer, and nothing else: no "closed".
			require.Equal(t, []notify.Kind{notify.KindMerged, notify.KindMerged}, bundle.rec.Kinds())
			notices := bundle.rec.Events()
			require.Equal(t, target.ID, notices[0].Ticket.ID)
			require.Equal(t, source.ID, notices[1].Ticket.ID)
			require.Empty(t, notices[0].From, "the target's customer does not learn another customer's number")
			require.Equal(t, source.Number, notices[1].From)
			for _, e := range notices {
				require.Equal(t, target.Number, e.To)
			}
		})
	})

	t.Run("TheMergedNumberResolvesAndMessagesReachTheTarget", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, bundle := setupDesk(t, b)
			ctx := t.Context()
			target, source, _ := mergePair(t, desk, bundle)
			_, err := desk.Merge(ctx, agent, ticketkit.MergeParams{TargetID: target.ID, SourceIDs: []string{source.ID}})
			require.NoError(t, err)

			got, err := desk.GetByNumber(ctx, agent, strings.ToLower(source.Number))
			require.NoError(t, err)
			require.Equal(t, target.ID, got.ID)
			require.NotEqual(t, source.Number, got.Number, "how the caller tells it was merged")

			bundle.rec.Reset()
			m, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: source.ID, Body: "late answer"})
			require.NoError(t, err)
			require.Equal(t, target.ID, m.TicketID)
			require.Contains(t, threadIDs(t, desk, target.ID), m.ID)
			require.Equal(t, []notify.Kind{notify.KindMessageAdded}, bundle.rec.Kinds(), "one notice, on the target")

			// The source's customer (C-2) may not see C-1's ticket.
			john := ticketkit.Actor{ID: "john", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "C-2"}
			_, err = desk.Reply(ctx, john, ticketkit.MessageParams{TicketID: source.ID, Body: "me again"})
			require.ErrorIs(t, err, ticketkit.ErrMerged)
			own, err := desk.GetByNumber(ctx, john, source.Number)
			require.NoError(t, err)
			require.Equal(t, source.ID, own.ID, "a customer who may not see the target gets the merged ticket")
			require.Empty(t, own.MergedInto, "nor learns its ID")

			_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: source.ID, To: ticket.StatusInProgress})
			require.ErrorIs(t, err, ticketkit.ErrMerged)
		})
	})

	t.Run("SameCustomerGetsOneNoticeForManySources", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setupDesk(t, memoryBackend())
		jane := ticket.Customer{ID: "C-1", Name: "Jane Roe", Email: "jane@example.com"}
		target := mustOpen(t, desk, agent, ticketkit.OpenParams{Customer: jane})
		s1 := mustOpen(t, desk, agent, ticketkit.OpenParams{Customer: jane})
		s2 := mustOpen(t, desk, agent, ticketkit.OpenParams{Customer: jane})
		s3 := mustOpen(t, desk, agent, ticketkit.OpenParams{Customer: ticket.Customer{ID: "C-3", Email: "c3@example.com"}})
		s4 := mustOpen(t, desk, agent, ticketkit.OpenParams{Customer: ticket.Customer{ID: "C-3", Email: "c3@example.com"}})
		bundle.rec.Reset()
		_, err := desk.Merge(t.Context(), super, ticketkit.MergeParams{TargetID: target.ID, SourceIDs: []string{s1.ID, s3.ID, s2.ID, s4.ID}})
		require.NoError(t, err)
		events := bundle.rec.Events()
		require.Len(t, events, 2)
		require.Equal(t, target.ID, events[0].Ticket.ID)
		require.Equal(t, s1.Number+", "+s2.Number, events[0].From, "Jane's own, not C-3's")
		require.Equal(t, s3.ID, events[1].Ticket.ID)
		require.Equal(t, s3.Number+", "+s4.Number, events[1].From)
		tg, err := desk.Get(t.Context(), agent, target.ID)
		require.NoError(t, err)
		require.Len(t, tg.Contacts, 1, "C-3 once, Jane not as her own contact")
	})

	t.Run("RefusesWithClearErrors", func(t *testing.T) {
		t.Parallel()
		cd, complaint := setupComplaint(t, memoryBackend())
		desk := cd.desk
		ctx := t.Context()
		a := mustOpen(t, desk, agent, ticketkit.OpenParams{})
		bt := mustOpen(t, desk, agent, ticketkit.OpenParams{})
		c := mustOpen(t, desk, agent, ticketkit.OpenParams{})
		other := mustOpen(t, desk, otherOrg, ticketkit.OpenParams{})
		_, err := desk.Merge(ctx, agent, ticketkit.MergeParams{TargetID: c.ID, SourceIDs: []string{bt.ID}})
		require.NoError(t, err)

		fieldOf := func(t *testing.T, err error, field, rule string) {
			t.Helper()
			var v *ticketkit.ValidationError
			require.ErrorAs(t, err, &v)
			require.True(t, slices.ContainsFunc(v.Fields, func(f ticketkit.FieldError) bool { return f.Field == field && f.Rule == rule }), "%v", v.Fields)
		}
		many := make([]string, 10_000)
		for i := range many {
			many[i] = fmt.Sprintf("id-%d", i)
		}
		for _, tc := range []struct {
			name        string
			actor       ticketkit.Actor
			p           ticketkit.MergeParams
			is          error
			field, rule string
		}{
			{"Self", agent, ticketkit.MergeParams{TargetID: a.ID, SourceIDs: []string{a.ID}}, ticketkit.ErrCannotMerge, "source_ids[0]", "self"},
			{"IntoAMergedTicket", agent, ticketkit.MergeParams{TargetID: bt.ID, SourceIDs: []string{a.ID}}, ticketkit.ErrMerged, "target_id", "merged"},
			{"AMergedSource", agent, ticketkit.MergeParams{TargetID: a.ID, SourceIDs: []string{bt.ID}}, ticketkit.ErrMerged, "source_ids[0]", "merged"},
			{"AComplaint", agent, ticketkit.MergeParams{TargetID: a.ID, SourceIDs: []string{complaint.ID}}, ticketkit.ErrComplaint, "source_ids[0]", "complaint"},
			{"IntoAComplaint", agent, ticketkit.MergeParams{TargetID: complaint.ID, SourceIDs: []string{a.ID}}, ticketkit.ErrComplaint, "target_id", "complaint"},
			{"Customer", customer, ticketkit.MergeParams{TargetID: a.ID, SourceIDs: []string{c.ID}}, ticketkit.ErrForbidden, "", ""},
			{"System", ticket.SystemActor("acme"), ticketkit.MergeParams{TargetID: a.ID, SourceIDs: []string{c.ID}}, ticketkit.ErrForbidden, "", ""},
			{"UnknownSource", agent, ticketkit.MergeParams{TargetID: a.ID, SourceIDs: []string{"no-such-id"}}, ticketkit.ErrNotFound, "", ""},
			{"OtherTenantsSource", agent, ticketkit.MergeParams{TargetID: a.ID, SourceIDs: []string{other.ID}}, ticketkit.ErrNotFound, "", ""},
			{"OtherTenantsTarget", agent, ticketkit.MergeParams{TargetID: other.ID, SourceIDs: []string{a.ID}}, ticketkit.ErrNotFound, "", ""},
			{"NoSources", agent, ticketkit.MergeParams{TargetID: a.ID}, nil, "source_ids", "required"},
			{"TenThousandSources", agent, ticketkit.MergeParams{TargetID: a.ID, SourceIDs: many}, nil, "source_ids", "max"},
			{"Twice", agent, ticketkit.MergeParams{TargetID: a.ID, SourceIDs: []string{c.ID, c.ID}}, nil, "source_ids[1]", "unique"},
			{"NulByte", agent, ticketkit.MergeParams{TargetID: "a\x00b", SourceIDs: []string{c.ID, "x\x00"}}, nil, "source_ids[1]", "nul"},
			{"StaleVersion", agent, ticketkit.MergeParams{TargetID: a.ID, SourceIDs: []string{c.ID}, Version: a.Version + 5}, ticketkit.ErrConflict, "", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := desk.Merge(ctx, tc.actor, tc.p)
				require.Error(t, err)
				if tc.is != nil {
					require.ErrorIs(t, err, tc.is)
				}
				if tc.field != "" {
					fieldOf(t, err, tc.field, tc.rule)
				}
			})
		}
		// Nothing of the refused merges happened.
		for _, tk := range []*ticket.Ticket{a, c, complaint.Ticket.Clone()} {
			got, err := desk.Get(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Empty(t, got.MergedInto)
		}
	})

	t.Run("HostRollbackLeavesNothing", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, bundle := setupDesk(t, b)
			ctx := t.Context()
			target, source, all := mergePair(t, desk, bundle)
			before := historyLines(t, desk, target.ID)
			boom := errors.New("host fails after the merge")
			err := bundle.store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				res, err := desk.MergeTx(ctx, tx, agent, ticketkit.MergeParams{TargetID: target.ID, SourceIDs: []string{source.ID}})
				require.NoError(t, err)
				require.Equal(t, 3, res.Moved)
				return boom
			})
			require.ErrorIs(t, err, boom)
			require.Len(t, threadIDs(t, desk, source.ID), 3)
			require.Len(t, threadIDs(t, desk, target.ID), 3)
			both := append(threadIDs(t, desk, target.ID), threadIDs(t, desk, source.ID)...)
			require.ElementsMatch(t, all, both)
			src, err := desk.Get(ctx, agent, source.ID)
			require.NoError(t, err)
			require.Empty(t, src.MergedInto)
			require.Equal(t, source.Status, src.Status)
			require.Equal(t, before, historyLines(t, desk, target.ID))
			require.Zero(t, bundle.rec.Len(), "nothing announced")
			pending, err := bundle.store.OutboxClaim(ctx, storage.OutboxClaimParams{Now: bundle.clock.Now().Add(time.Hour), Limit: 100, LockFor: time.Minute, MaxAttempts: 10})
			require.NoError(t, err)
			for _, e := range pending {
				require.NotEqual(t, string(notify.KindMerged), e.Kind)
			}
		})
	})

	t.Run("CrossingMergesNeitherDeadlockNorLoseMessages", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, bundle := setupDesk(t, b)
			ctx := t.Context()
			const pairs = 6
			type pair struct{ a, b *ticket.Ticket }
			ps := make([]pair, pairs)
			for i := range ps {
				ps[i] = pair{mustOpen(t, desk, agent, ticketkit.OpenParams{Message: "a"}), mustOpen(t, desk, agent, ticketkit.OpenParams{Message: "b"})}
			}
			bundle.clock.Advance(time.Minute)
			const replies = 2 // per ticket, while the merges run
			var wg sync.WaitGroup
			errs := make([][2]error, pairs)
			replyErrs := make(chan error, pairs*2*replies)
			for i, p := range ps {
				for j, m := range []ticketkit.MergeParams{
					{TargetID: p.a.ID, SourceIDs: []string{p.b.ID}},
					{TargetID: p.b.ID, SourceIDs: []string{p.a.ID}},
				} {
					wg.Go(func() { _, errs[i][j] = desk.Merge(ctx, agent, m) })
				}
				for _, id := range []string{p.a.ID, p.b.ID} {
					wg.Go(func() {
						for range replies {
							_, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: id, Body: "meanwhile"})
							replyErrs <- err
						}
					})
				}
			}
			wg.Wait()
			close(replyErrs)
			for err := range replyErrs {
				require.NoError(t, err)
			}
			for i, p := range ps {
				ok := 0
				for _, err := range errs[i] {
					if err == nil {
						ok++
					} else {
						require.ErrorIs(t, err, ticketkit.ErrMerged)
					}
				}
				require.Equal(t, 1, ok, "pair %d: exactly one merge wins", i)
				a, b := threadIDs(t, desk, p.a.ID), threadIDs(t, desk, p.b.ID)
				require.Len(t, append(a, b...), 2+2*replies, "pair %d: no message lost", i)
				require.True(t, len(a) == 0 || len(b) == 0, "pair %d: every message on the target", i)
			}
		})
	})
}
