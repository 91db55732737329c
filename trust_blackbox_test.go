package ticketkit_test

// Black-box attacks on the trust promises of SECURITY.md (issue 12),
// written from the documentation only: customers steering mail, setting
// staff-owned fields, learning staff IDs, crossing tenants, on every store.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// Actors of the black-box tests. bbStaffIDs are what a customer must
// never read anywhere.
var (
	bbAgent = ticketkit.Actor{ID: "agent-secret-7", Role: ticket.RoleAgent, TenantID: "acme"}
	bbBoss  = ticketkit.Actor{ID: "boss-secret-8", Role: ticket.RoleSupervisor, TenantID: "acme"}
	bbAda   = ticketkit.Actor{ID: "user-ada", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "C-ADA"}
	bbBob   = ticketkit.Actor{ID: "user-bob", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "C-BOB"}
	bbOther = ticketkit.Actor{ID: "agent-globex", Role: ticket.RoleAgent, TenantID: "globex"}

	bbStaffIDs = []string{bbAgent.ID, bbBoss.ID}
)

// bbCatalog is the default catalog with an internal and a public field.
func bbCatalog(t *testing.T) *ticket.Catalog {
	t.Helper()
	spec := ticket.DefaultCatalogSpec()
	spec.Departments = []ticket.Department{{Code: "service", Label: ticket.Label{Text: "Service"}}}
	spec.Fields = []ticket.FieldDef{
		{Key: "store", Label: ticket.Label{Text: "Store"}, Type: ticket.FieldText},
		{Key: "margin", Label: ticket.Label{Text: "Margin"}, Type: ticket.FieldText, Internal: true, Required: true},
	}
	c, err := ticket.NewCatalog(spec)
	require.NoError(t, err)
	return c
}

// bbRequireForbidden checks that err is a *ValidationError naming each
// field with rule "forbidden".
func bbRequireForbidden(t *testing.T, err error, fields ...string) {
	t.Helper()
	var ve *ticketkit.ValidationError
	require.ErrorAs(t, err, &ve, "%v", err)
	for _, f := range fields {
		found := false
		for _, fe := range ve.Fields {
			if fe.Field == f {
				found = true
				require.Equal(t, "forbidden", fe.Rule, "%s: %v", f, err)
			}
		}
		require.True(t, found, "%s not named in %v", f, err)
	}
}

// bbRequireNoStaffID fails when v, marshalled to JSON (or as a string),
// holds a staff user ID.
func bbRequireNoStaffID(t *testing.T, what string, v any) {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		raw, err := json.Marshal(v)
		require.NoError(t, err)
		s = string(raw)
	}
	for _, id := range bbStaffIDs {
		require.NotContains(t, s, id, "%s shows a staff ID to a customer", what)
	}
}

