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

// deskBundle is what a Desk test's setup returns beside the Desk: its
// store, fake clock, recording notifier and blob store.
type deskBundle struct {
	store storage.Store
	clock *clock.Fake
	rec   *notifytest.Recorder
	blobs *blob.Memory
}

// setupDesk returns a Desk on a fresh store of b with a fake clock at
// t0, a recording notifier and a blob store that keeps files up to
// 1 KiB; mods change its Config.
func setupDesk(t *testing.T, b backend, mods ...func(*ticketkit.Config)) (*ticketkit.Desk, *deskBundle) {
	t.Helper()
	bundle := &deskBundle{
		store: b.Open(t),
		clock: clock.NewFake(t0),
		rec:   notifytest.NewRecorder(),
		blobs: blob.NewMemory(blob.Config{MaxSize: 1024}),
	}
	cfg := ticketkit.Config{Store: bundle.store, Clock: bundle.clock, Notifier: bundle.rec, Blobs: bundle.blobs}
	for _, m := range mods {
		m(&cfg)
	}
	desk, err := ticketkit.New(cfg)
	require.NoError(t, err)
	return desk, bundle
}

// mustOpen opens a ticket, with subject "Kettle broken" unless p has one.
func mustOpen(t *testing.T, desk *ticketkit.Desk, a ticketkit.Actor, p ticketkit.OpenParams) *ticket.Ticket {
	t.Helper()
	if p.Subject == "" {
		p.Subject = "Kettle broken"
	}
	tk, err := desk.Open(t.Context(), a, p)
	require.NoError(t, err)
	return tk
}

// mustMove moves ticket id to status to.
func mustMove(t *testing.T, desk *ticketkit.Desk, a ticketkit.Actor, id, to, reason string) *ticket.Ticket {
	t.Helper()
	tk, err := desk.Transition(t.Context(), a, ticketkit.TransitionParams{TicketID: id, To: to, Reason: reason})
	require.NoError(t, err)
	return tk
}

// fixture is a desk on a memory store with a fake clock and a recorder,
// for the tests that have not taken the setup shape yet.
type fixture struct {
	desk *ticketkit.Desk
	*deskBundle
}

func newFixture(t *testing.T, mods ...func(*ticketkit.Config)) *fixture {
	t.Helper()
	desk, bundle := setupDesk(t, memoryBackend(), mods...)
	return &fixture{desk: desk, deskBundle: bundle}
}

// move transitions ticket id to status to as a, with reason.
func (f *fixture) move(t *testing.T, a ticketkit.Actor, id, to, reason string) *ticket.Ticket {
	t.Helper()
	tk, err := f.desk.Transition(t.Context(), a, ticketkit.TransitionParams{TicketID: id, To: to, Reason: reason})
	require.NoError(t, err)
	return tk
}

