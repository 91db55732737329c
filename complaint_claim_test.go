package ticketkit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// supplierClaim is a back-charge of 80 EUR to supplier SUP-1.
func supplierClaim(id string) ticketkit.ComplaintClaimParams {
	return ticketkit.ComplaintClaimParams{
		ComplaintID: id, Role: ticket.CounterpartySupplier,
		Counterparty: ticket.Customer{ID: "SUP-1", Name: "Kettle Parts Ltd"},
		Accounting: ticket.Accounting{SalesAdjustment: true, Company: "ACME-FR", Counterparty: "SUP-1",
			Amount: decimal.RequireFromString("80.00"), Currency: "EUR"},
	}
}

// TestDesk_ComplaintClaimRaise raises claims (back-charges) from complaints.
func TestDesk_ComplaintClaimRaise(t *testing.T) {
	t.Parallel()

	t.Run("LinkedBothWaysWithHistory", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaint(t, b)
			claim, err := cd.desk.ComplaintClaimRaise(ctx, agent, supplierClaim(c.ID))
			require.NoError(t, err)
			require.NotEqual(t, c.Number, claim.Number)
			require.Equal(t, ticket.CounterpartySupplier, claim.Details.CounterpartyRole)
			require.Equal(t, "SUP-1", claim.Customer.ID)
			require.Equal(t, &ticket.ClaimLink{ID: c.ID, Number: c.Number, Role: ticket.CounterpartySupplier}, claim.Details.ClaimOf)
			require.Len(t, claim.Details.Lines, 1)
			require.Equal(t, "KET-1", claim.Details.Lines[0].Product)
			require.Equal(t, c.Subject, claim.Subject)
			require.Equal(t, "80.00", claim.Details.Accounting.Amount.StringFixed(2))

			stored, err := cd.desk.ComplaintGet(ctx, agent, claim.ID)
			require.NoError(t, err)
			require.Equal(t, claim.Details.ClaimOf, stored.Details.ClaimOf)
			got, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, []ticket.ClaimLink{{ID: claim.ID, Number: claim.Number, Role: ticket.CounterpartySupplier}}, got.Details.Claims)
			require.Equal(t, c.Version+1, got.Version)

			hist, err := cd.desk.History(ctx, agent, c.ID)
			require.NoError(t, err)
			last := hist[len(hist)-1]
			require.Equal(t, ticket.FieldClaims, last.Field)
			require.Equal(t, "supplier "+claim.Number+" ("+claim.ID+")", last.New)
			claimHist, err := cd.desk.History(ctx, agent, claim.ID)
			require.NoError(t, err)
			require.Equal(t, []string{ticket.FieldCreated}, fieldsOf(claimHist))
		})
	})

	t.Run("CustomersNeverSeeBackCharges", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaint(t, b)
			claim, err := cd.desk.ComplaintClaimRaise(ctx, agent, supplierClaim(c.ID))
			require.NoError(t, err)
			mine, err := cd.desk.ComplaintGet(ctx, customer, c.ID)
			require.NoError(t, err)
			require.Empty(t, mine.Details.Claims)
			_, err = cd.desk.ComplaintGet(ctx, customer, claim.ID)
			require.Error(t, err, "the claim is the supplier's, not the customer's")
			hist, err := cd.desk.History(ctx, customer, c.ID)
			require.NoError(t, err)
			require.NotContains(t, fieldsOf(hist), ticket.FieldClaims)
		})
	})

	t.Run("OneTransaction", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaint(t, b)
			boom := errors.New("host rolls back")
			var claim *ticket.Complaint
			err := cd.store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				var err error
				claim, err = cd.desk.ComplaintClaimRaiseTx(ctx, tx, agent, supplierClaim(c.ID))
				require.NoError(t, err)
				return boom
			})
			require.ErrorIs(t, err, boom)
			_, err = cd.desk.ComplaintGet(ctx, agent, claim.ID)
			require.ErrorIs(t, err, ticketkit.ErrNotFound, "the claim rolled back with the host")
			got, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Empty(t, got.Details.Claims)
		})
	})

	t.Run("BadClaimsAreRefused", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaint(t, b)
			p := supplierClaim(c.ID)
			p.Role = ticket.CounterpartyCustomer
			_, err := cd.desk.ComplaintClaimRaise(ctx, agent, p)
			require.Equal(t, []string{"role"}, validationFields(t, err))
			p = supplierClaim(c.ID)
			p.Lines = []int{3}
			_, err = cd.desk.ComplaintClaimRaise(ctx, agent, p)
			require.Equal(t, []string{"lines[0]"}, validationFields(t, err))
			claim, err := cd.desk.ComplaintClaimRaise(ctx, agent, supplierClaim(c.ID))
			require.NoError(t, err)
			_, err = cd.desk.ComplaintClaimRaise(ctx, agent, supplierClaim(claim.ID))
			require.Equal(t, []string{"complaint_id"}, validationFields(t, err), "a claim raises no claim")
			_, err = cd.desk.ComplaintClaimRaise(ctx, customer, supplierClaim(c.ID))
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
			got, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Len(t, got.Details.Claims, 1, "refused claims left no link")
		})
	})

	t.Run("CarrierComplaintOpenedDirectly", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
			p := ticketkit.ComplaintOpenParams{
				Subject: "Pallet crushed in transit", Reason: "CR02", RemedySought: ticket.RemedyRefund,
				Customer: ticket.Customer{ID: "CAR-1", Name: "Fast Freight"}, CounterpartyRole: ticket.CounterpartyCarrier,
			}
			c, err := cd.desk.ComplaintOpen(ctx, agent, p)
			require.NoError(t, err)
			got, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, ticket.CounterpartyCarrier, got.Details.CounterpartyRole)
			p.CounterpartyRole = "bank"
			_, err = cd.desk.ComplaintOpen(ctx, agent, p)
			require.Equal(t, []string{"complaint.counterparty_role"}, validationFields(t, err))
		})
	})
}
