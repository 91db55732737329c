package storagetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// complaintStore returns a fresh store as a ComplaintStore.
func (s suite) complaintStore(t *testing.T) (storage.Store, storage.ComplaintStore) {
	t.Helper()
	st := s.store(t)
	return st, as[storage.ComplaintStore](t, st)
}

// newComplaint returns a complaint of tenant with every section field
// set, issued at base plus issued.
func newComplaint(tenant string, issued time.Duration, mods ...func(*ticket.Complaint)) *ticket.Complaint {
	tk := newTicket(tenant, func(tk *ticket.Ticket) {
		tk.Status = ticket.StatusRegistered
		tk.Reason = "CR02"
		tk.Category = ticket.CategoryDefect
		tk.CreatedAt = at(issued + time.Hour)
	})
	c := &ticket.Complaint{Ticket: *tk, Details: ticket.ComplaintDetails{
		IssuedAt:     at(issued),
		RemedySought: ticket.RemedyCreditNote,
		Severity:     ticket.SeverityHigh,
		Source:       &ticket.Reference{Kind: ticket.RefInvoice, ID: "INV-7", Label: "March"},
		Lines: []ticket.ComplaintLine{
			{Product: "KET-1", Description: "Kettle", Serial: "SN-1", Batch: "B-9", Quantity: decimal.RequireFromString("2.5"), Unit: "pcs",
				Return: &ticket.Reference{Kind: ticket.RefReturn, ID: "RMA-7"}, Note: "internal",
				Decision: &ticket.LineDecision{Justified: true, By: "agent-7", At: at(2 * time.Hour), Remedies: []ticket.LineRemedy{
					{Kind: ticket.RemedyCreditNote, Percent: decimal.RequireFromString("40")},
					{Kind: ticket.RemedyReplacement, Quantity: decimal.RequireFromString("1.5"), Notes: "spare"},
				}}},
		},
		Claims: []ticket.ClaimLink{{ID: "claim-1", Number: "CC-2", Role: ticket.CounterpartyCarrier}},
		Accounting: ticket.Accounting{
			SalesAdjustment: true, Company: "ACME-FR", Counterparty: "cust-1", Contract: "CT-5",
			Amount: decimal.RequireFromString("1234567890.12"), Currency: "EUR",
		},
		Responsibility: ticket.Responsibility{BusinessUnit: "BU-1", Employee: "emp-1", Salesperson: "sales-1"},
		Attachments: []ticket.ComplaintAttachment{{
			Attachment: ticket.Attachment{ID: "a1", Name: "photo.jpg", Key: "k1", Size: 3},
			Type:       ticket.AttachPhoto, CustomerVisible: true, By: "agent-7", At: at(90 * time.Minute),
		}},
		Costs: []ticket.CostEntry{
			{ID: "cost-1", Kind: ticket.CostLabour, Amount: decimal.RequireFromString("45.50"), Currency: "EUR", By: "agent-7", At: at(2 * time.Hour), Note: "inspection"},
			{ID: "cost-2", Kind: "travel", Amount: decimal.RequireFromString("123456789012.34"), Currency: "USD", By: "agent-7", At: at(2 * time.Hour)},
		},
		Comments: []ticket.Comment{{Author: "agent-7", At: at(2 * time.Hour), Text: "Called"}},
		Reviews: []ticket.Review{{
			By: "sup-1", Role: ticket.RoleSupervisor, At: at(3 * time.Hour), Outcome: ticket.ReviewApproved,
		}},
		ReviewResults: []ticket.ReviewResult{{
			ID: "r1", By: "qa-1", At: at(150 * time.Minute), Text: "Seal cracked", Findings: []string{"seal", "batch B-9"},
		}},
		Decision: &ticket.ComplaintDecision{
			Justified: true, By: "agent-7", At: at(4 * time.Hour), CreditRequired: true,
			Remedy: ticket.Remedy{Kind: ticket.RemedyCreditNote, Amount: decimal.RequireFromString("99.90"), Currency: "EUR"},
		},
		EndDate: at(5 * time.Hour),
	}}
	for _, m := range mods {
		m(c)
	}
	return c
}

// mustCreateComplaint stores complaints, ticket and section in one
// transaction.
func mustCreateComplaint(t *testing.T, st storage.Store, cs ...*ticket.Complaint) {
	t.Helper()
	require.NoError(t, st.RunInTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		for _, c := range cs {
			if err := tx.TicketCreate(ctx, &c.Ticket); err != nil {
				return err
			}
			if err := as[storage.ComplaintStore](t, tx).ComplaintCreate(ctx, c); err != nil {
				return err
			}
		}
		return nil
	}))
}