func (f *fixture) open(t *testing.T, a ticketkit.Actor, p ticketkit.OpenParams) *ticket.Ticket {
	t.Helper()
	return mustOpen(t, f.desk, a, p)
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

func TestDesk_Open(t *testing.T) {
	t.Parallel()

	setup := setupMemoryDesk

	t.Run("NumbersAndDefaults", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		a := mustOpen(t, desk, agent, ticketkit.OpenParams{Category: ticket.CategoryQuestion})
		b := mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "Second"})

		require.Equal(t, "TK-2026-000001", a.Number)
		require.Equal(t, "TK-2026-000002", b.Number)
		require.Equal(t, ticket.StatusOpen, a.Status)
		require.Equal(t, ticket.PriorityNormal, a.Priority)
		require.Equal(t, int64(1), a.Version)
		require.True(t, a.CreatedAt.Equal(t0))
		require.Equal(t, "agent-1", a.CreatedBy)

		require.Equal(t, []notify.Kind{notify.KindOpened, notify.KindOpened}, bundle.rec.Kinds())
		require.Equal(t, a.Number, bundle.rec.Events()[0].Ticket.Number)
	})

	t.Run("RejectsBadInputNamingEveryField", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		_, err := desk.Open(t.Context(), agent, ticketkit.OpenParams{
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
		require.Zero(t, bundle.rec.Len(), "nothing is notified for rejected input")
		res, err := desk.Search(t.Context(), agent, ticketkit.SearchParams{})
		require.NoError(t, err)
		require.Empty(t, res.Tickets, "nothing is stored for rejected input")
	})

	t.Run("RejectsABadActor", func(t *testing.T) {
		t.Parallel()
		desk, _ := setup(t)
		_, err := desk.Open(t.Context(), ticketkit.Actor{Role: "king"}, ticketkit.OpenParams{Subject: "x"})
		require.ElementsMatch(t, []string{"actor.id", "actor.tenant_id", "actor.role"}, validationFields(t, err))
		require.ErrorIs(t, err, ticketkit.ErrInvalidActor)
		_, err = desk.Open(t.Context(), ticketkit.Actor{ID: "u", Role: ticket.RoleCustomer, TenantID: "acme"}, ticketkit.OpenParams{Subject: "x"})
		require.Equal(t, []string{"actor.customer_id"}, validationFields(t, err))
	})

	t.Run("CustomerOpensOwnTicket", func(t *testing.T) {
		t.Parallel()
		desk, _ := setup(t)
		tk := mustOpen(t, desk, customer, ticketkit.OpenParams{Customer: ticket.Customer{ID: "C-somebody-else", Name: "Jane"}})
		require.Equal(t, "C-1", tk.Customer.ID, "a customer always opens for themselves")
		require.Equal(t, ticket.ChannelPortal, tk.Channel)

		_, err := desk.Open(t.Context(), customer, ticketkit.OpenParams{Subject: "x", Assignee: "agent-1"})
		require.Contains(t, validationFields(t, err), "assignee")
	})

	// WithFirstMessage: a ticket opened with a message and attachments
	// gets them in the transaction that opens it, the "opened"
	// notification carries the message, and a refused open leaves no
	// file behind.
	t.Run("WithFirstMessage", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		ctx := t.Context()
		tk := mustOpen(t, desk, customer, ticketkit.OpenParams{
			Subject: "Kettle leaks", Description: "See the photo.",
			Attachments: []ticketkit.AttachmentInput{{Name: "leak.jpg", ContentType: "image/jpeg", Content: stringsReader("jpeg")}},
		})
		page, err := desk.Messages(ctx, customer, ticketkit.MessageListParams{TicketID: tk.ID})
		require.NoError(t, err)
		require.Len(t, page.Messages, 1)
		first := page.Messages[0]
		require.Equal(t, ticket.MessageCustomer, first.Kind)
		require.Equal(t, "See the photo.", first.Body, "attachments without a message carry the description")
		require.Len(t, first.Attachments, 1)
		require.Equal(t, "leak.jpg", first.Attachments[0].Name)
		opened := bundle.rec.OfKind(notify.KindOpened)
		require.Len(t, opened, 1)
		require.NotNil(t, opened[0].Message)
		require.Equal(t, first.ID, opened[0].Message.ID)
		require.Empty(t, bundle.rec.OfKind(notify.KindMessageAdded), "one notification for the new ticket")

		staff := mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "Call logged", Message: "Customer phoned about the kettle."})
		page, err = desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: staff.ID})
		require.NoError(t, err)
		require.Len(t, page.Messages, 1)
		require.Equal(t, ticket.MessageReply, page.Messages[0].Kind)

		stored := bundle.blobs.Len()
		_, err = desk.Open(ctx, customer, ticketkit.OpenParams{
			Subject: "Bad", Category: "no-such-category",
			Attachments: []ticketkit.AttachmentInput{{Name: "a.txt", Content: stringsReader("a")}},
		})
		var v *ticket.ValidationError
		require.ErrorAs(t, err, &v)
		require.Equal(t, stored, bundle.blobs.Len(), "a refused open stores no file")

		plain := mustOpen(t, desk, customer, ticketkit.OpenParams{Subject: "No message"})
		page, err = desk.Messages(ctx, customer, ticketkit.MessageListParams{TicketID: plain.ID})
		require.NoError(t, err)
		require.Empty(t, page.Messages)
	})

	t.Run("RolledBackOpenNotifiesNoOne", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t, func(c *ticketkit.Config) { c.Store = failingOutbox{c.Store} })
		ctx := t.Context()
		_, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "lost?"})
		require.ErrorContains(t, err, "disk full")
		require.Zero(t, bundle.rec.Len())
		res, err := bundle.store.TicketList(ctx, storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: "acme"}})
		require.NoError(t, err)
		require.Empty(t, res.Tickets)
		n, err := bundle.store.SequenceNext(ctx, storage.SequenceNextParams{TenantID: "acme", Scope: "TK-2026"})
		require.NoError(t, err)
		require.Equal(t, int64(1), n, "the number drawn by the failed open was rolled back")
	})

	t.Run("FailedDeliveryStaysInOutboxUntilDelivered", func(t *testing.T) {
		t.Parallel()
		down := true
		rec := notifytest.NewRecorder()
		flaky := notify.NotifierFunc(func(ctx context.Context, e notify.Event) error {
			if down {
				return errors.New("smtp down")
			}
			return rec.Notify(ctx, e)
		})
		desk, bundle := setup(t, func(c *ticketkit.Config) { c.Notifier = flaky })
		ctx := t.Context()
		tk := mustOpen(t, desk, agent, ticketkit.OpenParams{})
		require.Zero(t, rec.Len())

		down = false
		disp, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: bundle.store, Notifier: flaky, Clock: bundle.clock})
		require.NoError(t, err)
		res, err := disp.RunOnce(ctx)
		require.NoError(t, err)
		require.Equal(t, ticketkit.DispatchResult{Claimed: 1, Delivered: 1}, res)
		require.Equal(t, tk.Number, rec.Events()[0].Ticket.Number)
		res, err = disp.RunOnce(ctx)
		require.NoError(t, err)
		require.Zero(t, res.Claimed, "delivered entries are not delivered again")
	})

	// The customer-contact behaviours: a customer cannot make the desk
	// mail an address the host did not supply. Without Config.Customers a
	// typed address is refused; with it the host's data replaces what the
	// customer typed.
	phishing := ticketkit.OpenParams{
		Subject:  "Your account is locked: log in at evil.example",
		Customer: ticket.Customer{Name: "Victim", Email: "victim@example.org", Mobile: "+33 6 99 99 99 99"},
		Contacts: []ticket.Contact{{Name: "Other", Email: "other@example.org", Phone: "+33 6 11 11 11 11"}},
	}
	withDirectory := func(c *ticketkit.Config) { c.Customers = customerDirectory }

	t.Run("CustomerWithoutDirectoryTypedAddressesAreRefused", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			s := newContactDesk(t, b)
			_, err := s.desk.Open(t.Context(), customer, phishing)
			requireRefused(t, err, "customer.email", "customer.mobile", "contacts[0].email", "contacts[0].phone")
			res, err := s.desk.Search(t.Context(), agent, ticketkit.SearchParams{})
			require.NoError(t, err)
			require.Empty(t, res.Tickets, "a refused open stores nothing")
			require.Empty(t, s.mail.Mails())
		})
	})

	t.Run("CustomerWithoutDirectoryANameIsKeptAndNobodyIsMailed", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			s := newContactDesk(t, b)
			tk, err := s.desk.Open(t.Context(), customer, ticketkit.OpenParams{
				Subject: "Kettle", Customer: ticket.Customer{ID: "C-2", Name: "Jane"},
				Contacts: []ticket.Contact{{Name: "Bob", Role: "technician"}},
			})
			require.NoError(t, err)
			require.Equal(t, ticket.Customer{ID: customer.CustomerID, Name: "Jane"}, tk.Customer)
			require.Equal(t, ticket.ChannelPortal, tk.Channel)
			require.Empty(t, s.mail.Mails())
		})
	})

	t.Run("CustomerDirectoryReplacesWhatTheCustomerTyped", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			s := newContactDesk(t, b, withDirectory)
			p := phishing
			p.Contacts = nil
			tk, err := s.desk.Open(t.Context(), customer, p)
			require.NoError(t, err)
			stored, err := s.desk.Get(t.Context(), agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, ticket.Customer{ID: "C-1", Name: "Jane Roe", Email: "jane@example.com", Mobile: "+33612345678"}, stored.Customer)
			require.Empty(t, s.mail.To("victim@example.org"))
			acks := s.mail.To("jane@example.com")
			require.Len(t, acks, 1, "the acknowledgement goes to the host's address")
			require.Equal(t, notify.KindOpened, acks[0].Event.Kind)
		})
	})

	t.Run("CustomerUnknownToTheDirectoryGetsNoContactData", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			s := newContactDesk(t, b, withDirectory)
			tk, err := s.desk.Open(t.Context(), stranger, phishing)
			requireRefused(t, err, "contacts[0].email", "contacts[0].phone")
			require.Nil(t, tk)
			p := phishing
			p.Contacts = nil
			tk, err = s.desk.Open(t.Context(), stranger, p)
			require.NoError(t, err)
			require.Equal(t, ticket.Customer{ID: stranger.CustomerID}, tk.Customer)
			require.Empty(t, s.mail.Mails())
		})
	})

	t.Run("CustomerDirectoryErrorFailsTheOpen", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			down := errors.New("crm down")
			s := newContactDesk(t, b, func(c *ticketkit.Config) {
				c.Customers = ticketkit.CustomerDirectoryFunc(func(context.Context, string, string) (ticket.Customer, error) {
					return ticket.Customer{}, down
				})
			})
			_, err := s.desk.Open(t.Context(), customer, ticketkit.OpenParams{Subject: "Kettle"})
			require.ErrorIs(t, err, down)
		})
	})

	t.Run("CustomerVouchedHostDataIsKept", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			s := newContactDesk(t, b, withDirectory)
			p := ticketkit.OpenParams{
				Subject: "Mail from anna", Department: "service", Vouched: true,
				Customer: ticket.Customer{Name: "Anna", Email: "anna@example.com"},
				Contacts: []ticket.Contact{{Name: "Bob", Email: "bob@example.com"}},
			}
			tk, err := s.desk.Open(t.Context(), customer, p)
			require.NoError(t, err)
			stored, err := s.desk.Get(t.Context(), agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, ticket.Customer{ID: customer.CustomerID, Name: "Anna", Email: "anna@example.com"}, stored.Customer)
			require.Equal(t, "service", stored.Department)
			require.Equal(t, p.Contacts, stored.Contacts)
			require.Len(t, s.mail.To("anna@example.com"), 1)

			p.Priority, p.Tags = ticket.PriorityUrgent, []string{"vip"}
			_, err = s.desk.Open(t.Context(), customer, p)
			requireRefused(t, err, "priority", "tags")
		})
	})

	t.Run("StaffSetTheCustomerAsTheyLike", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			s := newContactDesk(t, b)
			p := phishing
			p.Customer.Email = "ann@example.com"
			p.Fields = map[string]string{"margin": "1"}
			tk, err := s.desk.Open(t.Context(), agent, p)
			require.NoError(t, err)
			require.Equal(t, "ann@example.com", tk.Customer.Email)
			require.Len(t, s.mail.To("ann@example.com"), 1)
		})
	})

	// CustomerStaffFieldsAreRefusedByName: the one rule for the
	// staff-owned properties of a ticket a customer opens: each is
	// refused by name, and an internal field marked Required does not
	// make the customer's open fail.
	t.Run("CustomerStaffFieldsAreRefusedByName", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			s := newContactDesk(t, b)
			_, err := s.desk.Open(ctx, customer, ticketkit.OpenParams{
				Subject: "Kettle", Priority: ticket.PriorityUrgent, Department: "service", Assignee: "agent-7",
				Tags: []string{"vip"}, Fields: map[string]string{"store": "Lyon", "margin": "12.5"},
			})
			requireRefused(t, err, "priority", "department", "assignee", "tags", "fields.margin")

			tk, err := s.desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Kettle", Fields: map[string]string{"store": "Lyon"}})
			require.NoError(t, err, "the internal required field is for staff to fill")
			stored, err := s.desk.Get(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, s.desk.Catalog().DefaultPriority().Code, stored.Priority)
			require.Equal(t, map[string]string{"store": "Lyon"}, stored.Fields)
			require.Empty(t, stored.Tags)

			_, err = s.desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Kettle", Fields: map[string]string{"store": "Lyon", "colour": "red"}})
			var v *ticket.ValidationError
			require.ErrorAs(t, err, &v)
			require.Equal(t, []string{"fields.colour"}, fieldNames(v), "unknown fields are still reported")

			_, err = s.desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Kettle"})
			require.ErrorAs(t, err, &v)
			require.Equal(t, []string{"fields.margin"}, fieldNames(v), "staff still fill the required internal field")

			staff, err := s.desk.Open(ctx, agent, ticketkit.OpenParams{
				Subject: "Kettle", Priority: ticket.PriorityUrgent, Assignee: "agent-7",
				Tags: []string{"vip"}, Fields: map[string]string{"margin": "12.5"}, Customer: ticket.Customer{ID: "C-1"},
			})
			require.NoError(t, err)
			require.Equal(t, ticket.PriorityUrgent, staff.Priority)
		})
	})
}

