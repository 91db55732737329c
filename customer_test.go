package ticketkit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/ticket"
)

// customerDirectory is the host's customer data of the tests: it knows
// customer C-1 of tenant acme.
var customerDirectory = ticketkit.CustomerDirectoryFunc(func(_ context.Context, tenantID, customerID string) (ticket.Customer, error) {
	if tenantID == "acme" && customerID == "C-1" {
		return ticket.Customer{ID: "ignored", Name: "Jane Roe", Email: "jane@example.com", Mobile: "+33 6 12 34 56 78"}, nil
	}
	return ticket.Customer{}, nil
})

// contactDesk is a desk whose inline notifications land in a mailbox
// that renders them with the default templates.
type contactDesk struct {
	desk *ticketkit.Desk
	mail *notifytest.Mailbox
}

func newContactDesk(t *testing.T, b backend, mods ...func(*ticketkit.Config)) contactDesk {
	t.Helper()
	catalog := fieldCatalog(t)
	mail := notifytest.NewMailbox(&notify.Resolver{Catalog: catalog}, nil, catalog)
	cfg := ticketkit.Config{Store: b.Open(t), Catalog: catalog, Notifier: mail}
	for _, m := range mods {
		m(&cfg)
	}
	desk, err := ticketkit.New(cfg)
	require.NoError(t, err)
	return contactDesk{desk: desk, mail: mail}
}

// fieldCatalog is the default catalog with a public custom field and an
// internal one that is required.
func fieldCatalog(t *testing.T) *ticket.Catalog {
	t.Helper()
	spec := ticket.DefaultCatalogSpec()
	spec.Departments = []ticket.Department{{Code: "service", Label: ticket.Label{Text: "Service"}}}
	spec.Fields = []ticket.FieldDef{
		{Key: "store", Label: ticket.Label{Text: "Store"}, Type: ticket.FieldText},
		{Key: "margin", Label: ticket.Label{Text: "Margin"}, Type: ticket.FieldNumber, Internal: true, Required: true},
	}
	c, err := ticket.NewCatalog(spec)
	require.NoError(t, err)
	return c
}

// requireRefused checks that err is a *ValidationError that refuses
// exactly fields with rule "forbidden".
func requireRefused(t *testing.T, err error, fields ...string) {
	t.Helper()
	var v *ticket.ValidationError
	require.ErrorAs(t, err, &v)
	var got []string
	for _, fe := range v.Fields {
		require.Equal(t, "forbidden", fe.Rule, "%s", fe.Field)
		got = append(got, fe.Field)
	}
	require.ElementsMatch(t, fields, got)
}

