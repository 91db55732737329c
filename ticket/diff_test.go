package ticket_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

func diffBase() *ticket.Ticket {
	return &ticket.Ticket{
		Subject:     "Broken kettle",
		Description: "It leaks.",
		Status:      ticket.StatusOpen,
		Priority:    ticket.PriorityNormal,
		Category:    ticket.CategoryProblem,
		Department:  "support",
		Channel:     ticket.ChannelWeb,
		Assignee:    "u1",
		Customer:    ticket.Customer{ID: "C-42", Name: "Jane Roe", Email: "jane@x.com", Mobile: "+33612345678"},
		Contacts:    []ticket.Contact{{Name: "Bob", Role: "buyer"}},
		References: []ticket.Reference{
			{Kind: ticket.RefOrder, ID: "SO-1"},
			{Kind: ticket.RefContract, ID: "K-7", Label: "Gold"},
		},
		Tags:          []string{"kettle"},
		Reason:        "CR02",
		ClosureReason: "",
		Actions:       []ticket.Action{{ID: "a1", Title: "Call back"}},
		Fields:        map[string]string{"size": "M"},
	}
}

func TestDiffEachField(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 250)
	tests := []struct {
		name   string
		change func(t *ticket.Ticket)
		want   ticket.Event
	}{
		{"Subject", func(t *ticket.Ticket) { t.Subject = "Leaking kettle" },
			ticket.Event{Field: ticket.FieldSubject, Old: "Broken kettle", New: "Leaking kettle"}},
		{"Description", func(t *ticket.Ticket) { t.Description = "" },
			ticket.Event{Field: ticket.FieldDescription, Old: "It leaks."}},
		{"DescriptionTruncated", func(t *ticket.Ticket) { t.Description = long },
			ticket.Event{Field: ticket.FieldDescription, Old: "It leaks.", New: strings.Repeat("a", 199) + "…"}},
		{"Status", func(t *ticket.Ticket) { t.Status = ticket.StatusClosed },
			ticket.Event{Field: ticket.FieldStatus, Old: "open", New: "closed"}},
		{"Priority", func(t *ticket.Ticket) { t.Priority = ticket.PriorityHigh },
			ticket.Event{Field: ticket.FieldPriority, Old: "normal", New: "high"}},
		{"Category", func(t *ticket.Ticket) { t.Category = ticket.CategoryComplaint },
			ticket.Event{Field: ticket.FieldCategory, Old: "problem", New: "complaint"}},
		{"Department", func(t *ticket.Ticket) { t.Department = "" },
			ticket.Event{Field: ticket.FieldDepartment, Old: "support"}},
		{"Channel", func(t *ticket.Ticket) { t.Channel = ticket.ChannelPhone },
			ticket.Event{Field: ticket.FieldChannel, Old: "web", New: "phone"}},
		{"Assignee", func(t *ticket.Ticket) { t.Assignee = "u2" },
			ticket.Event{Field: ticket.FieldAssignee, Old: "u1", New: "u2"}},
		{"Customer", func(t *ticket.Ticket) { t.Customer = ticket.Customer{Name: "Jane Doe", Mobile: "+33600000000"} },
			ticket.Event{
				Field: ticket.FieldCustomer,
				Old:   "Jane Roe <jane@x.com> +33612345678 [C-42]",
				New:   "Jane Doe +33600000000",
			}},
		{"Contract", func(t *ticket.Ticket) { t.References[1] = ticket.Reference{Kind: ticket.RefContract, ID: "K-8"} },
			ticket.Event{Field: ticket.FieldContract, Old: "K-7 (Gold)", New: "K-8"}},
		{"ContractRemoved", func(t *ticket.Ticket) { t.References = t.References[:1] },
			ticket.Event{Field: ticket.FieldContract, Old: "K-7 (Gold)"}},
		{"References", func(t *ticket.Ticket) {
			t.References = append(t.References, ticket.Reference{Kind: ticket.RefSerial, ID: "SN9"})
		}, ticket.Event{Field: ticket.FieldReferences, Old: "order:SO-1", New: "order:SO-1, serial:SN9"}},
		{"Contacts", func(t *ticket.Ticket) { t.Contacts = append(t.Contacts, ticket.Contact{Name: "Ann"}) },
			ticket.Event{Field: ticket.FieldContacts, Old: "Bob (buyer)", New: "Bob (buyer), Ann"}},
		{"ContactPhone", func(t *ticket.Ticket) { t.Contacts[0].Phone = "+33100000000" },
			ticket.Event{Field: ticket.FieldContacts, Old: "Bob (buyer)", New: "Bob +33100000000 (buyer)"}},
		{"ContactEmail", func(t *ticket.Ticket) { t.Contacts[0].Email = "bob@example.com" },
			ticket.Event{Field: ticket.FieldContacts, Old: "Bob (buyer)", New: "Bob <bob@example.com> (buyer)"}},
		{"ReferenceLabel", func(t *ticket.Ticket) { t.References[0].Label = "Web order" },
			ticket.Event{Field: ticket.FieldReferences, Old: "order:SO-1", New: "order:SO-1 (Web order)"}},
		{"Tags", func(t *ticket.Ticket) { t.Tags = []string{"kettle", "vip"} },
			ticket.Event{Field: ticket.FieldTags, Old: "kettle", New: "kettle, vip"}},
		{"Reason", func(t *ticket.Ticket) { t.Reason = "CR01" },
			ticket.Event{Field: ticket.FieldReason, Old: "CR02", New: "CR01"}},
		{"ClosureReason", func(t *ticket.Ticket) { t.ClosureReason = "refunded" },
			ticket.Event{Field: ticket.FieldClosureReason, New: "refunded"}},
		{"ActionAdded", func(t *ticket.Ticket) { t.Actions = append(t.Actions, ticket.Action{ID: "a2"}) },
			ticket.Event{Field: ticket.FieldActions, Old: "1 open / 1 total", New: "2 open / 2 total"}},
		{"ActionDone", func(t *ticket.Ticket) { t.Actions[0].Done = true },
			ticket.Event{Field: ticket.FieldActions, Old: "1 open / 1 total", New: "0 open / 1 total"}},
		{"CustomFieldChanged", func(t *ticket.Ticket) { t.Fields["size"] = "L" },
			ticket.Event{Field: "fields.size", Old: "M", New: "L"}},
		{"CustomFieldAdded", func(t *ticket.Ticket) { t.Fields["gift"] = "true" },
			ticket.Event{Field: "fields.gift", New: "true"}},
		{"CustomFieldRemoved", func(t *ticket.Ticket) { t.Fields = nil },
			ticket.Event{Field: "fields.size", Old: "M"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before := diffBase()
			after := before.Clone()
			tt.change(after)
			require.Equal(t, []ticket.Event{tt.want}, ticket.Diff(before, after))
		})
	}
}