// TestBlackboxCustomersCannotSteerMailNorSetStaffFields attacks Open as a
// customer with every address field and every staff-owned property,
// with and without a customer directory, and checks what is stored.
func TestBlackboxCustomersCannotSteerMailNorSetStaffFields(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			rec := notifytest.NewRecorder()
			desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), Catalog: bbCatalog(t), Notifier: rec})
			require.NoError(t, err)

			// Every address a customer could type is refused, each named.
			_, err = desk.Open(ctx, bbAda, ticketkit.OpenParams{
				Subject:  "phish",
				Customer: ticket.Customer{Email: "victim@example.com", Mobile: "+33612345678"},
				Contacts: []ticket.Contact{{Name: "V", Email: "victim2@example.com"}, {Name: "W", Phone: "+33611111111"}},
			})
			bbRequireForbidden(t, err, "customer.email", "customer.mobile", "contacts[0].email", "contacts[1].phone")

			// Every staff-owned property is refused, each named.
			_, err = desk.Open(ctx, bbAda, ticketkit.OpenParams{
				Subject: "vip", Priority: "urgent", Department: "service", Assignee: bbAgent.ID,
				Tags: []string{"vip"}, Fields: map[string]string{"margin": "0"},
			})
			bbRequireForbidden(t, err, "priority", "department", "assignee", "tags", "fields.margin")
			require.Zero(t, rec.Len(), "a refused open announced something")

			// A customer naming another customer's ID opens for themselves.
			tk, err := desk.Open(ctx, bbAda, ticketkit.OpenParams{
				Subject: "mine", Customer: ticket.Customer{ID: "C-BOB", Name: "Ada"},
				Fields: map[string]string{"store": "Lyon"},
			})
			require.NoError(t, err, "a customer's own name and a public field are theirs to give; an internal required field is not required of them")
			require.Equal(t, "C-ADA", tk.Customer.ID)
			require.Empty(t, tk.Customer.Email)
			_, err = desk.Get(ctx, bbBob, tk.ID)
			require.ErrorIs(t, err, ticketkit.ErrNotFound)

			// After open: customers may not update, assign or write notes.
			email := "victim@example.com"
			_, err = desk.Update(ctx, bbAda, ticketkit.UpdateParams{TicketID: tk.ID, Customer: &ticket.Customer{Email: email}})
			require.Error(t, err)
			_, err = desk.Update(ctx, bbAda, ticketkit.UpdateParams{TicketID: tk.ID, Contacts: []ticket.Contact{{Name: "V", Email: email}}})
			require.Error(t, err)
			dept := "service"
			_, err = desk.Assign(ctx, bbAda, ticketkit.AssignParams{TicketID: tk.ID, Department: &dept})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
			_, err = desk.AddNote(ctx, bbAda, ticketkit.MessageParams{TicketID: tk.ID, Body: "note"})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
			_, err = desk.Transition(ctx, bbAda, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusClosed, Reason: "x"})
			require.Error(t, err)

			got, err := desk.Get(ctx, bbAgent, tk.ID)
			require.NoError(t, err)
			require.Empty(t, got.Customer.Email)
			require.Empty(t, got.Contacts)
			require.Equal(t, ticket.StatusOpen, got.Status)
			for _, e := range rec.Events() {
				require.Empty(t, e.Ticket.Customer.Email, "no event carries an address the customer typed")
			}

			// With a directory, the host's data replaces what was typed.
			dir := ticketkit.CustomerDirectoryFunc(func(_ context.Context, tenant, id string) (ticket.Customer, error) {
				if tenant == "acme" && id == "C-ADA" {
					return ticket.Customer{Name: "Ada L.", Email: "ada@example.com"}, nil
				}
				return ticket.Customer{}, nil
			})
			desk2, err := ticketkit.New(ticketkit.Config{Store: desk.Store(), Catalog: bbCatalog(t), Customers: dir})
			require.NoError(t, err)
			tk2, err := desk2.Open(ctx, bbAda, ticketkit.OpenParams{Subject: "typed", Customer: ticket.Customer{Email: "victim@example.com", Name: "Evil\u00a0"}})
			require.NoError(t, err)
			require.Equal(t, "ada@example.com", tk2.Customer.Email)
			require.Equal(t, "Ada L.", tk2.Customer.Name)
			_, err = desk2.Open(ctx, bbAda, ticketkit.OpenParams{Subject: "c", Contacts: []ticket.Contact{{Name: "V", Email: "victim@example.com"}}})
			bbRequireForbidden(t, err, "contacts[0].email")
		})
	}
}

