package ticketkit_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// Deadlines of complaint actions in business hours and "action overdue"
// notices (issue 13, item 16), on every backend.

// friday16 is Friday 5 June 2026, 16:00 UTC: an hour before the weekend
// of overdueCalendar.
var friday16 = time.Date(2026, 6, 5, 16, 0, 0, 0, time.UTC)

// overdueCalendar is open 09:00-17:00 UTC on weekdays.
func overdueCalendar(t testing.TB) *workflow.Calendar {
	t.Helper()
	day := []workflow.Window{{Start: "09:00", End: "17:00"}}
	cal, err := workflow.NewCalendar(workflow.CalendarSpec{Name: "office", Week: map[string][]workflow.Window{
		"mon": day, "tue": day, "wed": day, "thu": day, "fri": day,
	}})
	require.NoError(t, err)
	return cal
}

// overdueDirectory knows every user (qa-1 reads French) and the super
// user "boss".
type overdueDirectory struct{}

func (overdueDirectory) User(_ context.Context, _, userID string) (notify.Recipient, error) {
	r := notify.Recipient{Address: userID + "@acme.example", UserID: userID}
	if userID == "qa-1" {
		r.Locale = "fr"
	}
	return r, nil
}

func (overdueDirectory) Role(_ context.Context, _, role string) ([]notify.Recipient, error) {
	if role != string(ticket.RoleSupervisor) {
		return nil, nil
	}
	return []notify.Recipient{{Address: "boss@acme.example", UserID: "boss"}}, nil
}

// overdueDesk is a Desk with complaints whose containment actions are
// due 24 business hours after they are added on overdueCalendar, no
// SLA, a fake clock at friday16 and a mailbox that renders each
// notification for its recipients.
type overdueDesk struct {
	desk  *ticketkit.Desk
	store storage.Store
	clock *clock.Fake
	mail  *notifytest.Mailbox
}

func newOverdueDesk(t testing.TB, store storage.Store, mods ...func(*ticketkit.Config)) *overdueDesk {
	t.Helper()
	od := &overdueDesk{store: store, clock: clock.NewFake(friday16)}
	od.mail = notifytest.NewMailbox(&notify.Resolver{Directory: overdueDirectory{}}, nil, nil)
	cfg := ticketkit.Config{Store: store, Clock: od.clock, Notifier: od.mail,
		Complaints: &ticketkit.ComplaintConfig{Deadlines: ticketkit.ActionDeadlines{
			Calendar: overdueCalendar(t),
			ByType:   map[ticket.ActionType]time.Duration{ticket.ActionContainment: 24 * time.Hour},
		}}}
	for _, m := range mods {
		m(&cfg)
	}
	desk, err := ticketkit.New(cfg)
	require.NoError(t, err)
	od.desk = desk
	return od
}

// open opens a complaint in category (empty: one without template
// actions).
func (od *overdueDesk) open(t testing.TB, category string) *ticket.Complaint {
	t.Helper()
	c, err := od.desk.ComplaintOpen(t.Context(), agent, ticketkit.ComplaintOpenParams{
		Subject: "Leaking kettles", Category: cmpOr(category, ticket.CategoryComplaint), Customer: ticket.Customer{ID: "C-1"},
		RemedySought: ticket.RemedyCreditNote,
	})
	require.NoError(t, err)
	return c
}

// plan changes c's plan and returns the complaint.
func (od *overdueDesk) plan(t testing.TB, c *ticket.Complaint, p ticketkit.ComplaintPlanParams) *ticket.Complaint {
	t.Helper()
	p.ComplaintID = c.ID
	c, err := od.desk.ComplaintPlan(t.Context(), agent, p)
	require.NoError(t, err)
	return c
}

// sweep runs one escalation sweep and returns how many actions it
// announced as overdue.
func (od *overdueDesk) sweep(t testing.TB) int {
	t.Helper()
	res, err := od.desk.RunEscalations(t.Context())
	require.NoError(t, err)
	require.Zero(t, res.Tickets, "no SLA: no ticket is swept")
	return res.OverdueActions
}

// mails returns the mails so far as "address: subject" and forgets them.
func (od *overdueDesk) mails() []string {
	var out []string
	for _, m := range od.mail.Mails() {
		out = append(out, m.To.Address+": "+m.Subject)
	}
	od.mail.Reset()
	return out
}

