package ticketkit_test

import (
	"slices"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// ComplaintUpdate and ComplaintDecide keep every change with its
// history (issue 13, defects 1 and 4), on every backend.

// historyFields returns the fields of a complaint's history.
func historyFields(t *testing.T, cd *complaintDesk, id string) []string {
	t.Helper()
	hist, err := cd.desk.History(t.Context(), agent, id)
	require.NoError(t, err)
	return fieldsOf(hist)
}

// TestDesk_ComplaintUpdate changes a complaint's fields.
func TestDesk_ComplaintUpdate(t *testing.T) {
	t.Parallel()

	// SavesEveryFieldWithItsHistory changes fields that
	// used to be dropped silently (responsibility, accounting parties, the
	// remedy sought) alone and with a tracked field: each is stored at a
	// new version with its history line, and a no-op keeps the version.
	t.Run("SavesEveryFieldWithItsHistory", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaint(t, b)
			update := func(p ticketkit.ComplaintUpdateParams) *ticket.Complaint {
				t.Helper()
				p.ComplaintID = c.ID
				got, err := cd.desk.ComplaintUpdate(ctx, agent, p)
				require.NoError(t, err)
				stored, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
				require.NoError(t, err)
				require.Equal(t, got.Version, stored.Version)
				require.Empty(t, ticket.ComplaintDiff(got, stored), "what is returned is what is stored")
				return stored
			}
			steps := []struct {
				name   string
				p      ticketkit.ComplaintUpdateParams
				fields []string
				check  func(*ticket.Complaint)
			}{
				{
					name:   "Responsibility",
					p:      ticketkit.ComplaintUpdateParams{Responsibility: &ticket.Responsibility{BusinessUnit: "BU-1", Employee: "emp-7", Salesperson: "sales-2"}},
					fields: []string{ticket.FieldAssignee, ticket.FieldBusinessUnit, ticket.FieldEmployee, ticket.FieldSalesperson},
					check: func(c *ticket.Complaint) {
						require.Equal(t, ticket.Responsibility{BusinessUnit: "BU-1", Employee: "emp-7", Salesperson: "sales-2"}, c.Details.Responsibility)
					},
				},
				{
					name: "AccountingParties",
					p: ticketkit.ComplaintUpdateParams{Accounting: &ticket.Accounting{
						SalesAdjustment: true, Company: "ACME-DE", Counterparty: "C-1-DE", Contract: "CT-10",
						Amount: decimal.RequireFromString("120.00"), Currency: "EUR",
					}},
					fields: []string{ticket.FieldCompany, ticket.FieldCounterparty, ticket.FieldAcctContract},
					check: func(c *ticket.Complaint) {
						a := c.Details.Accounting
						require.Equal(t, []string{"ACME-DE", "C-1-DE", "CT-10"}, []string{a.Company, a.Counterparty, a.Contract})
					},
				},
				{
					name:   "RemedySought",
					p:      ticketkit.ComplaintUpdateParams{RemedySought: new(ticket.RemedyReplacement)},
					fields: []string{ticket.FieldRemedySought},
					check:  func(c *ticket.Complaint) { require.Equal(t, ticket.RemedyReplacement, c.Details.RemedySought) },
				},
				{
					name:   "TrackedAndFormerlyUntrackedTogether",
					p:      ticketkit.ComplaintUpdateParams{Severity: new(ticket.SeverityHigh), Responsibility: &ticket.Responsibility{BusinessUnit: "BU-2", Salesperson: "sales-2"}},
					fields: []string{ticket.FieldAssignee, ticket.FieldSeverity, ticket.FieldBusinessUnit, ticket.FieldEmployee},
					check:  func(c *ticket.Complaint) { require.Equal(t, "BU-2", c.Details.Responsibility.BusinessUnit) },
				},
			}
			for _, s := range steps {
				before := historyFields(t, cd, c.ID)
				got := update(s.p)
				require.Equal(t, c.Version+1, got.Version, "%s: a change is stored at a new version", s.name)
				s.check(got)
				require.Equal(t, s.fields, historyFields(t, cd, c.ID)[len(before):], s.name)
				c = got
			}

			// A no-op stores nothing: same version, no history line.
			before := historyFields(t, cd, c.ID)
			got := update(ticketkit.ComplaintUpdateParams{Responsibility: &c.Details.Responsibility, RemedySought: &c.Details.RemedySought})
			require.Equal(t, c.Version, got.Version, "a no-op keeps the version")
			require.Equal(t, before, historyFields(t, cd, c.ID))
		})
	})
}

// TestDesk_ComplaintDecide decides a complaint.
func TestDesk_ComplaintDecide(t *testing.T) {
	t.Parallel()

	// AgainReplacesTheCreditFollowUp decides three times
	// with a credit required: one credit task remains, for the last amount,
	// and it does not block fulfilment once done.
	t.Run("AgainReplacesTheCreditFollowUp", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaint(t, b)
			c, err := cd.desk.ComplaintTransition(ctx, agent, ticketkit.ComplaintTransitionParams{ComplaintID: c.ID, To: ticket.StatusPlanned})
			require.NoError(t, err)
			for _, amount := range []string{"99.90", "80.00", "80.00"} {
				c, err = cd.desk.ComplaintDecide(ctx, agent, ticketkit.ComplaintDecideParams{
					ComplaintID: c.ID, Justified: true, CreditRequired: true,
					Remedy: ticket.Remedy{Kind: ticket.RemedyCreditNote, Amount: decimal.RequireFromString(amount), Currency: "EUR"},
				})
				require.NoError(t, err)
			}
			var credit []string
			for _, a := range c.Actions {
				if a.Owner == "sales-1" {
					credit = append(credit, a.Title)
				}
			}
			require.Equal(t, []string{"Issue a credit note over 80.00 EUR"}, credit, "one credit task, for the last decision")
			require.True(t, slices.ContainsFunc(c.Actions, func(a ticket.Action) bool { return a.ID == c.Details.Decision.FollowUp }))
			c = cd.toFulfilledFromPlanned(t, c)
			require.Equal(t, ticket.StatusFulfilled, c.Status, "no stale task blocks fulfilment")
		})
	})
}