// TestBlackboxCustomersNeverSeeStaffIDs runs a ticket through staff
// hands (assignee, replies, notes, status changes) and reads it back as
// its customer through every read method and every rendered mail.
func TestBlackboxCustomersNeverSeeStaffIDs(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			rec := notifytest.NewRecorder()
			desk, err := ticketkit.New(ticketkit.Config{
				Store: b.Open(t), Catalog: bbCatalog(t), Notifier: rec,
				Blobs: blob.NewMemory(blob.Config{}),
			})
			require.NoError(t, err)
			tk, err := desk.Open(ctx, bbAgent, ticketkit.OpenParams{
				Subject: "kettle", Customer: ticket.Customer{ID: "C-ADA", Email: "ada@example.com"},
				Assignee: bbBoss.ID, Tags: []string{"t"}, Fields: map[string]string{"margin": "3"},
				Message: "opened for you",
			})
			require.NoError(t, err)
			_, err = desk.Reply(ctx, bbAgent, ticketkit.MessageParams{TicketID: tk.ID, Body: "hello from staff"})
			require.NoError(t, err)
			note, err := desk.AddNote(ctx, bbBoss, ticketkit.MessageParams{TicketID: tk.ID, Body: "internal",
				Attachments: []ticketkit.AttachmentInput{{Name: "n.txt", Content: strings.NewReader("secret")}}})
			require.NoError(t, err)
			assignee := bbAgent.ID
			_, err = desk.Assign(ctx, bbBoss, ticketkit.AssignParams{TicketID: tk.ID, Assignee: &assignee})
			require.NoError(t, err)
			_, err = desk.Transition(ctx, bbAgent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusInProgress})
			require.NoError(t, err)
			_, err = desk.Reply(ctx, bbAda, ticketkit.MessageParams{TicketID: tk.ID, Body: "thanks"})
			require.NoError(t, err)

			got, err := desk.Get(ctx, bbAda, tk.ID)
			require.NoError(t, err)
			bbRequireNoStaffID(t, "Get", got)
			require.Empty(t, got.Tags)
			require.NotContains(t, got.Fields, "margin")
			byNum, err := desk.GetByNumber(ctx, bbAda, strings.ToLower(tk.Number))
			require.NoError(t, err)
			bbRequireNoStaffID(t, "GetByNumber", byNum)
			page, err := desk.Search(ctx, bbAda, ticketkit.SearchParams{})
			require.NoError(t, err)
			require.Len(t, page.Tickets, 1)
			bbRequireNoStaffID(t, "Search", page)
			msgs, err := desk.Messages(ctx, bbAda, ticketkit.MessageListParams{TicketID: tk.ID})
			require.NoError(t, err)
			bbRequireNoStaffID(t, "Messages", msgs)
			all, err := desk.Messages(ctx, bbAda, ticketkit.MessageListParams{})
			require.NoError(t, err)
			bbRequireNoStaffID(t, "Messages of every ticket", all)
			for _, m := range append(msgs.Messages, all.Messages...) {
				require.NotEqual(t, ticket.MessageNote, m.Kind)
			}
			hist, err := desk.History(ctx, bbAda, tk.ID)
			require.NoError(t, err)
			bbRequireNoStaffID(t, "History", hist)
			tr, err := desk.Transitions(ctx, bbAda, tk.ID)
			require.NoError(t, err)
			bbRequireNoStaffID(t, "Transitions", tr)

			// The note's attachment, asked for by the customer on their own ticket.
			require.Len(t, note.Attachments, 1)
			_, _, err = desk.OpenAttachment(ctx, bbAda, tk.ID, note.Attachments[0].ID)
			require.ErrorIs(t, err, ticketkit.ErrNotFound)

			// Errors a customer provokes name no staff user either.
			_, err = desk.Transition(ctx, bbAda, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusClosed, Reason: "x"})
			require.Error(t, err)
			bbRequireNoStaffID(t, "a transition error", err.Error())
			_, err = desk.Search(ctx, bbAda, ticketkit.SearchParams{Assignees: []string{bbAgent.ID}})
			bbRequireForbidden(t, err, "assignees")

			// Every mail the default templates write for the customer.
			tpl := notify.DefaultTemplates()
			cust := notify.Recipient{Audience: notify.AudienceCustomer, Address: "ada@example.com"}
			require.NotZero(t, rec.Len())
			for _, e := range rec.Events() {
				if e.Message != nil && e.Message.Kind == ticket.MessageNote {
					continue // the Resolver never sends notes to the customer
				}
				r, err := tpl.Render(e, cust, desk.Catalog())
				require.NoError(t, err)
				bbRequireNoStaffID(t, "a mail of kind "+string(e.Kind), r.Subject+r.Text+r.HTML)
			}
		})
	}
}

