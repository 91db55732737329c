package ticketkit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// year0 and year10000 are times no store keeps: PostgreSQL refused year
// 0 with an SQL error, which reached hosts as a 500.
var (
	year0     = time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC)
	year10000 = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// TestDesk_HostileInputIsAValidationError sends NUL bytes, invalid
// UTF-8, out-of-range times, forged cursors and header-breaking names
// through every Desk entry that takes them, on every store: each is a
// *ValidationError naming the field, never a store error.
func TestDesk_HostileInputIsAValidationError(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t)})
		require.NoError(t, err)
		ctx := t.Context()
		tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Kettle", Customer: ticket.Customer{ID: "C-1"}})
		require.NoError(t, err)

		search := func(p ticketkit.SearchParams) func() error {
			return func() error { _, err := desk.Search(ctx, agent, p); return err }
		}
		open := func(p ticketkit.OpenParams) func() error {
			if p.Subject == "" {
				p.Subject = "Kettle"
			}
			return func() error { _, err := desk.Open(ctx, agent, p); return err }
		}
		cases := []struct {
			name  string
			call  func() error
			field string
		}{
			{"OpenSubjectNUL", open(ticketkit.OpenParams{Subject: "Ket\x00tle"}), "subject"},
			{"OpenDescriptionInvalidUTF8", open(ticketkit.OpenParams{Description: "caf\xe9"}), "description"},
			{"OpenTagNUL", open(ticketkit.OpenParams{Tags: []string{"a\x00"}}), "tags[0]"},
			{"OpenFieldValueNUL", open(ticketkit.OpenParams{Fields: map[string]string{"serial": "X\x00"}}), "fields[serial]"},
			{"OpenCustomerIDNUL", open(ticketkit.OpenParams{Customer: ticket.Customer{ID: "C\x00"}}), "customer.id"},
			{"OpenSubjectCRLF", open(ticketkit.OpenParams{Subject: "Refund\r\nBcc: victim@example.com"}), "subject"},
			{"UpdateSubjectLF", func() error {
				subject := "Refund\nBcc: victim@example.com"
				_, err := desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: tk.ID, Subject: &subject})
				return err
			}, "subject"},
			{"OpenCustomerNameCRLF", open(ticketkit.OpenParams{Customer: ticket.Customer{Name: "Jane\r\nBcc: victim@example.com"}}), "customer.name"},
			{"OpenCustomerEmailWithName", open(ticketkit.OpenParams{Customer: ticket.Customer{Email: "Jane <jane@example.com>"}}), "customer.email"},
			{"OpenCustomerEmailCRLF", open(ticketkit.OpenParams{Customer: ticket.Customer{Email: "jane@example.com\r\nBcc: v@example.com"}}), "customer.email"},
			{"OpenContactNameLF", open(ticketkit.OpenParams{Contacts: []ticket.Contact{{Name: "Bob\nRoe"}}}), "contacts[0].name"},
			{"OpenContactEmailList", open(ticketkit.OpenParams{Contacts: []ticket.Contact{{Name: "Bob", Email: "a@example.com, b@example.com"}}}), "contacts[0].email"},
			{"SearchTextNUL", search(ticketkit.SearchParams{Text: "a\x00"}), "text"},
			{"SearchNumberNUL", search(ticketkit.SearchParams{Number: "TK\x00"}), "number"},
			{"SearchEmailNUL", search(ticketkit.SearchParams{CustomerEmail: "a\x00@example.com"}), "customer_email"},
			{"SearchCustomerIDInvalidUTF8", search(ticketkit.SearchParams{CustomerID: "\xff"}), "customer_id"},
			{"SearchStatusNUL", search(ticketkit.SearchParams{Statuses: []string{"open", "x\x00"}}), "statuses[1]"},
			{"SearchAssigneeNUL", search(ticketkit.SearchParams{Assignees: []string{"\x00"}}), "assignees[0]"},
			{"SearchCreatedFromYear0", search(ticketkit.SearchParams{CreatedFrom: year0}), "created_from"},
			{"SearchCreatedToYear10000", search(ticketkit.SearchParams{CreatedTo: year10000}), "created_to"},
			{"SearchTooManyStatuses", search(ticketkit.SearchParams{Statuses: make([]string, ticket.MaxItems+1)}), "statuses"},
			{"SearchCursorNUL", search(ticketkit.SearchParams{Sort: storage.SortNumber,
				After: storage.Cursor{Sort: storage.SortNumber, Str: "TK\x00", ID: tk.ID}.Encode()}), "after"},
			{"SearchCursorYear0", search(ticketkit.SearchParams{Sort: storage.SortCreatedAt,
				After: storage.Cursor{Sort: storage.SortCreatedAt, Time: year0, ID: tk.ID}.Encode()}), "after"},
			{"GetNUL", func() error { _, err := desk.Get(ctx, agent, tk.ID+"\x00"); return err }, "id"},
			{"GetInvalidUTF8", func() error { _, err := desk.Get(ctx, agent, "\xff\xfe"); return err }, "id"},
			{"GetByNumberNUL", func() error { _, err := desk.GetByNumber(ctx, agent, tk.Number+"\x00"); return err }, "number"},
			{"HistoryNUL", func() error { _, err := desk.History(ctx, agent, "\x00"); return err }, "id"},
			{"TransitionsNUL", func() error { _, err := desk.Transitions(ctx, agent, "\x00"); return err }, "id"},
			{"TransitionTicketIDNUL", func() error {
				_, err := desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: "\x00", To: ticket.StatusInProgress})
				return err
			}, "ticket_id"},
			{"TransitionPendingUntilYear0", func() error {
				_, err := desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusWaiting, PendingUntil: year0})
				return err
			}, "pending_until"},
			{"ReplyBodyNUL", func() error {
				_, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "hi\x00"})
				return err
			}, "body"},
			{"MessagesCreatedFromYear0", func() error {
				_, err := desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: tk.ID, CreatedFrom: year0})
				return err
			}, "created_from"},
			{"MessagesCursorNUL", func() error {
				after := storage.Cursor{Sort: storage.SortCreatedAt, Time: t0, ID: "\x00"}.Encode()
				_, err := desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: tk.ID, After: after})
				return err
			}, "after"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				err := c.call()
				require.Contains(t, validationFields(t, err), c.field, "%v", err)
			})
		}

		// Nothing of the refused opens was stored.
		res, err := desk.Search(ctx, agent, ticketkit.SearchParams{})
		require.NoError(t, err)
		require.Len(t, res.Tickets, 1)
	})
}

// TestDesk_ComplaintWithNULIDIsAValidationError covers the complaint
// read, which asks its own store method rather than load.
func TestDesk_ComplaintWithNULIDIsAValidationError(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
		c := cd.open(t)
		_, err := cd.desk.ComplaintGet(t.Context(), agent, c.ID+"\x00")
		require.Equal(t, []string{"id"}, validationFields(t, err))
	})
}
