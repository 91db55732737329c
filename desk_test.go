package ticketkit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

var (
	t0       = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	agent    = ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "acme"}
	super    = ticketkit.Actor{ID: "boss", Role: ticket.RoleSupervisor, TenantID: "acme"}
	customer = ticketkit.Actor{ID: "cust-user", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "C-1"}
	stranger = ticketkit.Actor{ID: "other-user", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "C-2"}
	otherOrg = ticketkit.Actor{ID: "agent-9", Role: ticket.RoleAgent, TenantID: "globex"}
)

// fixture is a desk on a memory store with a fake clock and a recorder.
type fixture struct {
	desk  *ticketkit.Desk
	store storage.Store
	clock *clock.Fake
	rec   *notifytest.Recorder
	blobs *blob.Memory
}

func newFixture(t *testing.T, mods ...func(*ticketkit.Config)) *fixture {
	t.Helper()
	f := &fixture{
		store: memory.New(),
		clock: clock.NewFake(t0),
		rec:   notifytest.NewRecorder(),
		blobs: blob.NewMemory(blob.Config{MaxSize: 1024}),
	}
	cfg := ticketkit.Config{Store: f.store, Clock: f.clock, Notifier: f.rec, Blobs: f.blobs}
	for _, m := range mods {
		m(&cfg)
	}
	desk, err := ticketkit.New(cfg)
	require.NoError(t, err)
	f.desk = desk
	return f
}

func (f *fixture) open(t *testing.T, a ticketkit.Actor, p ticketkit.OpenParams) *ticket.Ticket {
	t.Helper()
	if p.Subject == "" {
		p.Subject = "Kettle broken"
	}
	tk, err := f.desk.Open(context.Background(), a, p)
	require.NoError(t, err)
	return tk
}

func (f *fixture) move(t *testing.T, a ticketkit.Actor, id, to, reason string) *ticket.Ticket {
	t.Helper()
	tk, err := f.desk.Transition(context.Background(), a, ticketkit.TransitionParams{TicketID: id, To: to, Reason: reason})
	require.NoError(t, err)
	return tk
}

func validationFields(t *testing.T, err error) []string {
	t.Helper()
	var v *ticketkit.ValidationError
	require.ErrorAs(t, err, &v)
	names := make([]string, len(v.Fields))
	for i, fe := range v.Fields {
		names[i] = fe.Field
	}
	return names
}

func TestNewRequiresStore(t *testing.T) {
	t.Parallel()
	_, err := ticketkit.New(ticketkit.Config{})
	require.ErrorContains(t, err, "Store")
}

func TestOpenNumbersAndDefaults(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a := f.open(t, agent, ticketkit.OpenParams{Category: ticket.CategoryQuestion})
	b := f.open(t, agent, ticketkit.OpenParams{Subject: "Second"})

	require.Equal(t, "TK-2026-000001", a.Number)
	require.Equal(t, "TK-2026-000002", b.Number)
	require.Equal(t, ticket.StatusOpen, a.Status)
	require.Equal(t, ticket.PriorityNormal, a.Priority)
	require.Equal(t, int64(1), a.Version)
	require.True(t, a.CreatedAt.Equal(t0))
	require.Equal(t, "agent-1", a.CreatedBy)

	got, err := f.desk.GetByNumber(ctx, agent, "tk-2026-000001")
	require.NoError(t, err)
	require.Equal(t, a.ID, got.ID)

	history, err := f.desk.History(ctx, agent, a.ID)
	require.NoError(t, err)
	require.Len(t, history, 1)
	require.Equal(t, ticket.FieldCreated, history[0].Field)
	require.Equal(t, a.Number, history[0].New)

	require.Equal(t, []notify.Kind{notify.KindOpened, notify.KindOpened}, f.rec.Kinds())
	require.Equal(t, a.Number, f.rec.Events()[0].Ticket.Number)
}