// overdueLines returns c's "action overdue" history lines.
func (od *overdueDesk) overdueLines(t testing.TB, c *ticket.Complaint) []string {
	t.Helper()
	events, err := od.desk.History(t.Context(), agent, c.ID)
	require.NoError(t, err)
	var out []string
	for _, e := range events {
		if e.Field == ticketkit.FieldActionOverdue {
			out = append(out, e.New)
		}
	}
	return out
}

// actionByTitle returns c's action with the title.
func actionByTitle(t testing.TB, c *ticket.Complaint, title string) ticket.Action {
	t.Helper()
	for _, a := range c.Actions {
		if a.Title == title {
			return a
		}
	}
	require.FailNow(t, "no action "+title)
	return ticket.Action{}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// TestDesk_ComplaintActionDeadlines: the due dates ComplaintOpen and
// ComplaintPlan give actions from ComplaintConfig.Deadlines.
func TestDesk_ComplaintActionDeadlines(t *testing.T) {
	t.Parallel()

	// BusinessHours: deadlines count business hours across the weekend,
	// for typed actions and template actions; an explicit due date wins,
	// a cleared one stays cleared, and a type given later counts from
	// then.
	t.Run("BusinessHours", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			od := newOverdueDesk(t, b.Open(t))
			c := od.open(t, ticket.CategoryDefect)
			// Friday 16:00 + 48 business hours: 1 on Friday, 8 a day to
			// Friday 12 (41), 7 on Monday 15.
			require.Equal(t, time.Date(2026, 6, 15, 16, 0, 0, 0, time.UTC), actionByTitle(t, c, "Inspect the returned goods").DueAt)
			// + 120: 1 + 14 days of 8 (113) to Thursday 25, 7 on Friday 26.
			require.Equal(t, time.Date(2026, 6, 26, 16, 0, 0, 0, time.UTC), actionByTitle(t, c, "Check the batch for further defects").DueAt)

			explicit := friday16.Add(2 * time.Hour)
			c = od.plan(t, c, ticketkit.ComplaintPlanParams{Add: []ticketkit.ActionInput{
				{Title: "Block batch B-7", Owner: "qa-1", Type: ticket.ActionContainment},
				{Title: "Explicit", Type: ticket.ActionContainment, DueAt: explicit},
				{Title: "Corrective", Type: ticket.ActionCorrective},
				{Title: "Plain"},
			}})
			// Friday 16:00 + 24 business hours: 1 on Friday, 8 on Monday
			// and Tuesday, 7 on Wednesday.
			require.Equal(t, time.Date(2026, 6, 10, 16, 0, 0, 0, time.UTC), actionByTitle(t, c, "Block batch B-7").DueAt)
			require.Equal(t, explicit, actionByTitle(t, c, "Explicit").DueAt, "an explicit due date wins")
			require.True(t, actionByTitle(t, c, "Corrective").DueAt.IsZero(), "no deadline for the type")
			require.True(t, actionByTitle(t, c, "Plain").DueAt.IsZero())

			// Monday 10:00: the plain action becomes a containment, due
			// 24 business hours from now; clearing the due date of the
			// first leaves it cleared.
			od.clock.Set(time.Date(2026, 6, 8, 10, 0, 0, 0, time.UTC))
			plain, block := actionByTitle(t, c, "Plain"), actionByTitle(t, c, "Block batch B-7")
			c = od.plan(t, c, ticketkit.ComplaintPlanParams{Change: []ticketkit.ActionChange{
				{ID: plain.ID, Type: new(ticket.ActionContainment)},
				{ID: block.ID, DueAt: new(time.Time{})},
			}})
			require.Equal(t, time.Date(2026, 6, 11, 10, 0, 0, 0, time.UTC), actionByTitle(t, c, "Plain").DueAt)
			require.True(t, actionByTitle(t, c, "Block batch B-7").DueAt.IsZero(), "a cleared due date stays cleared")

			got, err := od.desk.ComplaintGet(t.Context(), agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, time.Date(2026, 6, 11, 10, 0, 0, 0, time.UTC), actionByTitle(t, got, "Plain").DueAt, "stored")
		})
	})

	// ConfigIsValidated: each bad field of ComplaintConfig.Deadlines is
	// reported by name, all at once.
	t.Run("ConfigIsValidated", func(t *testing.T) {
		t.Parallel()
		store := memory.New()
		_, err := ticketkit.New(ticketkit.Config{Store: store, Complaints: &ticketkit.ComplaintConfig{Deadlines: ticketkit.ActionDeadlines{
			Calendar: overdueCalendar(t), CalendarName: "office",
			ByType: map[ticket.ActionType]time.Duration{ticket.ActionCorrective: 0, "bogus": time.Hour, ticket.ActionPreventive: -time.Hour},
		}}})
		require.ErrorContains(t, err, "Config.Complaints.Deadlines: set Calendar or CalendarName, not both")
		require.ErrorContains(t, err, "Config.Complaints.Deadlines.ByType[corrective] must be positive")
		require.ErrorContains(t, err, "Config.Complaints.Deadlines.ByType[preventive] must be positive")
		require.ErrorContains(t, err, `Config.Complaints.Deadlines.ByType: "bogus" is not an action type`)

		_, err = ticketkit.New(ticketkit.Config{Store: store, Complaints: &ticketkit.ComplaintConfig{Deadlines: ticketkit.ActionDeadlines{CalendarName: "office"}}})
		require.ErrorContains(t, err, `Config.Complaints.Deadlines.CalendarName "office" needs Config.SLA`)

		sla, err := workflow.NewSLA(workflow.SLAConfig{
			Calendars: []workflow.CalendarSpec{{Name: "office", Week: map[string][]workflow.Window{"mon": {{Start: "09:00", End: "17:00"}}}}},
			Policies:  []workflow.Policy{{Name: "std", Calendar: "office", Targets: workflow.Targets{Resolution: workflow.Duration(8 * time.Hour)}}},
		}, nil)
		require.NoError(t, err)
		_, err = ticketkit.New(ticketkit.Config{Store: store, SLA: sla, Complaints: &ticketkit.ComplaintConfig{Deadlines: ticketkit.ActionDeadlines{CalendarName: "nope"}}})
		require.ErrorContains(t, err, `Config.Complaints.Deadlines.CalendarName "nope" is not a calendar of Config.SLA`)

		// The SLA's calendar: Monday 09:00-17:00 only. A containment added
		// on Friday 16:00 with 4 business hours is due on Monday 13:00.
		clk := clock.NewFake(friday16)
		desk, err := ticketkit.New(ticketkit.Config{Store: store, SLA: sla, Clock: clk, Complaints: &ticketkit.ComplaintConfig{Deadlines: ticketkit.ActionDeadlines{
			CalendarName: "office", ByType: map[ticket.ActionType]time.Duration{ticket.ActionContainment: 4 * time.Hour},
		}}})
		require.NoError(t, err)
		od := &overdueDesk{desk: desk, store: store, clock: clk}
		c := od.plan(t, od.open(t, ""), ticketkit.ComplaintPlanParams{Add: []ticketkit.ActionInput{{Title: "Block", Type: ticket.ActionContainment}}})
		require.Equal(t, time.Date(2026, 6, 8, 13, 0, 0, 0, time.UTC), actionByTitle(t, c, "Block").DueAt)

		// An escalation worker runs on a Desk with complaints and no SLA.
		_, err = ticketkit.NewEscalationWorker(ticketkit.EscalationWorkerConfig{Desk: newOverdueDesk(t, memory.New()).desk})
		require.NoError(t, err)
	})
}