// TestBlackboxTenantsAndCustomersNeverCross uses IDs, numbers, cursors
// and attachment IDs of one tenant (or customer) in every parameter of
// another.
func TestBlackboxTenantsAndCustomersNeverCross(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), Catalog: bbCatalog(t), Blobs: blob.NewMemory(blob.Config{})})
			require.NoError(t, err)
			attach := func() []ticketkit.AttachmentInput {
				return []ticketkit.AttachmentInput{{Name: "a.txt", Content: strings.NewReader("ada's file")}}
			}
			var adaTk *ticket.Ticket
			for range 3 {
				adaTk, err = desk.Open(ctx, bbAda, ticketkit.OpenParams{Subject: "ada", Message: "m", Attachments: attach()})
				require.NoError(t, err)
			}
			bobTk, err := desk.Open(ctx, bbBob, ticketkit.OpenParams{Subject: "bob"})
			require.NoError(t, err)
			otherTk, err := desk.Open(ctx, bbOther, ticketkit.OpenParams{Subject: "globex", Fields: map[string]string{"margin": "1"}})
			require.NoError(t, err)
			adaMsgs, err := desk.Messages(ctx, bbAda, ticketkit.MessageListParams{TicketID: adaTk.ID})
			require.NoError(t, err)
			require.NotEmpty(t, adaMsgs.Messages[0].Attachments)
			att := adaMsgs.Messages[0].Attachments[0].ID

			// Ada's attachment through Bob's own ticket, and through another tenant.
			for _, c := range []struct {
				who    ticketkit.Actor
				ticket string
			}{{bbBob, bobTk.ID}, {bbBob, adaTk.ID}, {bbOther, otherTk.ID}, {bbOther, adaTk.ID}} {
				_, _, err = desk.OpenAttachment(ctx, c.who, c.ticket, att)
				require.ErrorIs(t, err, ticketkit.ErrNotFound, "%s via %s", c.who.ID, c.ticket)
			}
			for _, who := range []ticketkit.Actor{bbBob, bbOther} {
				_, err = desk.Get(ctx, who, adaTk.ID)
				require.ErrorIs(t, err, ticketkit.ErrNotFound)
				_, err = desk.GetByNumber(ctx, who, adaTk.Number)
				require.ErrorIs(t, err, ticketkit.ErrNotFound)
				_, err = desk.History(ctx, who, adaTk.ID)
				require.ErrorIs(t, err, ticketkit.ErrNotFound)
				_, err = desk.Messages(ctx, who, ticketkit.MessageListParams{TicketID: adaTk.ID})
				require.ErrorIs(t, err, ticketkit.ErrNotFound)
				_, err = desk.Reply(ctx, who, ticketkit.MessageParams{TicketID: adaTk.ID, Body: "x"})
				require.ErrorIs(t, err, ticketkit.ErrNotFound)
				_, err = desk.Transitions(ctx, who, adaTk.ID)
				require.ErrorIs(t, err, ticketkit.ErrNotFound)
			}
			_, err = desk.Transition(ctx, bbOther, ticketkit.TransitionParams{TicketID: adaTk.ID, To: ticket.StatusInProgress})
			require.ErrorIs(t, err, ticketkit.ErrNotFound)
			subj := "stolen"
			_, err = desk.Update(ctx, bbOther, ticketkit.UpdateParams{TicketID: adaTk.ID, Subject: &subj})
			require.ErrorIs(t, err, ticketkit.ErrNotFound)

			// A cursor minted in one tenant (by a customer) pages nothing of it elsewhere.
			p1, err := desk.Search(ctx, bbAda, ticketkit.SearchParams{Limit: 1})
			require.NoError(t, err)
			require.NotEmpty(t, p1.Next)
			for _, who := range []ticketkit.Actor{bbOther, bbBob} {
				p, err := desk.Search(ctx, who, ticketkit.SearchParams{Limit: 1, After: p1.Next})
				if err == nil {
					for _, tk := range p.Tickets {
						require.NotEqual(t, "ada", tk.Subject, "%s paged into Ada's tickets", who.ID)
					}
				} else {
					var ve *ticketkit.ValidationError
					require.True(t, errors.As(err, &ve), "%v", err)
				}
			}
			m1, err := desk.Messages(ctx, bbAda, ticketkit.MessageListParams{Limit: 1})
			require.NoError(t, err)
			require.NotEmpty(t, m1.Next)
			m, err := desk.Messages(ctx, bbOther, ticketkit.MessageListParams{After: m1.Next})
			if err == nil {
				require.Empty(t, m.Messages)
			}
		})
	}
}