func TestOpenRejectsBadInputNamingEveryField(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.desk.Open(context.Background(), agent, ticketkit.OpenParams{
		Priority:   "extreme",
		Category:   "gossip",
		Channel:    "pigeon",
		Customer:   ticket.Customer{Email: "not-an-email", Mobile: "call me"},
		References: []ticket.Reference{{Kind: "spaceship", ID: ""}},
		Fields:     map[string]string{"colour": "red"},
	})
	fields := validationFields(t, err)
	for _, want := range []string{"subject", "priority", "category", "channel", "customer.email", "customer.mobile", "references[0].kind", "references[0].id", "fields.colour"} {
		require.Contains(t, fields, want)
	}
	require.Zero(t, f.rec.Len(), "nothing is notified for rejected input")
	res, err := f.desk.Search(context.Background(), agent, ticketkit.SearchParams{})
	require.NoError(t, err)
	require.Empty(t, res.Tickets, "nothing is stored for rejected input")
}

func TestBadActorIsRejected(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.desk.Open(context.Background(), ticketkit.Actor{Role: "king"}, ticketkit.OpenParams{Subject: "x"})
	require.ElementsMatch(t, []string{"actor.id", "actor.tenant_id", "actor.role"}, validationFields(t, err))
	require.ErrorIs(t, err, ticketkit.ErrInvalidActor)
	_, err = f.desk.Open(context.Background(), ticketkit.Actor{ID: "u", Role: ticket.RoleCustomer, TenantID: "acme"}, ticketkit.OpenParams{Subject: "x"})
	require.Equal(t, []string{"actor.customer_id"}, validationFields(t, err))
}

func TestCustomerOpensOwnTicket(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tk := f.open(t, customer, ticketkit.OpenParams{Customer: ticket.Customer{ID: "C-somebody-else", Name: "Jane"}})
	require.Equal(t, "C-1", tk.Customer.ID, "a customer always opens for themselves")
	require.Equal(t, ticket.ChannelPortal, tk.Channel)

	_, err := f.desk.Open(context.Background(), customer, ticketkit.OpenParams{Subject: "x", Assignee: "agent-1"})
	require.Contains(t, validationFields(t, err), "assignee")
}

func TestVisibilityAcrossCustomersAndTenants(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	tk := f.open(t, customer, ticketkit.OpenParams{})

	for name, a := range map[string]ticketkit.Actor{"other customer": stranger, "other tenant": otherOrg} {
		_, err := f.desk.Get(ctx, a, tk.ID)
		require.ErrorIs(t, err, ticketkit.ErrNotFound, name)
		_, err = f.desk.GetByNumber(ctx, a, tk.Number)
		require.ErrorIs(t, err, ticketkit.ErrNotFound, name)
		_, err = f.desk.History(ctx, a, tk.ID)
		require.ErrorIs(t, err, ticketkit.ErrNotFound, name)
		_, err = f.desk.Reply(ctx, a, ticketkit.MessageParams{TicketID: tk.ID, Body: "hi"})
		require.ErrorIs(t, err, ticketkit.ErrNotFound, name)
		res, err := f.desk.Search(ctx, a, ticketkit.SearchParams{})
		require.NoError(t, err)
		require.Empty(t, res.Tickets, name)
		page, err := f.desk.Messages(ctx, a, ticketkit.MessageListParams{})
		require.NoError(t, err)
		require.Empty(t, page.Messages, name)
	}
	_, err := f.desk.Transition(ctx, otherOrg, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusInProgress})
	require.ErrorIs(t, err, ticketkit.ErrNotFound)

	got, err := f.desk.Get(ctx, customer, tk.ID)
	require.NoError(t, err)
	require.Equal(t, tk.Number, got.Number)
}

func TestUnknownIDsAndNumbers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.desk.Get(ctx, agent, "no-such-id")
	require.ErrorIs(t, err, ticketkit.ErrNotFound)
	_, err = f.desk.GetByNumber(ctx, agent, "TK-2026-999999")
	require.ErrorIs(t, err, ticketkit.ErrNotFound)
	_, err = f.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: "no-such-id", To: ticket.StatusClosed, Reason: "x"})
	require.ErrorIs(t, err, ticketkit.ErrNotFound)
	_, err = f.desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: "no-such-id", Body: "x"})
	require.ErrorIs(t, err, ticketkit.ErrNotFound)
}

func TestTransitionRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	tk := f.open(t, customer, ticketkit.OpenParams{})

	_, err := f.desk.Transition(ctx, customer, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusClosed, Reason: "done"})
	require.ErrorIs(t, err, ticketkit.ErrForbidden, "a customer may not change status")
	var te *ticketkit.TransitionError
	require.ErrorAs(t, err, &te)
	require.Equal(t, ticket.RoleCustomer, te.Role)

	_, err = f.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusClosed})
	require.ErrorIs(t, err, ticketkit.ErrGuard, "closing requires a reason")
	require.ErrorAs(t, err, &te)
	require.Equal(t, "reason_required", te.Guard)

	_, err = f.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: "nirvana"})
	require.Equal(t, []string{"to"}, validationFields(t, err))

	f.rec.Reset()
	f.clock.Advance(time.Hour)
	closed := f.move(t, agent, tk.ID, ticket.StatusClosed, "Duplicate of TK-1")
	require.Equal(t, ticket.StatusClosed, closed.Status)
	require.Equal(t, "Duplicate of TK-1", closed.ClosureReason)
	require.True(t, closed.ClosedAt.Equal(t0.Add(time.Hour)))
	require.Equal(t, int64(2), closed.Version)
	require.Equal(t, []notify.Kind{notify.KindStatusChanged, notify.KindClosed}, f.rec.Kinds())

	history, err := f.desk.History(ctx, agent, tk.ID)
	require.NoError(t, err)
	fields := map[string]ticket.Event{}
	for _, e := range history {
		fields[e.Field] = *e
	}
	require.Equal(t, ticket.StatusOpen, fields[ticket.FieldStatus].Old)
	require.Equal(t, ticket.StatusClosed, fields[ticket.FieldStatus].New)
	require.Equal(t, "agent-1", fields[ticket.FieldStatus].ActorID)
	require.Equal(t, "Duplicate of TK-1", fields[ticket.FieldClosureReason].New)

	_, err = f.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusInProgress})
	require.NoError(t, err, "the default workflow reopens within 14 days")
	f.move(t, agent, tk.ID, ticket.StatusClosed, "again")
	f.clock.Advance(15 * 24 * time.Hour)
	_, err = f.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusInProgress})
	require.ErrorIs(t, err, ticketkit.ErrReopenWindow)
}

func TestStaleVersionConflicts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	tk := f.open(t, agent, ticketkit.OpenParams{})
	_, err := f.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusInProgress, Version: tk.Version})
	require.NoError(t, err)
	_, err = f.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusWaiting, Version: tk.Version})
	require.ErrorIs(t, err, ticketkit.ErrConflict)
	got, err := f.desk.Get(ctx, agent, tk.ID)
	require.NoError(t, err)
	require.Equal(t, ticket.StatusInProgress, got.Status, "the stale change wrote nothing")
}