// ticketBundle is a deskBundle with a ticket opened on it.
type ticketBundle struct {
	*deskBundle
	tk *ticket.Ticket
}

// setupTicket returns a Desk on the memory store, as setupDesk does,
// with one ticket that a of p opened.
func setupTicket(t *testing.T, a ticketkit.Actor, p ticketkit.OpenParams, mods ...func(*ticketkit.Config)) (*ticketkit.Desk, *ticketBundle) {
	t.Helper()
	desk, bundle := setupDesk(t, memoryBackend(), mods...)
	return desk, &ticketBundle{deskBundle: bundle, tk: mustOpen(t, desk, a, p)}
}

// setupMemoryDesk is setupDesk on the memory store.
func setupMemoryDesk(t *testing.T, mods ...func(*ticketkit.Config)) (*ticketkit.Desk, *deskBundle) {
	t.Helper()
	return setupDesk(t, memoryBackend(), mods...)
}

// setupAgentTicket returns a Desk on the memory store with a ticket an
// agent opened.
func setupAgentTicket(t *testing.T) (*ticketkit.Desk, *ticketBundle) {
	t.Helper()
	return setupTicket(t, agent, ticketkit.OpenParams{})
}

// setupCustomerTicket returns a Desk on the memory store with a ticket
// customer C-1 opened.
func setupCustomerTicket(t *testing.T) (*ticketkit.Desk, *ticketBundle) {
	t.Helper()
	return setupTicket(t, customer, ticketkit.OpenParams{})
}