// overdueHidingStore keeps complaints and overdue marks, but its RunInTx
// hands out a Tx without either, as a decorator that does not forward
// optional capabilities does.
type overdueHidingStore struct {
	txHidingStore
	storage.ComplaintOverdueStore
}

// TestDesk_ComplaintActionOverdue: the "action overdue" notices the
// escalation sweep (Desk.RunEscalations) sends.
func TestDesk_ComplaintActionOverdue(t *testing.T) {
	t.Parallel()

	// NotifiesOncePerDueDate: an open action past its due date is
	// announced once, to its owner (in their language) and the super
	// users, with a history line, however many sweeps run; a done action
	// never is; a new due date re-arms it. The sweep runs without
	// Config.SLA and leaves the complaint's version as it was.
	t.Run("NotifiesOncePerDueDate", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			od := newOverdueDesk(t, b.Open(t))
			c := od.open(t, "")
			c = od.plan(t, c, ticketkit.ComplaintPlanParams{Add: []ticketkit.ActionInput{
				{Title: "Block batch B-7", Owner: "qa-1", Type: ticket.ActionContainment}, // due Wednesday 10 16:00
				{Title: "Call the carrier", Owner: "qa-2", DueAt: time.Date(2026, 6, 8, 10, 0, 0, 0, time.UTC)},
				{Title: "Credit check", Owner: "qa-3", DueAt: time.Date(2026, 6, 9, 9, 0, 0, 0, time.UTC)},
			}})
			c = od.plan(t, c, ticketkit.ComplaintPlanParams{Change: []ticketkit.ActionChange{
				{ID: actionByTitle(t, c, "Call the carrier").ID, Done: new(true)},
			}})
			od.mails()

			od.clock.Set(time.Date(2026, 6, 8, 12, 0, 0, 0, time.UTC))
			require.Zero(t, od.sweep(t), "the done action never fires; the others are not due")

			od.clock.Set(time.Date(2026, 6, 10, 16, 0, 0, 0, time.UTC))
			require.Equal(t, 2, od.sweep(t))
			mails := od.mails()
			require.ElementsMatch(t, []string{
				"qa-1@acme.example: [" + c.Number + "] Action de réclamation en retard : Leaking kettles",
				"boss@acme.example: [" + c.Number + "] Complaint action overdue: Leaking kettles",
				"qa-3@acme.example: [" + c.Number + "] Complaint action overdue: Leaking kettles",
				"boss@acme.example: [" + c.Number + "] Complaint action overdue: Leaking kettles",
			}, mails)
			require.Zero(t, od.sweep(t), "once per due date")
			require.Zero(t, od.sweep(t))
			require.Empty(t, od.mails())
			require.Equal(t, []string{
				"Block batch B-7 (" + actionByTitle(t, c, "Block batch B-7").ID + "): due 2026-06-10T16:00:00Z, not done",
				"Credit check (" + actionByTitle(t, c, "Credit check").ID + "): due 2026-06-09T09:00:00Z, not done",
			}, slices.Sorted(slices.Values(od.overdueLines(t, c))))

			got, err := od.desk.ComplaintGet(t.Context(), agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, c.Version, got.Version, "a notice is no edit")
			theirs, err := od.desk.History(t.Context(), customer, c.ID)
			require.NoError(t, err)
			require.NotEmpty(t, theirs)
			for _, e := range theirs {
				require.NotEqual(t, ticketkit.FieldActionOverdue, e.Field, "the customer does not see the help desk's overdue actions")
			}

			// A new due date re-arms the action; the stale read still saves.
			credit := actionByTitle(t, c, "Credit check")
			c = od.plan(t, c, ticketkit.ComplaintPlanParams{Version: c.Version, Change: []ticketkit.ActionChange{
				{ID: credit.ID, DueAt: new(time.Date(2026, 6, 11, 12, 0, 0, 0, time.UTC))},
			}})
			require.Zero(t, od.sweep(t), "not due again yet")
			od.clock.Set(time.Date(2026, 6, 11, 12, 0, 0, 0, time.UTC))
			require.Equal(t, 1, od.sweep(t))
			require.Zero(t, od.sweep(t))
			require.ElementsMatch(t, []string{
				"qa-3@acme.example: [" + c.Number + "] Complaint action overdue: Leaking kettles",
				"boss@acme.example: [" + c.Number + "] Complaint action overdue: Leaking kettles",
			}, od.mails())
			require.Len(t, od.overdueLines(t, c), 3)

			// Done actions stay quiet whatever their due date.
			c = od.plan(t, c, ticketkit.ComplaintPlanParams{Change: []ticketkit.ActionChange{
				{ID: credit.ID, Done: new(true), DueAt: new(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))},
			}})
			require.Zero(t, od.sweep(t))
			require.Len(t, od.overdueLines(t, c), 3)
		})
	})

	// FrenchTemplateAndFacts renders the overdue notice the owner reads
	// in French, with the action's facts.
	t.Run("FrenchTemplateAndFacts", func(t *testing.T) {
		t.Parallel()
		od := newOverdueDesk(t, memory.New())
		c := od.plan(t, od.open(t, ""), ticketkit.ComplaintPlanParams{Add: []ticketkit.ActionInput{
			{Title: "Block batch B-7", Owner: "qa-1", Type: ticket.ActionContainment},
		}})
		od.mails()
		od.clock.Set(time.Date(2026, 6, 10, 16, 0, 0, 0, time.UTC))
		require.Equal(t, 1, od.sweep(t))
		fr := od.mail.To("qa-1@acme.example")
		require.Len(t, fr, 1)
		m := fr[0]
		require.Equal(t, notify.KindComplaintActionOverdue, m.Event.Kind)
		require.Equal(t, notify.AudienceActionOwner, m.To.Audience)
		require.Equal(t, c.Actions[0].ID, m.Event.Complaint.Action.ID)
		require.Contains(t, m.Text, "L'action « Block batch B-7 » de la réclamation "+c.Number)
		require.Contains(t, m.Text, "n'est pas terminée")
		require.Contains(t, m.HTML, "Block batch B-7")
		boss := od.mail.To("boss@acme.example")
		require.Len(t, boss, 1)
		require.Equal(t, notify.AudienceSuperUser, boss[0].To.Audience)
		require.Contains(t, boss[0].Text, `The action "Block batch B-7" of complaint `+c.Number)
		require.Contains(t, boss[0].Text, "Owner: qa-1")
	})

	// HostRollbackAnnouncesNothing: a due date changed in a host
	// transaction that rolls back leaves the action as it was, marked; a
	// sweep inside a host transaction that rolls back announces nothing
	// and marks nothing, so that the next sweep announces the action
	// once.
	t.Run("HostRollbackAnnouncesNothing", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			od := newOverdueDesk(t, b.Open(t))
			c := od.plan(t, od.open(t, ""), ticketkit.ComplaintPlanParams{Add: []ticketkit.ActionInput{
				{Title: "Block batch B-7", Owner: "qa-1", Type: ticket.ActionContainment},
			}})
			od.clock.Set(time.Date(2026, 6, 10, 16, 0, 0, 0, time.UTC))
			require.Equal(t, 1, od.sweep(t))
			od.mails()

			err := hostTx(t, od.store)(ctx, func(ctx context.Context, tx storage.Tx) error {
				_, err := od.desk.ComplaintPlanTx(ctx, tx, agent, ticketkit.ComplaintPlanParams{ComplaintID: c.ID, Change: []ticketkit.ActionChange{
					{ID: c.Actions[0].ID, DueAt: new(time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC))},
				}})
				require.NoError(t, err)
				return errHostRollback
			})
			require.ErrorIs(t, err, errHostRollback)
			require.Zero(t, od.sweep(t), "the rolled back due date did not re-arm the action")
			require.Empty(t, od.mails())

			bs, ok := od.store.(*bunstore.Store)
			if !ok {
				return // the memory store has no store inside a host's transaction
			}
			c = od.plan(t, c, ticketkit.ComplaintPlanParams{Change: []ticketkit.ActionChange{
				{ID: c.Actions[0].ID, DueAt: new(time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC))},
			}})
			db, err := bunstore.TxDB(bs)
			require.NoError(t, err)
			err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				inTx := newOverdueDesk(t, bs.WithTx(tx))
				inTx.clock.Set(od.clock.Now())
				require.Equal(t, 1, inTx.sweep(t))
				require.Empty(t, inTx.mails(), "nothing is announced inside the host's transaction")
				return errHostRollback
			})
			require.ErrorIs(t, err, errHostRollback)
			require.Zero(t, overdueNotices(t, od.store)[string(notify.KindComplaintActionOverdue)], "the host rolled the notices back")
			require.Len(t, od.overdueLines(t, c), 1, "and the history line")
			require.Equal(t, 1, od.sweep(t), "and the mark")
			require.Len(t, od.mails(), 2)
		})
	})

	// StoreWithoutTheCapability: a store without overdue marks announces
	// no overdue action and fails no sweep; a store whose transactions
	// lose the capability is an error wrapping storage.ErrUnsupported,
	// not a panic.
	t.Run("StoreWithoutTheCapability", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		st := memory.New()
		od := newOverdueDesk(t, st)
		od.plan(t, od.open(t, ""), ticketkit.ComplaintPlanParams{Add: []ticketkit.ActionInput{{Title: "Block", Type: ticket.ActionContainment}}})
		od.clock.Set(time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC))

		without := newOverdueDesk(t, txHidingStore{Store: st, ComplaintStore: st})
		without.clock.Set(od.clock.Now())
		res, err := without.desk.RunEscalations(ctx)
		require.NoError(t, err)
		require.Zero(t, res.OverdueActions)

		hiding := newOverdueDesk(t, overdueHidingStore{txHidingStore{Store: st, ComplaintStore: st}, st})
		hiding.clock.Set(od.clock.Now())
		require.NotPanics(t, func() { _, err = hiding.desk.RunEscalations(ctx) })
		require.ErrorIs(t, err, storage.ErrComplaintOverdueUnsupported)
		require.ErrorIs(t, err, storage.ErrUnsupported)

		require.Equal(t, 1, od.sweep(t), "the store itself still has the action to announce")
	})
}