func TestAssignAndUpdateRecordEveryFieldOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *ticketkit.Config) {
		spec := ticket.DefaultCatalogSpec()
		spec.Departments = []ticket.Department{{Code: "repairs", Label: ticket.Label{Text: "Repairs"}}, {Code: "billing", Label: ticket.Label{Text: "Billing"}}}
		spec.Categories[2].Actions = []ticket.ActionTemplate{{Title: "Call the customer", DueIn: "24h"}}
		cat, err := ticket.NewCatalog(spec)
		require.NoError(t, err)
		c.Catalog = cat
	})
	ctx := context.Background()
	tk := f.open(t, agent, ticketkit.OpenParams{Customer: ticket.Customer{ID: "C-1", Name: "Jane"}})

	dept, who := "repairs", "agent-2"
	_, err := f.desk.Assign(ctx, customer, ticketkit.AssignParams{TicketID: tk.ID, Assignee: &who})
	require.ErrorIs(t, err, ticketkit.ErrForbidden)
	bad := "nowhere"
	_, err = f.desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: tk.ID, Department: &bad})
	require.Equal(t, []string{"department"}, validationFields(t, err))

	f.rec.Reset()
	tk, err = f.desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: tk.ID, Department: &dept, Assignee: &who})
	require.NoError(t, err)
	require.Equal(t, "repairs", tk.Department)
	require.Equal(t, []notify.Kind{notify.KindAssigned, notify.KindRouted}, f.rec.Kinds(), "a new department is told apart from a new assignee")

	prio, cat := ticket.PriorityUrgent, ticket.CategoryComplaint
	tk, err = f.desk.Update(ctx, agent, ticketkit.UpdateParams{
		TicketID:   tk.ID,
		Priority:   &prio,
		Category:   &cat,
		Customer:   &ticket.Customer{ID: "C-9", Name: "Acme Ltd"},
		References: []ticket.Reference{{Kind: ticket.RefContract, ID: "K-77", Label: "Service contract"}},
	})
	require.NoError(t, err)
	require.Len(t, tk.Actions, 1, "the complaint category adds its action")
	require.True(t, tk.Actions[0].DueAt.Equal(t0.Add(24*time.Hour)))

	history, err := f.desk.History(ctx, agent, tk.ID)
	require.NoError(t, err)
	count := map[string]int{}
	for _, e := range history {
		count[e.Field]++
	}
	for _, field := range []string{ticket.FieldDepartment, ticket.FieldAssignee, ticket.FieldPriority, ticket.FieldCategory, ticket.FieldCustomer, ticket.FieldContract} {
		require.Equal(t, 1, count[field], field)
	}

	_, err = f.desk.Update(ctx, customer, ticketkit.UpdateParams{TicketID: tk.ID, Priority: &prio})
	require.ErrorIs(t, err, ticketkit.ErrForbidden)

	same, err := f.desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: tk.ID, Priority: &prio})
	require.NoError(t, err)
	require.Equal(t, tk.Version, same.Version, "a change that changes nothing writes nothing")
}

func TestMessagesNotesAndAttachments(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	tk := f.open(t, customer, ticketkit.OpenParams{})

	_, err := f.desk.Reply(ctx, customer, ticketkit.MessageParams{TicketID: tk.ID, Body: "Here is the receipt",
		Attachments: []ticketkit.AttachmentInput{
			{Name: "receipt.pdf", ContentType: "application/pdf", Content: stringsReader("%PDF-1.7")},
			{Name: "photo.jpg", Content: stringsReader("jpeg")},
		}})
	require.NoError(t, err)
	f.clock.Advance(time.Minute)
	_, err = f.desk.AddNote(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "internal: known issue"})
	require.NoError(t, err)
	f.clock.Advance(time.Minute)
	_, err = f.desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "We will replace it"})
	require.NoError(t, err)
	_, err = f.desk.AddNote(ctx, customer, ticketkit.MessageParams{TicketID: tk.ID, Body: "sneaky"})
	require.ErrorIs(t, err, ticketkit.ErrForbidden)

	staff, err := f.desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: tk.ID})
	require.NoError(t, err)
	require.Equal(t, []ticket.MessageKind{ticket.MessageCustomer, ticket.MessageNote, ticket.MessageReply}, kinds(staff.Messages))

	mine, err := f.desk.Messages(ctx, customer, ticketkit.MessageListParams{TicketID: tk.ID})
	require.NoError(t, err)
	require.Equal(t, []ticket.MessageKind{ticket.MessageCustomer, ticket.MessageReply}, kinds(mine.Messages), "customers never see notes")
	notesOnly, err := f.desk.Messages(ctx, customer, ticketkit.MessageListParams{Kinds: []ticket.MessageKind{ticket.MessageNote}})
	require.NoError(t, err)
	require.Empty(t, notesOnly.Messages)

	att := staff.Messages[0].Attachments[0]
	require.Equal(t, int64(8), att.Size)
	meta, r, err := f.desk.OpenAttachment(ctx, customer, tk.ID, att.ID)
	require.NoError(t, err)
	body := readAll(t, r)
	require.Equal(t, "%PDF-1.7", body)
	require.Equal(t, "receipt.pdf", meta.Name)
	_, _, err = f.desk.OpenAttachment(ctx, stranger, tk.ID, att.ID)
	require.ErrorIs(t, err, ticketkit.ErrNotFound)

	got, err := f.desk.Get(ctx, agent, tk.ID)
	require.NoError(t, err)
	require.Equal(t, int64(4), got.Version, "each message bumps the ticket")
	require.True(t, got.UpdatedAt.Equal(t0.Add(2*time.Minute)))
}