func TestDesk_Get(t *testing.T) {
	t.Parallel()

	setup := setupMemoryDesk

	t.Run("UnknownIDIsNotFound", func(t *testing.T) {
		t.Parallel()
		desk, _ := setup(t)
		_, err := desk.Get(t.Context(), agent, "no-such-id")
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
	})
}

func TestDesk_GetByNumber(t *testing.T) {
	t.Parallel()

	setup := setupMemoryDesk

	t.Run("IgnoresCase", func(t *testing.T) {
		t.Parallel()
		desk, _ := setup(t)
		a := mustOpen(t, desk, agent, ticketkit.OpenParams{})
		got, err := desk.GetByNumber(t.Context(), agent, "tk-2026-000001")
		require.NoError(t, err)
		require.Equal(t, a.ID, got.ID)
	})

	t.Run("UnknownNumberIsNotFound", func(t *testing.T) {
		t.Parallel()
		desk, _ := setup(t)
		_, err := desk.GetByNumber(t.Context(), agent, "TK-2026-999999")
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
	})
}

func TestDesk_History(t *testing.T) {
	t.Parallel()

	setup := setupAgentTicket

	t.Run("StartsWithTheCreation", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		history, err := desk.History(t.Context(), agent, bundle.tk.ID)
		require.NoError(t, err)
		require.Len(t, history, 1)
		require.Equal(t, ticket.FieldCreated, history[0].Field)
		require.Equal(t, bundle.tk.Number, history[0].New)
	})
}