// TestDesk_OpenCustomerContact checks that a customer cannot make the
// desk mail an address the host did not supply: without
// Config.Customers a typed address is refused, with it the host's data
// replaces what the customer typed.
func TestDesk_OpenCustomerContact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	phishing := ticketkit.OpenParams{
		Subject:  "Your account is locked: log in at evil.example",
		Customer: ticket.Customer{Name: "Victim", Email: "victim@example.org", Mobile: "+33 6 99 99 99 99"},
		Contacts: []ticket.Contact{{Name: "Other", Email: "other@example.org", Phone: "+33 6 11 11 11 11"}},
	}
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			t.Run("WithoutDirectoryTypedAddressesAreRefused", func(t *testing.T) {
				t.Parallel()
				s := newContactDesk(t, b)
				_, err := s.desk.Open(ctx, customer, phishing)
				requireRefused(t, err, "customer.email", "customer.mobile", "contacts[0].email", "contacts[0].phone")
				res, err := s.desk.Search(ctx, agent, ticketkit.SearchParams{})
				require.NoError(t, err)
				require.Empty(t, res.Tickets, "a refused open stores nothing")
				require.Empty(t, s.mail.Mails())
			})
			t.Run("WithoutDirectoryANameIsKeptAndNobodyIsMailed", func(t *testing.T) {
				t.Parallel()
				s := newContactDesk(t, b)
				tk, err := s.desk.Open(ctx, customer, ticketkit.OpenParams{
					Subject: "Kettle", Customer: ticket.Customer{ID: "C-2", Name: "Jane"},
					Contacts: []ticket.Contact{{Name: "Bob", Role: "technician"}},
				})
				require.NoError(t, err)
				require.Equal(t, ticket.Customer{ID: customer.CustomerID, Name: "Jane"}, tk.Customer)
				require.Equal(t, ticket.ChannelPortal, tk.Channel)
				require.Empty(t, s.mail.Mails())
			})
			t.Run("TheDirectoryReplacesWhatTheCustomerTyped", func(t *testing.T) {
				t.Parallel()
				s := newContactDesk(t, b, func(c *ticketkit.Config) { c.Customers = customerDirectory })
				p := phishing
				p.Contacts = nil
				tk, err := s.desk.Open(ctx, customer, p)
				require.NoError(t, err)
				stored, err := s.desk.Get(ctx, agent, tk.ID)
				require.NoError(t, err)
				require.Equal(t, ticket.Customer{ID: "C-1", Name: "Jane Roe", Email: "jane@example.com", Mobile: "+33612345678"}, stored.Customer)
				require.Empty(t, s.mail.To("victim@example.org"))
				acks := s.mail.To("jane@example.com")
				require.Len(t, acks, 1, "the acknowledgement goes to the host's address")
				require.Equal(t, notify.KindOpened, acks[0].Event.Kind)
			})
			t.Run("AnUnknownCustomerGetsNoContactData", func(t *testing.T) {
				t.Parallel()
				s := newContactDesk(t, b, func(c *ticketkit.Config) { c.Customers = customerDirectory })
				tk, err := s.desk.Open(ctx, stranger, phishing)
				requireRefused(t, err, "contacts[0].email", "contacts[0].phone")
				require.Nil(t, tk)
				p := phishing
				p.Contacts = nil
				tk, err = s.desk.Open(ctx, stranger, p)
				require.NoError(t, err)
				require.Equal(t, ticket.Customer{ID: stranger.CustomerID}, tk.Customer)
				require.Empty(t, s.mail.Mails())
			})
			t.Run("ADirectoryErrorFailsTheOpen", func(t *testing.T) {
				t.Parallel()
				down := errors.New("crm down")
				s := newContactDesk(t, b, func(c *ticketkit.Config) {
					c.Customers = ticketkit.CustomerDirectoryFunc(func(context.Context, string, string) (ticket.Customer, error) {
						return ticket.Customer{}, down
					})
				})
				_, err := s.desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Kettle"})
				require.ErrorIs(t, err, down)
			})
			t.Run("VouchedHostDataIsKept", func(t *testing.T) {
				t.Parallel()
				s := newContactDesk(t, b, func(c *ticketkit.Config) { c.Customers = customerDirectory })
				p := ticketkit.OpenParams{
					Subject: "Mail from anna", Department: "service", Vouched: true,
					Customer: ticket.Customer{Name: "Anna", Email: "anna@example.com"},
					Contacts: []ticket.Contact{{Name: "Bob", Email: "bob@example.com"}},
				}
				tk, err := s.desk.Open(ctx, customer, p)
				require.NoError(t, err)
				stored, err := s.desk.Get(ctx, agent, tk.ID)
				require.NoError(t, err)
				require.Equal(t, ticket.Customer{ID: customer.CustomerID, Name: "Anna", Email: "anna@example.com"}, stored.Customer)
				require.Equal(t, "service", stored.Department)
				require.Equal(t, p.Contacts, stored.Contacts)
				require.Len(t, s.mail.To("anna@example.com"), 1)

				p.Priority, p.Tags = ticket.PriorityUrgent, []string{"vip"}
				_, err = s.desk.Open(ctx, customer, p)
				requireRefused(t, err, "priority", "tags")
			})
			t.Run("StaffSetTheCustomerAsTheyLike", func(t *testing.T) {
				t.Parallel()
				s := newContactDesk(t, b)
				p := phishing
				p.Customer.Email = "ann@example.com"
				p.Fields = map[string]string{"margin": "1"}
				tk, err := s.desk.Open(ctx, agent, p)
				require.NoError(t, err)
				require.Equal(t, "ann@example.com", tk.Customer.Email)
				require.Len(t, s.mail.To("ann@example.com"), 1)
			})
		})
	}
}

// TestDesk_OpenCustomerStaffFields checks the one rule for the
// staff-owned properties of a ticket a customer opens: each is refused
// by name, and an internal field marked Required does not make the
// customer's open fail.
func TestDesk_OpenCustomerStaffFields(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
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
	}
}

func fieldNames(v *ticket.ValidationError) []string {
	out := make([]string, len(v.Fields))
	for i, fe := range v.Fields {
		out[i] = fe.Field
	}
	return out
}