// TestBlackboxCustomerComplaints attacks the complaint methods as a
// customer (only staff may open or change complaints), then reads a
// decided complaint back as its customer, looking for the decision's
// internal notes, the remedy's internal notes and staff IDs.
func TestBlackboxCustomerComplaints(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
			_, err := cd.desk.ComplaintOpen(ctx, bbAda, ticketkit.ComplaintOpenParams{
				Subject: "phish", RemedySought: ticket.RemedyReplacement, Source: invoice,
				Customer: ticket.Customer{Email: "victim@example.com"},
			})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)

			c, err := cd.desk.ComplaintOpen(ctx, agent, ticketkit.ComplaintOpenParams{
				Subject: "Leaking kettles", Reason: "CR02", Category: ticket.CategoryDefect,
				RemedySought: ticket.RemedyCreditNote, Customer: ticket.Customer{ID: "C-ADA", Email: "ada@example.com"},
				Responsibility: ticket.Responsibility{Employee: bbAgent.ID},
			})
			require.NoError(t, err)
			_, err = cd.desk.ComplaintUpdate(ctx, bbAda, ticketkit.ComplaintUpdateParams{ComplaintID: c.ID,
				Contacts: []ticket.Contact{{Name: "V", Email: "victim@example.com"}}})
			require.Error(t, err)
			_, err = cd.desk.ComplaintComment(ctx, bbAda, ticketkit.ComplaintCommentParams{ComplaintID: c.ID, Text: "x"})
			require.Error(t, err)
			c, err = cd.desk.ComplaintTransition(ctx, agent, ticketkit.ComplaintTransitionParams{ComplaintID: c.ID, To: ticket.StatusPlanned})
			require.NoError(t, err)
			_, err = cd.desk.ComplaintDecide(ctx, bbBoss, ticketkit.ComplaintDecideParams{
				ComplaintID: c.ID, Justified: true, Notes: "DECISION-INTERNAL",
				Remedy: ticket.Remedy{Kind: ticket.RemedyReplacement, Feedback: "we replace it", Notes: "REMEDY-INTERNAL"},
			})
			require.NoError(t, err)
			_, err = cd.desk.ComplaintComment(ctx, bbBoss, ticketkit.ComplaintCommentParams{ComplaintID: c.ID, Text: "COMMENT-INTERNAL"})
			require.NoError(t, err)

			var seen []any
			got, err := cd.desk.ComplaintGet(ctx, bbAda, c.ID)
			require.NoError(t, err)
			require.Contains(t, mustJSON(t, got), "we replace it", "the customer's feedback stays visible")
			seen = append(seen, got)
			j, err := cd.desk.ComplaintJournal(ctx, bbAda, ticketkit.ComplaintJournalParams{})
			require.NoError(t, err)
			require.Len(t, j.Complaints, 1)
			seen = append(seen, j)
			tk, err := cd.desk.Get(ctx, bbAda, c.ID)
			require.NoError(t, err)
			seen = append(seen, tk)
			h, err := cd.desk.History(ctx, bbAda, c.ID)
			require.NoError(t, err)
			seen = append(seen, h)
			m, err := cd.desk.Messages(ctx, bbAda, ticketkit.MessageListParams{TicketID: c.ID})
			require.NoError(t, err)
			seen = append(seen, m)
			notes, err := cd.desk.Messages(ctx, bbAda, ticketkit.MessageListParams{Kinds: []ticket.MessageKind{ticket.MessageNote}})
			if err == nil {
				require.Empty(t, notes.Messages)
			}
			_, err = cd.desk.ComplaintJournal(ctx, bbAda, ticketkit.ComplaintJournalParams{Employees: []string{bbAgent.ID}})
			bbRequireForbidden(t, err, "employees")
			// C-1's complaint, asked for by Ada: refused, as Search refuses it.
			_, err = cd.desk.ComplaintOpen(ctx, agent, ticketkit.ComplaintOpenParams{Subject: "C-1's", Reason: "CR02",
				RemedySought: ticket.RemedyReplacement, Customer: ticket.Customer{ID: "C-1"}})
			require.NoError(t, err)
			other, err := cd.desk.ComplaintJournal(ctx, bbAda, ticketkit.ComplaintJournalParams{CustomerID: "C-1"})
			bbRequireForbidden(t, err, "customer_id")
			require.Nil(t, other, "Ada read another customer's complaints")
			for i, v := range seen {
				s := mustJSON(t, v)
				bbRequireNoStaffID(t, fmt.Sprintf("complaint view %d", i), s)
				for _, secret := range []string{"DECISION-INTERNAL", "REMEDY-INTERNAL", "COMMENT-INTERNAL"} {
					require.NotContains(t, s, secret, "complaint view %d shows the customer %s", i, secret)
				}
			}
		})
	}
}

// mustJSON marshals v.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	return string(raw)
}

// TestBlackboxHostContactDataIsValidatedToo has the host's customer
// directory answer with a header-breaking name and a malformed address:
// the Desk refuses it, naming the fields, rather than store what every
// later mail would dead-letter on.
func TestBlackboxHostContactDataIsValidatedToo(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			dir := ticketkit.CustomerDirectoryFunc(func(context.Context, string, string) (ticket.Customer, error) {
				return ticket.Customer{Name: "Ada\r\nBcc: victim@evil.example", Email: "ada@example.com>, victim@evil.example"}, nil
			})
			desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), Catalog: bbCatalog(t), Customers: dir})
			require.NoError(t, err)
			_, err = desk.Open(ctx, bbAda, ticketkit.OpenParams{Subject: "x"})
			var ve *ticketkit.ValidationError
			require.ErrorAs(t, err, &ve)
			require.True(t, ve.Has("customer.name"), "%v", err)
			require.True(t, ve.Has("customer.email"), "%v", err)
			page, err := desk.Search(ctx, bbAgent, ticketkit.SearchParams{})
			require.NoError(t, err)
			require.Empty(t, page.Tickets)
		})
	}
}