// withDepartments gives a Desk the departments repairs and billing, and
// the complaint category the action "Call the customer", due in 24 h.
func withDepartments(t *testing.T) func(*ticketkit.Config) {
	return func(c *ticketkit.Config) {
		spec := ticket.DefaultCatalogSpec()
		spec.Departments = []ticket.Department{{Code: "repairs", Label: ticket.Label{Text: "Repairs"}}, {Code: "billing", Label: ticket.Label{Text: "Billing"}}}
		spec.Categories[2].Actions = []ticket.ActionTemplate{{Title: "Call the customer", DueIn: "24h"}}
		cat, err := ticket.NewCatalog(spec)
		require.NoError(t, err)
		c.Catalog = cat
	}
}

// setupJanesTicket returns a Desk on the memory store whose catalog has
// departments (withDepartments), with a ticket an agent opened for
// customer C-1.
func setupJanesTicket(t *testing.T) (*ticketkit.Desk, *ticketBundle) {
	t.Helper()
	return setupTicket(t, agent, ticketkit.OpenParams{Customer: ticket.Customer{ID: "C-1", Name: "Jane"}}, withDepartments(t))
}

func TestDesk_Assign(t *testing.T) {
	t.Parallel()

	setup := setupJanesTicket
	dept, who := "repairs", "agent-2"

	t.Run("CustomerIsForbidden", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		_, err := desk.Assign(t.Context(), customer, ticketkit.AssignParams{TicketID: bundle.tk.ID, Assignee: &who})
		require.ErrorIs(t, err, ticketkit.ErrForbidden)
	})

	t.Run("UnknownDepartmentNamesTheField", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		bad := "nowhere"
		_, err := desk.Assign(t.Context(), agent, ticketkit.AssignParams{TicketID: bundle.tk.ID, Department: &bad})
		require.Equal(t, []string{"department"}, validationFields(t, err))
	})

	t.Run("SetsDepartmentAndAssigneeAndNotifies", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		bundle.rec.Reset()
		tk, err := desk.Assign(t.Context(), agent, ticketkit.AssignParams{TicketID: bundle.tk.ID, Department: &dept, Assignee: &who})
		require.NoError(t, err)
		require.Equal(t, "repairs", tk.Department)
		require.Equal(t, []notify.Kind{notify.KindAssigned, notify.KindRouted}, bundle.rec.Kinds(), "a new department is told apart from a new assignee")
	})
}