func TestDiffNoChange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		before func(t *ticket.Ticket) // optional
		change func(t *ticket.Ticket)
	}{
		{"Identical", nil, func(*ticket.Ticket) {}},
		{"UntrackedFields", nil, func(t *ticket.Ticket) {
			t.Version++
			t.Number = "TK-2026-000001"
			t.Actions[0].Title = "Renamed"
		}},
		{"EmptyCustomFieldIsAbsent", nil, func(t *ticket.Ticket) { t.Fields["gift"] = "" }},
		{"SameContentsInNewSlices", nil, func(t *ticket.Ticket) { t.Tags = []string{"kettle"} }},
		{"NilVersusEmptySlice", func(t *ticket.Ticket) { t.Tags = nil }, func(t *ticket.Ticket) { t.Tags = []string{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before := diffBase()
			if tt.before != nil {
				tt.before(before)
			}
			after := before.Clone()
			tt.change(after)
			require.Empty(t, ticket.Diff(before, after))
		})
	}
}

func TestDiffOrder(t *testing.T) {
	t.Parallel()
	before := diffBase()
	after := &ticket.Ticket{Fields: map[string]string{"b": "2", "a": "1"}}
	var fields []string
	for _, e := range ticket.Diff(before, after) {
		fields = append(fields, e.Field)
	}
	require.Equal(t, []string{
		"subject", "description", "status", "priority", "category", "department", "channel",
		"assignee", "customer", "contract", "references", "contacts", "tags", "reason",
		"actions", "fields.a", "fields.b", "fields.size",
	}, fields)
}