func TestOversizeAttachmentIsRejectedAndNothingKept(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	tk := f.open(t, agent, ticketkit.OpenParams{})
	big := make([]byte, 2048)
	_, err := f.desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "two files",
		Attachments: []ticketkit.AttachmentInput{
			{Name: "small.txt", Content: stringsReader("ok")},
			{Name: "big.bin", Content: bytesReader(big)},
		}})
	require.Equal(t, []string{"attachments[1].content"}, validationFields(t, err))
	require.Zero(t, f.blobs.Len(), "the first file was removed again")
	page, err := f.desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: tk.ID})
	require.NoError(t, err)
	require.Empty(t, page.Messages)
}

func TestConcurrentRepliesAreNeverLost(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	tk := f.open(t, agent, ticketkit.OpenParams{})
	const n = 20
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := f.desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "hello"})
			errs <- err
		}()
	}
	for range n {
		require.NoError(t, <-errs)
	}
	got, err := f.desk.Get(ctx, agent, tk.ID)
	require.NoError(t, err)
	require.Equal(t, int64(1+n), got.Version)
	page, err := f.desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: tk.ID})
	require.NoError(t, err)
	require.Len(t, page.Messages, n)
}

// failingOutbox is a store whose outbox writes fail, to show that a
// rolled-back change leaves neither rows nor notifications.
type failingOutbox struct{ storage.Store }

func (s failingOutbox) RunInTx(ctx context.Context, fn func(context.Context, storage.Tx) error) error {
	return s.Store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error { return fn(ctx, failingOutboxTx{tx}) })
}

type failingOutboxTx struct{ storage.Tx }

func (failingOutboxTx) OutboxCreate(context.Context, []*storage.OutboxEntry) error {
	return errors.New("disk full")
}

func TestRolledBackChangeNotifiesNoOne(t *testing.T) {
	t.Parallel()
	mem := memory.New()
	rec := notifytest.NewRecorder()
	desk, err := ticketkit.New(ticketkit.Config{Store: failingOutbox{mem}, Notifier: rec})
	require.NoError(t, err)
	_, err = desk.Open(context.Background(), agent, ticketkit.OpenParams{Subject: "lost?"})
	require.ErrorContains(t, err, "disk full")
	require.Zero(t, rec.Len())
	res, err := mem.TicketList(context.Background(), storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: "acme"}})
	require.NoError(t, err)
	require.Empty(t, res.Tickets)
	n, err := mem.SequenceNext(context.Background(), storage.SequenceNextParams{TenantID: "acme", Scope: "TK-2026"})
	require.NoError(t, err)
	require.Equal(t, int64(1), n, "the number drawn by the failed open was rolled back")
}

func TestFailedDeliveryStaysInOutboxUntilDelivered(t *testing.T) {
	t.Parallel()
	down := true
	rec := notifytest.NewRecorder()
	flaky := notify.NotifierFunc(func(ctx context.Context, e notify.Event) error {
		if down {
			return errors.New("smtp down")
		}
		return rec.Notify(ctx, e)
	})
	f := newFixture(t, func(c *ticketkit.Config) { c.Notifier = flaky })
	ctx := context.Background()
	tk := f.open(t, agent, ticketkit.OpenParams{})
	require.Zero(t, rec.Len())

	down = false
	disp, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: f.store, Notifier: flaky, Clock: f.clock})
	require.NoError(t, err)
	res, err := disp.RunOnce(ctx)
	require.NoError(t, err)
	require.Equal(t, ticketkit.DispatchResult{Claimed: 1, Delivered: 1}, res)
	require.Equal(t, tk.Number, rec.Events()[0].Ticket.Number)
	res, err = disp.RunOnce(ctx)
	require.NoError(t, err)
	require.Zero(t, res.Claimed, "delivered entries are not delivered again")
}