func TestDesk_Update(t *testing.T) {
	t.Parallel()

	setup := setupJanesTicket
	prio, cat := ticket.PriorityUrgent, ticket.CategoryComplaint

	t.Run("RecordsEveryChangedFieldOnce", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		ctx := t.Context()
		dept, who := "repairs", "agent-2"
		tk, err := desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: bundle.tk.ID, Department: &dept, Assignee: &who})
		require.NoError(t, err)
		tk, err = desk.Update(ctx, agent, ticketkit.UpdateParams{
			TicketID:   tk.ID,
			Priority:   &prio,
			Category:   &cat,
			Customer:   &ticket.Customer{ID: "C-9", Name: "Acme Ltd"},
			References: []ticket.Reference{{Kind: ticket.RefContract, ID: "K-77", Label: "Service contract"}},
		})
		require.NoError(t, err)
		require.Len(t, tk.Actions, 1, "the complaint category adds its action")
		require.True(t, tk.Actions[0].DueAt.Equal(t0.Add(24*time.Hour)))

		history, err := desk.History(ctx, agent, tk.ID)
		require.NoError(t, err)
		count := map[string]int{}
		for _, e := range history {
			count[e.Field]++
		}
		for _, field := range []string{ticket.FieldDepartment, ticket.FieldAssignee, ticket.FieldPriority, ticket.FieldCategory, ticket.FieldCustomer, ticket.FieldContract} {
			require.Equal(t, 1, count[field], field)
		}
	})

	t.Run("CustomerIsForbidden", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		_, err := desk.Update(t.Context(), customer, ticketkit.UpdateParams{TicketID: bundle.tk.ID, Priority: &prio})
		require.ErrorIs(t, err, ticketkit.ErrForbidden)
	})

	t.Run("AChangeThatChangesNothingWritesNothing", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		tk, err := desk.Update(t.Context(), agent, ticketkit.UpdateParams{TicketID: bundle.tk.ID, Priority: &prio})
		require.NoError(t, err)
		same, err := desk.Update(t.Context(), agent, ticketkit.UpdateParams{TicketID: tk.ID, Priority: &prio})
		require.NoError(t, err)
		require.Equal(t, tk.Version, same.Version, "a change that changes nothing writes nothing")
	})
}
