package storagetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// complaintJournal checks every filter of the complaint journal
// (storage.ComplaintFilter), alone and combined, the newest-first order
// and its cursor, and that a changed complaint is found by its new
// values and no longer by its old ones.
func (s suite) complaintJournal(t *testing.T) {
	ctx := context.Background()
	st, cs := s.complaintStore(t)
	dec := decimal.RequireFromString
	// Twelve complaints issued a day apart; each filter value picks a
	// known subset.
	var all []*ticket.Complaint
	for i := range 12 {
		all = append(all, newComplaint(tenantA, time.Duration(i)*24*time.Hour, func(c *ticket.Complaint) {
			d := &c.Details
			c.Subject = fmt.Sprintf("Kettle %d leaks", i)
			if i%3 == 0 {
				c.Subject = fmt.Sprintf("Toaster %d burns", i)
			}
			c.Reason = []string{"CR01", "CR02", "CR03"}[i%3]
			if i == 11 {
				c.Reason = "" // logged without a reason
			}
			c.Priority = []string{"normal", "high"}[i%2]
			if i >= 9 {
				c.Status = ticket.StatusPosted
			}
			c.Customer.ID = fmt.Sprintf("cust-%d", i%4)
			d.Severity = ticket.Severities()[i%4]
			d.Accounting.Counterparty = fmt.Sprintf("cp-%d", i%4)
			d.Accounting.Amount = dec(fmt.Sprintf("%d.50", i*100))
			d.Accounting.Currency = []string{"EUR", "USD"}[i%2]
			d.Responsibility = ticket.Responsibility{
				BusinessUnit: fmt.Sprintf("BU-%d", i%2), Employee: fmt.Sprintf("emp-%d", i%3), Salesperson: fmt.Sprintf("sales-%d", i%4),
			}
			d.Source = &ticket.Reference{Kind: ticket.RefInvoice, ID: fmt.Sprintf("INV-%d", i)}
			if i == 5 {
				d.Source = &ticket.Reference{Kind: ticket.RefOrder, ID: "INV-5"}
			}
			if i == 7 {
				d.Source = nil
			}
		}))
	}
	mustCreateComplaint(t, st, all...)
	mustCreateComplaint(t, st, newComplaint(tenantB, 0)) // another tenant's: never listed

	pick := func(idx ...int) []string {
		out := []string{}
		for _, i := range idx {
			out = append(out, all[i].ID)
		}
		return out
	}
	list := func(t *testing.T, f storage.ComplaintFilter) []string {
		t.Helper()
		f.TenantID = tenantA
		res, err := cs.ComplaintList(ctx, storage.ComplaintListParams{ComplaintFilter: f})
		require.NoError(t, err)
		return append([]string{}, complaintIDs(res.Complaints)...)
	}
	from, to := dec("300"), dec("600.50")
	tests := []struct {
		name string
		f    storage.ComplaintFilter
		want []string
	}{
		{"Reason", storage.ComplaintFilter{Reasons: []string{"CR02"}}, pick(1, 4, 7, 10)},
		{"NoReason", storage.ComplaintFilter{Reasons: []string{""}}, pick(11)},
		{"Status", storage.ComplaintFilter{Statuses: []string{ticket.StatusPosted}}, pick(9, 10, 11)},
		{"Priority", storage.ComplaintFilter{Priorities: []string{"high"}}, pick(1, 3, 5, 7, 9, 11)},
		{"Severity", storage.ComplaintFilter{Severities: []ticket.Severity{ticket.SeverityCritical, ticket.SeverityLow}}, pick(0, 3, 4, 7, 8, 11)},
		{"Customer", storage.ComplaintFilter{CustomerID: "cust-2"}, pick(2, 6, 10)},
		{"Counterparty", storage.ComplaintFilter{Counterparty: "cp-1"}, pick(1, 5, 9)},
		{"BusinessUnit", storage.ComplaintFilter{BusinessUnits: []string{"BU-0"}}, pick(0, 2, 4, 6, 8, 10)},
		{"Employee", storage.ComplaintFilter{Employees: []string{"emp-2"}}, pick(2, 5, 8, 11)},
		{"Salesperson", storage.ComplaintFilter{Salespersons: []string{"sales-3", "sales-0"}}, pick(0, 3, 4, 7, 8, 11)},
		{"SourceID", storage.ComplaintFilter{SourceID: "INV-5"}, pick(5)},
		{"SourceKindAndID", storage.ComplaintFilter{SourceKind: ticket.RefInvoice, SourceID: "INV-5"}, pick()},
		{"SourceKind", storage.ComplaintFilter{SourceKind: ticket.RefOrder}, pick(5)},
		{"AmountRange", storage.ComplaintFilter{AmountFrom: &from, AmountTo: &to}, pick(3, 4, 5, 6)},
		{"AmountFrom", storage.ComplaintFilter{AmountFrom: &to}, pick(6, 7, 8, 9, 10, 11)},
		{"AmountCurrency", storage.ComplaintFilter{AmountTo: &to, Currency: "USD"}, pick(1, 3, 5)},
		{"Issued", storage.ComplaintFilter{IssuedFrom: at(24 * time.Hour), IssuedTo: at(72 * time.Hour)}, pick(1, 2)},
		{"TextIgnoresCase", storage.ComplaintFilter{Text: "TOASTER"}, pick(0, 3, 6, 9)},
		{"TextShort", storage.ComplaintFilter{Text: "1 l"}, pick(1, 11)},
		{"Combined", storage.ComplaintFilter{
			Reasons: []string{"CR01"}, BusinessUnits: []string{"BU-0"}, Text: "toaster", IssuedTo: at(200 * time.Hour),
		}, pick(0, 6)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, list(t, tt.f))
		})
	}

	t.Run("NewestFirstPages", func(t *testing.T) {
		var got []string
		after := ""
		for {
			res, err := cs.ComplaintList(ctx, storage.ComplaintListParams{
				ComplaintFilter: storage.ComplaintFilter{TenantID: tenantA, Priorities: []string{"normal"}}, Desc: true, Limit: 4, After: after,
			})
			require.NoError(t, err)
			got = append(got, complaintIDs(res.Complaints)...)
			if res.Next == "" {
				break
			}
			after = res.Next
			_, err = cs.ComplaintList(ctx, storage.ComplaintListParams{
				ComplaintFilter: storage.ComplaintFilter{TenantID: tenantA}, After: after,
			})
			require.ErrorIs(t, err, storage.ErrInvalidCursor, "a newest-first cursor is refused by an oldest-first list")
		}
		require.Equal(t, pick(10, 8, 6, 4, 2, 0), got)
	})

	t.Run("FoundByChangedValues", func(t *testing.T) {
		c, err := cs.ComplaintGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: all[11].ID})
		require.NoError(t, err)
		c.Reason = "CR04"
		c.Details.Severity = ticket.SeverityMedium
		c.Details.Responsibility.Employee = "emp-9"
		c.Details.Accounting.Counterparty = "cp-9"
		c.Details.Source = &ticket.Reference{Kind: ticket.RefInvoice, ID: "INV-99"}
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			return tx.(storage.ComplaintStore).ComplaintUpdate(ctx, c)
		}))
		for _, f := range []storage.ComplaintFilter{
			{Reasons: []string{"CR04"}}, {Severities: []ticket.Severity{ticket.SeverityMedium}, Employees: []string{"emp-9"}},
			{Counterparty: "cp-9"}, {SourceID: "INV-99"},
		} {
			require.Equal(t, pick(11), list(t, f), "%+v", f)
		}
		require.Equal(t, pick(), list(t, storage.ComplaintFilter{Reasons: []string{""}}))
		require.NotContains(t, list(t, storage.ComplaintFilter{Employees: []string{"emp-2"}}), all[11].ID)
	})
}
