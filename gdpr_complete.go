package ticketkit

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// scrubComplaint removes a complaint section's personal data: the
// counterparty and contract, the source document, the lines'
// descriptions, serial numbers, notes and feedback, the comments',
// reviews', findings', root cause's, steps' and decision's texts, the
// costs' notes and the attached files (their blob keys are returned).
// What counts for statistics and accounting stays: dates, kinds,
// severity, products, quantities, amounts, posting, decisions' kinds,
// who did what when.
func scrubComplaint(d *ticket.ComplaintDetails) (keys []string) {
	d.Accounting.Counterparty, d.Accounting.Contract = "", ""
	d.Source = nil
	for i := range d.Lines {
		l := &d.Lines[i]
		l.Description, l.Serial, l.Note, l.Return = "", "", "", nil
		if l.Decision != nil {
			c := *l.Decision
			c.Feedback = ""
			l.Decision = &c
		}
	}
	for i := range d.Comments {
		d.Comments[i].Text = ErasedSubject
	}
	for i := range d.Reviews {
		d.Reviews[i].Notes = ""
	}
	for i := range d.ReviewResults {
		d.ReviewResults[i].Text, d.ReviewResults[i].Findings = "", nil
	}
	if d.RootCause != nil {
		c := *d.RootCause
		c.Text = ""
		d.RootCause = &c
	}
	for i := range d.Steps {
		d.Steps[i].Notes = ""
	}
	if d.Decision != nil {
		c := *d.Decision
		c.Notes, c.FollowUp = "", ""
		d.Decision = &c
	}
	if d.Reversal != nil {
		c := *d.Reversal
		c.Reason = ErasedSubject
		d.Reversal = &c
	}
	for i := range d.Costs {
		d.Costs[i].Note = ""
	}
	for _, a := range d.Attachments {
		keys = append(keys, a.Key)
	}
	d.Attachments = nil
	return keys
}

// customerTexts returns the customer's addresses (lower-cased) and the
// texts that identify them (emails, mobiles, names) on tickets.
func customerTexts(tickets []*ticket.Ticket) (emails, texts []string) {
	add := func(list []string, s string) []string {
		if s == "" || slices.Contains(list, s) {
			return list
		}
		return append(list, s)
	}
	for _, t := range tickets {
		c := t.Customer
		emails = add(emails, strings.ToLower(c.Email))
		texts = add(add(add(texts, strings.ToLower(c.Email)), c.Mobile), c.Name)
	}
	return emails, texts
}

// eraseTraces erases, in tx, the customer's complaint sections and the
// traces beside the tickets (storage.CustomerTraceEraser), when tx has
// them. before are the tickets as they were, complaints those of them
// that are complaints; it adds to res.
func (d *Desk) eraseTraces(ctx context.Context, tx storage.Tx, tenantID string, before []*ticket.Ticket, res *EraseCustomerResult) error {
	te, ok := tx.(storage.CustomerTraceEraser)
	if !ok {
		return nil
	}
	cs, _ := tx.(storage.ComplaintStore)
	ids := make([]string, len(before))
	for i, t := range before {
		ids[i] = t.ID
		if t.Kind != ticket.KindComplaint || cs == nil {
			continue
		}
		c, err := cs.ComplaintGet(ctx, storage.TicketGetParams{TenantID: tenantID, ID: t.ID})
		if err != nil {
			return fmt.Errorf("ticketkit: erase customer: complaint %s: %w", t.ID, err)
		}
		keys := scrubComplaint(&c.Details)
		if err := te.ComplaintErase(ctx, c); err != nil {
			return fmt.Errorf("ticketkit: erase customer: complaint %s: %w", t.ID, err)
		}
		res.BlobKeys = append(res.BlobKeys, keys...)
		res.Complaints++
	}
	emails, texts := customerTexts(before)
	out, err := te.CustomerTracesErase(ctx, storage.CustomerTracesParams{TenantID: tenantID, TicketIDs: ids, Emails: emails, Texts: texts})
	if err != nil {
		return fmt.Errorf("ticketkit: erase customer: %w", err)
	}
	res.Traces = *out
	return nil
}