// requireComplaint compares two complaints: the ticket as requireTicket
// does, the section by its JSON.
func requireComplaint(t *testing.T, want, got *ticket.Complaint) {
	t.Helper()
	require.NotNil(t, got)
	requireTicket(t, &want.Ticket, &got.Ticket)
	js := func(c *ticket.Complaint) string {
		d := c.Details
		d.IssuedAt, d.EndDate, d.PostedAt = normTime(d.IssuedAt), normTime(d.EndDate), normTime(d.PostedAt)
		b, err := json.Marshal(d)
		require.NoError(t, err)
		return string(b)
	}
	require.JSONEq(t, js(want), js(got))
	requireUTC(t, "issued_at", got.Details.IssuedAt)
	requireUTC(t, "end_date", got.Details.EndDate)
}

// complaint checks the optional ComplaintStore, and ComplaintLocker when
// it is declared.
func (s suite) complaint(t *testing.T) {
	ctx := context.Background()
	get := func(t *testing.T, cs storage.ComplaintStore, tenant, id string) (*ticket.Complaint, error) {
		t.Helper()
		return cs.ComplaintGet(ctx, storage.TicketGetParams{TenantID: tenant, ID: id})
	}

	t.Run("CreateAndGetRoundTripTheSection", func(t *testing.T) {
		t.Parallel()
		st, cs := s.complaintStore(t)
		c := newComplaint(tenantA, 0)
		mustCreateComplaint(t, st, c)
		got, err := get(t, cs, tenantA, c.ID)
		require.NoError(t, err)
		require.Equal(t, int64(1), got.Version)
		requireComplaint(t, c, got)
		require.True(t, got.Details.Accounting.Amount.Equal(decimal.RequireFromString("1234567890.12")))
	})

	t.Run("CreateNeedsTheTicketAndOnlyOnce", func(t *testing.T) {
		t.Parallel()
		st, cs := s.complaintStore(t)
		c := newComplaint(tenantA, 0)
		require.ErrorIs(t, cs.ComplaintCreate(ctx, c), storage.ErrNotFound)
		mustCreateComplaint(t, st, c)
		require.ErrorIs(t, cs.ComplaintCreate(ctx, c), storage.ErrConflict)
	})

	t.Run("KindIsComplaintFromCreateOnAndNeverChanges", func(t *testing.T) {
		t.Parallel()
		st, cs := s.complaintStore(t)
		c := newComplaint(tenantA, 0)
		c.Kind = ticket.KindComplaint // TicketCreate ignores it: there is no section yet
		require.NoError(t, st.TicketCreate(ctx, &c.Ticket))
		require.Equal(t, ticket.KindTicket, c.Kind)
		require.Equal(t, ticket.KindTicket, getTicket(t, st, &c.Ticket).Kind)

		require.NoError(t, cs.ComplaintCreate(ctx, c))
		require.Equal(t, ticket.KindComplaint, c.Kind)
		require.Equal(t, ticket.KindComplaint, getTicket(t, st, &c.Ticket).Kind, "one read of the ticket tells it is a complaint")
		got, err := get(t, cs, tenantA, c.ID)
		require.NoError(t, err)
		require.Equal(t, ticket.KindComplaint, got.Kind)
		page, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: tenantA}, Limit: 10})
		require.NoError(t, err)
		require.Len(t, page.Tickets, 1)
		require.Equal(t, ticket.KindComplaint, page.Tickets[0].Kind)

		plainEdit := getTicket(t, st, &c.Ticket)
		plainEdit.Kind = ticket.KindTicket
		plainEdit.Assignee = "agent-9"
		require.NoError(t, st.TicketUpdate(ctx, plainEdit))
		require.Equal(t, ticket.KindComplaint, getTicket(t, st, &c.Ticket).Kind, "TicketUpdate keeps the kind")
		if s.declared.BatchUpdater {
			other := newTicket(tenantA)
			mustCreate(t, st, other)
			batch := []*ticket.Ticket{getTicket(t, st, &c.Ticket), other}
			batch[0].Kind, batch[1].Kind = ticket.KindTicket, ticket.KindComplaint
			require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				return as[storage.TicketBatchUpdater](t, tx).TicketUpdateBatch(ctx, batch)
			}))
			require.Equal(t, ticket.KindComplaint, getTicket(t, st, &c.Ticket).Kind, "TicketUpdateBatch keeps the kind")
			require.Equal(t, ticket.KindTicket, getTicket(t, st, other).Kind, "TicketUpdateBatch keeps the kind")
		}
	})

	t.Run("GetReturnsErrNotFoundForPlainOrUnknownTickets", func(t *testing.T) {
		t.Parallel()
		st, cs := s.complaintStore(t)
		plain := newTicket(tenantA)
		mustCreate(t, st, plain)
		_, err := get(t, cs, tenantA, plain.ID)
		require.ErrorIs(t, err, storage.ErrNotFound)
		_, err = get(t, cs, tenantA, "nope")
		require.ErrorIs(t, err, storage.ErrNotFound)
	})

	t.Run("UpdateSharesTheTicketVersion", func(t *testing.T) {
		t.Parallel()
		st, cs := s.complaintStore(t)
		c := newComplaint(tenantA, 0)
		mustCreateComplaint(t, st, c)
		stale := c.Clone()

		c.Status = ticket.StatusPlanned
		c.Details.Severity = ticket.SeverityCritical
		c.Details.Accounting.Amount = decimal.RequireFromString("10.5")
		c.Details.Comments = append(c.Details.Comments, ticket.Comment{Author: "a", At: at(time.Hour), Text: "more"})
		require.NoError(t, cs.ComplaintUpdate(ctx, c))
		require.Equal(t, int64(2), c.Version)
		got, err := get(t, cs, tenantA, c.ID)
		require.NoError(t, err)
		requireComplaint(t, c, got)

		stale.Details.Severity = ticket.SeverityLow
		require.ErrorIs(t, cs.ComplaintUpdate(ctx, stale), storage.ErrConflict)

		// A ticket update moves the shared version too.
		tk, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: c.ID})
		require.NoError(t, err)
		tk.Assignee = "agent-9"
		require.NoError(t, st.TicketUpdate(ctx, tk))
		require.ErrorIs(t, cs.ComplaintUpdate(ctx, c), storage.ErrConflict)
		got, err = get(t, cs, tenantA, c.ID)
		require.NoError(t, err)
		require.Equal(t, ticket.SeverityCritical, got.Details.Severity)
		require.Equal(t, "agent-9", got.Assignee)
	})

	t.Run("UpdateOfUnknownComplaintReturnsErrNotFound", func(t *testing.T) {
		t.Parallel()
		_, cs := s.complaintStore(t)
		require.ErrorIs(t, cs.ComplaintUpdate(ctx, newComplaint(tenantA, 0)), storage.ErrNotFound)
	})

	t.Run("PostedComplaintCannotBeUpdated", func(t *testing.T) {
		t.Parallel()
		st, cs := s.complaintStore(t)
		c := newComplaint(tenantA, 0)
		mustCreateComplaint(t, st, c)
		c.Status = ticket.StatusPosted
		c.Details.Posted = true
		c.Details.PostedAt = at(6 * time.Hour)
		require.NoError(t, cs.ComplaintUpdate(ctx, c))

		c.Details.Accounting.Amount = decimal.RequireFromString("1")
		c.Status = ticket.StatusPlanned
		c.Details.Posted = false
		err := cs.ComplaintUpdate(ctx, c)
		require.ErrorIs(t, err, ticket.ErrPosted)
		got, gerr := get(t, cs, tenantA, c.ID)
		require.NoError(t, gerr)
		require.True(t, got.Details.Posted)
		require.Equal(t, ticket.StatusPosted, got.Status)
		require.Equal(t, int64(2), got.Version, "nothing was written")
	})

	t.Run("ReverseLinksAPostedComplaintOnceAndWritesNothingElse", func(t *testing.T) {
		t.Parallel()
		if !s.declared.ComplaintReverser {
			t.Log("not run: Features does not declare storage.ComplaintReverser")
			return
		}
		st, cs := s.complaintStore(t)
		rv := as[storage.ComplaintReverser](t, cs)
		c := newComplaint(tenantA, 0)
		mustCreateComplaint(t, st, c)
		reversal := func(c *ticket.Complaint) *ticket.Complaint {
			u := c.Clone()
			u.Details.Reversal = &ticket.ComplaintReversal{Reason: "wrong amount", By: "sup-1", At: at(8 * time.Hour),
				Document: &ticket.RemedyDocument{Kind: ticket.DocCreditNote, ID: "CN-9"}}
			u.UpdatedAt = at(8 * time.Hour)
			return u
		}
		require.ErrorIs(t, rv.ComplaintReverse(ctx, reversal(c)), storage.ErrConflict, "not posted")

		c.Status = ticket.StatusPosted
		c.Details.Posted, c.Details.PostedAt = true, at(6*time.Hour)
		require.NoError(t, cs.ComplaintUpdate(ctx, c))
		posted, err := get(t, cs, tenantA, c.ID)
		require.NoError(t, err)

		u := reversal(posted)
		u.Details.Accounting.Amount = decimal.RequireFromString("1") // smuggled: must not be written
		u.Subject = "smuggled"
		require.NoError(t, rv.ComplaintReverse(ctx, u))
		require.Equal(t, posted.Version+1, u.Version)
		got, err := get(t, cs, tenantA, c.ID)
		require.NoError(t, err)
		require.NotNil(t, got.Details.Reversal)
		require.Equal(t, "CN-9", got.Details.Reversal.Document.ID)
		require.Equal(t, posted.Subject, got.Subject)
		require.True(t, got.Details.Accounting.Amount.Equal(posted.Details.Accounting.Amount))
		require.ErrorIs(t, rv.ComplaintReverse(ctx, reversal(got)), storage.ErrConflict, "already reversed")

		unknown := reversal(newComplaint(tenantA, 0))
		require.ErrorIs(t, rv.ComplaintReverse(ctx, unknown), storage.ErrNotFound)
	})

	t.Run("UpdateRollsBackWithTheTransaction", func(t *testing.T) {
		t.Parallel()
		st, cs := s.complaintStore(t)
		c := newComplaint(tenantA, 0)
		mustCreateComplaint(t, st, c)
		boom := context.Canceled
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			u := c.Clone()
			u.Details.Posted, u.Details.PostedAt = true, at(time.Hour)
			if err := as[storage.ComplaintStore](t, tx).ComplaintUpdate(ctx, u); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		got, err := get(t, cs, tenantA, c.ID)
		require.NoError(t, err)
		require.False(t, got.Details.Posted)
		require.Equal(t, int64(1), got.Version)
	})

	t.Run("LockWaitsForTheHolderAndReadsWhatItCommitted", func(t *testing.T) {
		t.Parallel()
		if !s.declared.ComplaintLocker {
			t.Log("not run: Features does not declare storage.ComplaintLocker (the store's transactions must run complaint writers one at a time)")
			return
		}
		st, cs := s.complaintStore(t)
		c := newComplaint(tenantA, 0)
		mustCreateComplaint(t, st, c)
		key := storage.TicketGetParams{TenantID: tenantA, ID: c.ID}
		plain := newTicket(tenantA)
		mustCreate(t, st, plain)
		_, err := as[storage.ComplaintLocker](t, cs).ComplaintLock(ctx, storage.TicketGetParams{TenantID: tenantA, ID: plain.ID})
		require.ErrorIs(t, err, storage.ErrNotFound)

		var wg sync.WaitGroup
		var second *ticket.Complaint
		var secondErr error
		err = st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			held, err := as[storage.ComplaintLocker](t, tx).ComplaintLock(ctx, key)
			if err != nil {
				return err
			}
			wg.Go(func() {
				secondErr = st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
					l, ok := tx.(storage.ComplaintLocker) // not as: FailNow belongs to the test's goroutine
					if !ok {
						return fmt.Errorf("%T: %w", tx, storage.ErrUnsupported)
					}
					var err error
					second, err = l.ComplaintLock(ctx, key)
					return err
				})
			})
			time.Sleep(100 * time.Millisecond) // let the second locker reach the lock
			held.Subject = "changed while locked"
			return as[storage.ComplaintStore](t, tx).ComplaintUpdate(ctx, held)
		})
		require.NoError(t, err)
		wg.Wait()
		require.NoError(t, secondErr)
		require.Equal(t, "changed while locked", second.Subject, "the second locker waited for the first to commit")
		require.Equal(t, int64(2), second.Version)
	})

	t.Run("ListFiltersAndPagesByDateOfIssue", func(t *testing.T) {
		t.Parallel()
		st, cs := s.complaintStore(t)
		var all []*ticket.Complaint
		for i := range 7 {
			c := newComplaint(tenantA, time.Duration(i)*24*time.Hour, func(c *ticket.Complaint) {
				if i%2 == 1 {
					c.Reason = "CR01"
				}
				if i >= 5 {
					c.Status = ticket.StatusPosted
				}
			})
			all = append(all, c)
		}
		// Created out of order; listed by date of issue.
		mustCreateComplaint(t, st, all[3], all[0], all[6], all[1], all[5], all[2], all[4])
		plain := newTicket(tenantA)
		mustCreate(t, st, plain)

		var got []string
		after := ""
		pages := 0
		for {
			res, err := cs.ComplaintList(ctx, storage.ComplaintListParams{
				ComplaintFilter: storage.ComplaintFilter{TenantID: tenantA}, Limit: 3, After: after,
			})
			require.NoError(t, err)
			pages++
			for _, c := range res.Complaints {
				got = append(got, c.ID)
			}
			if res.Next == "" {
				break
			}
			after = res.Next
		}
		require.Equal(t, 3, pages)
		require.Equal(t, complaintIDs(all), got, "every complaint once, by date of issue, no plain ticket")

		list := func(f storage.ComplaintFilter) []string {
			t.Helper()
			f.TenantID = tenantA
			res, err := cs.ComplaintList(ctx, storage.ComplaintListParams{ComplaintFilter: f})
			require.NoError(t, err)
			out := complaintIDs(res.Complaints)
			return out
		}
		pick := func(idx ...int) []string {
			out := []string{}
			for _, i := range idx {
				out = append(out, all[i].ID)
			}
			return out
		}
		require.Equal(t, pick(1, 3, 5), list(storage.ComplaintFilter{Reasons: []string{"CR01"}}))
		require.Equal(t, pick(5, 6), list(storage.ComplaintFilter{Statuses: []string{ticket.StatusPosted}}))
		require.Equal(t, pick(2, 3), list(storage.ComplaintFilter{IssuedFrom: at(48 * time.Hour), IssuedTo: at(96 * time.Hour)}))
		require.Equal(t, pick(3), list(storage.ComplaintFilter{
			Reasons: []string{"CR01"}, IssuedFrom: at(48 * time.Hour), IssuedTo: at(96 * time.Hour),
		}))
		require.Equal(t, pick(), list(storage.ComplaintFilter{CustomerID: "someone-else"}))

		res, err := cs.ComplaintList(ctx, storage.ComplaintListParams{ComplaintFilter: storage.ComplaintFilter{TenantID: tenantA}})
		require.NoError(t, err)
		requireComplaint(t, all[0], res.Complaints[0])

		_, err = cs.ComplaintList(ctx, storage.ComplaintListParams{ComplaintFilter: storage.ComplaintFilter{TenantID: tenantA}, After: "junk"})
		require.ErrorIs(t, err, storage.ErrInvalidCursor)
	})

	t.Run("JournalFiltersEachField", func(t *testing.T) {
		t.Parallel()
		s.complaintJournal(t)
	})

	t.Run("JournalReadsTheTicketsCurrentValues", func(t *testing.T) {
		t.Parallel()
		s.complaintTicketValues(t)
	})

	t.Run("TenantsAreIsolated", func(t *testing.T) {
		t.Parallel()
		st, cs := s.complaintStore(t)
		a := newComplaint(tenantA, 0)
		b := newComplaint(tenantB, 0)
		mustCreateComplaint(t, st, a, b)

		_, err := get(t, cs, tenantB, a.ID)
		require.ErrorIs(t, err, storage.ErrNotFound)
		other := a.Clone()
		other.TenantID = tenantB
		require.ErrorIs(t, cs.ComplaintUpdate(ctx, other), storage.ErrNotFound)
		require.ErrorIs(t, cs.ComplaintCreate(ctx, other), storage.ErrNotFound)

		res, err := cs.ComplaintList(ctx, storage.ComplaintListParams{ComplaintFilter: storage.ComplaintFilter{TenantID: tenantB}})
		require.NoError(t, err)
		require.Equal(t, []string{b.ID}, complaintIDs(res.Complaints))
		_, err = cs.ComplaintList(ctx, storage.ComplaintListParams{})
		require.Error(t, err, "a tenant is required")
		got, err := get(t, cs, tenantA, a.ID)
		require.NoError(t, err)
		requireComplaint(t, a, got)
	})
}

// complaintIDs returns the ticket IDs of complaints in order.
func complaintIDs(cs []*ticket.Complaint) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}
