package ticket_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

func fieldsCatalog(t *testing.T) *ticket.Catalog {
	t.Helper()
	spec := ticket.DefaultCatalogSpec()
	spec.Fields = []ticket.FieldDef{
		{Key: "amount", Type: ticket.FieldNumber},
		{Key: "gift", Type: ticket.FieldBool},
		{Key: "bought", Type: ticket.FieldDate},
		{Key: "size", Type: ticket.FieldChoice, Choices: []string{"S", "M", "L"}},
		{Key: "store", Type: ticket.FieldText, Required: true},
	}
	c, err := ticket.NewCatalog(spec)
	require.NoError(t, err)
	return c
}

func TestCatalogValidateFields(t *testing.T) {
	t.Parallel()
	c := fieldsCatalog(t)
	fe := func(key, rule, msg string) ticket.FieldError {
		return ticket.FieldError{Field: "fields." + key, Rule: rule, Message: msg}
	}
	tests := []struct {
		name   string
		fields map[string]string
		want   []ticket.FieldError
	}{
		{"AllValid", map[string]string{
			"amount": "12.50", "gift": "true", "bought": "2026-02-28", "size": "M", "store": "Lyon",
		}, nil},
		{"OptionalEmptyOrAbsent", map[string]string{"store": "Lyon", "amount": ""}, nil},
		{"NegativeAndWholeNumbers", map[string]string{"store": "x", "amount": "-3"}, nil},
		{"RequiredMissing", map[string]string{}, []ticket.FieldError{fe("store", "required", "is required")}},
		{"RequiredEmpty", map[string]string{"store": ""}, []ticket.FieldError{fe("store", "required", "is required")}},
		{"UnknownKeysSorted", map[string]string{"store": "x", "zz": "1", "aa": "2"}, []ticket.FieldError{
			fe("aa", "unknown_field", "is not a known field"),
			fe("zz", "unknown_field", "is not a known field"),
		}},
		{"BadNumber", map[string]string{"store": "x", "amount": "12,50"},
			[]ticket.FieldError{fe("amount", "number", "must be a decimal number such as 12.50")}},
		{"ExponentIsNotDecimal", map[string]string{"store": "x", "amount": "1e3"},
			[]ticket.FieldError{fe("amount", "number", "must be a decimal number such as 12.50")}},
		{"NaNIsNotDecimal", map[string]string{"store": "x", "amount": "NaN"},
			[]ticket.FieldError{fe("amount", "number", "must be a decimal number such as 12.50")}},
		{"TrailingPoint", map[string]string{"store": "x", "amount": "12."},
			[]ticket.FieldError{fe("amount", "number", "must be a decimal number such as 12.50")}},
		{"BadBool", map[string]string{"store": "x", "gift": "yes"},
			[]ticket.FieldError{fe("gift", "bool", `must be "true" or "false"`)}},
		{"BadDate", map[string]string{"store": "x", "bought": "28/02/2026"},
			[]ticket.FieldError{fe("bought", "date", "must be a date of the form 2006-01-02")}},
		{"ImpossibleDate", map[string]string{"store": "x", "bought": "2026-02-30"},
			[]ticket.FieldError{fe("bought", "date", "must be a date of the form 2006-01-02")}},
		{"BadChoice", map[string]string{"store": "x", "size": "XL"},
			[]ticket.FieldError{fe("size", "oneof", "must be one of: S M L")}},
		{"SeveralInCatalogOrder", map[string]string{"size": "m", "amount": "x", "other": "1"}, []ticket.FieldError{
			fe("amount", "number", "must be a decimal number such as 12.50"),
			fe("size", "oneof", "must be one of: S M L"),
			fe("store", "required", "is required"),
			fe("other", "unknown_field", "is not a known field"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, c.ValidateFields(tt.fields))
		})
	}
}

func TestCatalogCheckRefs(t *testing.T) {
	t.Parallel()
	c := ticket.DefaultCatalog()
	tests := []struct {
		name string
		refs ticket.Refs
		want []string // fields
	}{
		{"Empty", ticket.Refs{}, nil},
		{"AllKnown", ticket.Refs{
			Status: ticket.StatusOpen, Priority: ticket.PriorityHigh, Category: ticket.CategoryComplaint, Reason: "CR01",
		}, nil},
		{"UnknownStatus", ticket.Refs{Status: "gone"}, []string{"status"}},
		{"UnknownPriority", ticket.Refs{Priority: "meh"}, []string{"priority"}},
		{"UnknownCategory", ticket.Refs{Category: "praise"}, []string{"category"}},
		{"UnknownDepartment", ticket.Refs{Department: "qa"}, []string{"department"}},
		{"UnknownReason", ticket.Refs{Reason: "CR99"}, []string{"reason"}},
		{"All", ticket.Refs{Status: "a", Priority: "b", Category: "c", Department: "d", Reason: "e"},
			[]string{"status", "priority", "category", "department", "reason"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			errs := c.CheckRefs(tt.refs)
			var fields []string
			for _, e := range errs {
				require.Equal(t, "unknown_code", e.Rule)
				require.NotEmpty(t, e.Message)
				fields = append(fields, e.Field)
			}
			require.Equal(t, tt.want, fields)
		})
	}
	require.Equal(t, []ticket.FieldError{{Field: "status", Rule: "unknown_code", Message: `unknown status code "gone"`}},
		c.CheckRefs(ticket.Refs{Status: "gone"}))
}
