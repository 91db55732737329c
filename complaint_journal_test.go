package ticketkit_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// TestDesk_ComplaintJournal lists complaints through the Desk.
func TestDesk_ComplaintJournal(t *testing.T) {
	t.Parallel()

	// FiltersPagesAndTheCustomersView: filters reach the store, status categories become the
	// complaint catalog's codes, pages follow each other newest first, and
	// a customer sees only their own complaints, without the help desk's
	// assessment, and may not filter by it.
	t.Run("FiltersPagesAndTheCustomersView", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
			var all []*ticket.Complaint
			for i := range 5 {
				p := ticketkit.ComplaintOpenParams{
					Subject: "Leaking kettles", Reason: "CR02", Category: ticket.CategoryDefect,
					RemedySought: ticket.RemedyCreditNote, IssuedAt: t0.Add(time.Duration(i-10) * time.Hour),
					Severity:       ticket.SeverityHigh,
					Accounting:     ticket.Accounting{SalesAdjustment: true, Amount: decimal.NewFromInt(int64(100 * (i + 1)))},
					Responsibility: ticket.Responsibility{BusinessUnit: "BU1", Employee: "emp-1"},
					Source:         invoice,
				}
				if i%2 == 1 { // another customer's, with no source document
					p.Source, p.Customer = nil, ticket.Customer{ID: "C-2", Name: "Other shop"}
					p.Accounting.Company, p.Accounting.Counterparty, p.Accounting.Currency = "ACME-FR", "C-2", "EUR"
					p.Responsibility.BusinessUnit = "BU2"
				}
				c, err := cd.desk.ComplaintOpen(ctx, agent, p)
				require.NoError(t, err)
				all = append(all, c)
			}
			c, err := cd.desk.ComplaintTransition(ctx, agent, ticketkit.ComplaintTransitionParams{ComplaintID: all[4].ID, To: ticket.StatusPlanned})
			require.NoError(t, err)
			all[4] = c
			ids := func(cs []*ticket.Complaint) []string {
				out := []string{}
				for _, c := range cs {
					out = append(out, c.ID)
				}
				return out
			}
			pick := func(idx ...int) []string {
				out := []string{}
				for _, i := range idx {
					out = append(out, all[i].ID)
				}
				return out
			}
			journal := func(actor ticketkit.Actor, p ticketkit.ComplaintJournalParams) []string {
				t.Helper()
				page, err := cd.desk.ComplaintJournal(ctx, actor, p)
				require.NoError(t, err, "%+v", p)
				return ids(page.Complaints)
			}
			from, to := decimal.NewFromInt(200), decimal.NewFromInt(400)
			require.Equal(t, pick(0, 1, 2, 3), journal(agent, ticketkit.ComplaintJournalParams{StatusCategories: []ticket.StatusCategory{ticket.CategoryNew}}))
			require.Equal(t, pick(4), journal(agent, ticketkit.ComplaintJournalParams{StatusCategories: []ticket.StatusCategory{ticket.CategoryOpen}}))
			require.Equal(t, pick(), journal(agent, ticketkit.ComplaintJournalParams{
				StatusCategories: []ticket.StatusCategory{ticket.CategoryClosed}, Statuses: []string{ticket.StatusRegistered},
			}))
			require.Equal(t, pick(1, 3), journal(agent, ticketkit.ComplaintJournalParams{BusinessUnits: []string{"BU2"}, Counterparty: "C-2"}))
			require.Equal(t, pick(0, 2, 4), journal(agent, ticketkit.ComplaintJournalParams{SourceKind: ticket.RefInvoice, SourceID: "INV-1"}))
			require.Equal(t, pick(1, 2, 3), journal(agent, ticketkit.ComplaintJournalParams{AmountFrom: &from, AmountTo: &to}))
			require.Equal(t, pick(0, 1, 2, 3, 4), journal(agent, ticketkit.ComplaintJournalParams{Employees: []string{"emp-1"}, Severities: []ticket.Severity{ticket.SeverityHigh}, Text: "KETTLES"}))

			var got []string
			p := ticketkit.ComplaintJournalParams{Desc: true, Limit: 2}
			for {
				page, err := cd.desk.ComplaintJournal(ctx, agent, p)
				require.NoError(t, err)
				got = append(got, ids(page.Complaints)...)
				if page.Next == "" {
					break
				}
				p.After = page.Next
			}
			require.Equal(t, pick(4, 3, 2, 1, 0), got)

			mine, err := cd.desk.ComplaintJournal(ctx, customer, ticketkit.ComplaintJournalParams{})
			require.NoError(t, err)
			require.Equal(t, pick(0, 2, 4), ids(mine.Complaints), "a customer sees their own complaints only")
			for _, c := range mine.Complaints {
				require.Empty(t, c.Details.Severity)
				require.Empty(t, c.Details.Responsibility)
				require.True(t, c.Details.Accounting.Amount.IsZero())
				require.Empty(t, c.Assignee)
			}

			_, err = cd.desk.ComplaintJournal(ctx, customer, ticketkit.ComplaintJournalParams{Employees: []string{"emp-1"}, AmountFrom: &from})
			require.ElementsMatch(t, []string{"employees", "amount_from"}, validationFields(t, err))
			_, err = cd.desk.ComplaintJournal(ctx, agent, ticketkit.ComplaintJournalParams{
				Statuses: []string{"open"}, Reasons: []string{"nope"}, Severities: []ticket.Severity{"huge"}, AmountFrom: &to, AmountTo: &from, After: "junk",
			})
			require.ElementsMatch(t, []string{"statuses[0]", "reasons[0]", "severities[0]", "amount_to"}, validationFields(t, err))
			_, err = cd.desk.ComplaintJournal(ctx, agent, ticketkit.ComplaintJournalParams{After: "junk"})
			require.Equal(t, []string{"after"}, validationFields(t, err))
		})
	})

	// RefusesACustomersCustomerID checks that a
	// customer asking the journal for a customer ID, another customer's or
	// their own, is refused as Search refuses it (a *ValidationError, rule
	// "forbidden" on customer_id) rather than silently answered with their
	// own complaints, on every backend, while staff filter by it.
	t.Run("RefusesACustomersCustomerID", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
			other := ticketkit.ComplaintOpenParams{Subject: "Other shop's", Reason: "CR02", RemedySought: ticket.RemedyCreditNote,
				Customer: ticket.Customer{ID: "C-2", Name: "Other shop"}}
			oc, err := cd.desk.ComplaintOpen(ctx, agent, other)
			require.NoError(t, err)
			own := other
			own.Subject, own.Customer = "Mine", ticket.Customer{ID: customer.CustomerID, Name: "Kettle Shop"}
			_, err = cd.desk.ComplaintOpen(ctx, agent, own)
			require.NoError(t, err)

			for _, id := range []string{"C-2", customer.CustomerID, " C-2 "} {
				page, err := cd.desk.ComplaintJournal(ctx, customer, ticketkit.ComplaintJournalParams{CustomerID: id})
				require.Nil(t, page)
				var verr *ticketkit.ValidationError
				require.ErrorAs(t, err, &verr, "customer_id %q", id)
				require.Len(t, verr.Fields, 1)
				require.Equal(t, "customer_id", verr.Fields[0].Field)
				require.Equal(t, "forbidden", verr.Fields[0].Rule)
			}
			// Refused with the other internal filters, each named.
			_, err = cd.desk.ComplaintJournal(ctx, customer, ticketkit.ComplaintJournalParams{CustomerID: "C-2", Counterparty: "C-2"})
			require.ElementsMatch(t, []string{"customer_id", "counterparty"}, validationFields(t, err))
			// Search refuses it the same way.
			_, err = cd.desk.Search(ctx, customer, ticketkit.SearchParams{CustomerID: "C-2"})
			require.Equal(t, []string{"customer_id"}, validationFields(t, err))

			page, err := cd.desk.ComplaintJournal(ctx, agent, ticketkit.ComplaintJournalParams{CustomerID: "C-2"})
			require.NoError(t, err)
			require.Len(t, page.Complaints, 1)
			require.Equal(t, oc.ID, page.Complaints[0].ID)
		})
	})
}
