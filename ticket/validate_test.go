package ticket_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

type sampleInput struct {
	Subject    string             `json:"subject" validate:"required,max=200"`
	Customer   ticket.Customer    `json:"customer"`
	Channel    ticket.Channel     `json:"channel" validate:"omitempty,channel"`
	Priority   string             `json:"priority" validate:"omitempty,oneof=low normal high"`
	References []ticket.Reference `json:"references" validate:"max=3,dive"`
	Contacts   []ticket.Contact   `json:"contacts,omitempty" validate:"dive"`
	Tags       []string           `json:"tags" validate:"dive,min=2"`
	Internal   string             `json:"-" validate:"max=1"`
	NoTag      string             `validate:"max=1"`
}

func validSample() sampleInput {
	return sampleInput{
		Subject:    "Broken kettle",
		Customer:   ticket.Customer{Name: "Jane Roe", Email: "jane@example.com", Mobile: "+33612345678"},
		Channel:    ticket.ChannelWeb,
		Priority:   "high",
		References: []ticket.Reference{{Kind: ticket.RefOrder, ID: "SO-1"}},
		Contacts:   []ticket.Contact{{Name: "Bob", Role: "buyer"}},
		Tags:       []string{"kettle"},
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(s *sampleInput)
		want   []ticket.FieldError
	}{
		{"Valid", func(*sampleInput) {}, nil},
		{"Required", func(s *sampleInput) { s.Subject = "" },
			[]ticket.FieldError{{Field: "subject", Rule: "required", Message: "is required"}}},
		{"MaxRunes", func(s *sampleInput) { s.Subject = strings.Repeat("é", 201) },
			[]ticket.FieldError{{Field: "subject", Rule: "max", Message: "must be at most 200 characters"}}},
		{"NestedEmail", func(s *sampleInput) { s.Customer.Email = "jane" },
			[]ticket.FieldError{{Field: "customer.email", Rule: "email", Message: "must be a valid email address"}}},
		{"NestedMobileTooLong", func(s *sampleInput) { s.Customer.Mobile = strings.Repeat("1", 33) },
			[]ticket.FieldError{{Field: "customer.mobile", Rule: "max", Message: "must be at most 32 characters"}}},
		{"Channel", func(s *sampleInput) { s.Channel = "fax" }, []ticket.FieldError{{
			Field: "channel", Rule: "channel", Message: "must be one of: in_store web email portal phone api manual",
		}}},
		{"OneOf", func(s *sampleInput) { s.Priority = "urgent" },
			[]ticket.FieldError{{Field: "priority", Rule: "oneof", Message: "must be one of: low normal high"}}},
		{"SliceElement", func(s *sampleInput) {
			s.References = append(s.References, ticket.Reference{Kind: "ticket", ID: ""})
		}, []ticket.FieldError{
			{Field: "references[1].kind", Rule: "refkind", Message: "must be one of: order transaction invoice product serial contract account job return"},
			{Field: "references[1].id", Rule: "required", Message: "is required"},
		}},
		{"SliceLength", func(s *sampleInput) {
			r := ticket.Reference{Kind: ticket.RefSerial, ID: "X"}
			s.References = []ticket.Reference{r, r, r, r}
		}, []ticket.FieldError{{Field: "references", Rule: "max", Message: "must be at most 3 items"}}},
		{"SliceOfStrings", func(s *sampleInput) { s.Tags = []string{"ok", "x"} },
			[]ticket.FieldError{{Field: "tags[1]", Rule: "min", Message: "must be at least 2 characters"}}},
		{"GoNameWithoutJSONName", func(s *sampleInput) { s.Internal, s.NoTag = "ab", "ab" }, []ticket.FieldError{
			{Field: "Internal", Rule: "max", Message: "must be at most 1 character"},
			{Field: "NoTag", Rule: "max", Message: "must be at most 1 character"},
		}},
		{"NameWithLineBreak", func(s *sampleInput) { s.Customer.Name = "Jane\r\nBcc: victim@example.com" }, []ticket.FieldError{
			{Field: "customer.name", Rule: "singleline", Message: "must be a single line without control characters"},
		}},
		{"ContactNameWithTab", func(s *sampleInput) { s.Contacts[0].Name = "Bob\tRoe" }, []ticket.FieldError{
			{Field: "contacts[0].name", Rule: "singleline", Message: "must be a single line without control characters"},
		}},
		{"NameWithLineSeparator", func(s *sampleInput) { s.Customer.Name = "Jane\u2028Roe" }, []ticket.FieldError{
			{Field: "customer.name", Rule: "singleline", Message: "must be a single line without control characters"},
		}},
		{"EmailWithDisplayName", func(s *sampleInput) { s.Customer.Email = "Jane <jane@example.com>" },
			[]ticket.FieldError{{Field: "customer.email", Rule: "email", Message: "must be a valid email address"}}},
		{"EmailWithLineBreak", func(s *sampleInput) { s.Contacts[0].Email = "bob@example.com\r\nBcc: victim@example.com" },
			[]ticket.FieldError{{Field: "contacts[0].email", Rule: "email", Message: "must be a valid email address"}}},
		{"EmailTwoAddresses", func(s *sampleInput) { s.Customer.Email = "jane@example.com, victim@example.com" },
			[]ticket.FieldError{{Field: "customer.email", Rule: "email", Message: "must be a valid email address"}}},
		{"NULInNestedString", func(s *sampleInput) { s.References[0].Label = "a\x00b" },
			[]ticket.FieldError{{Field: "references[0].label", Rule: "nul", Message: "must not contain NUL bytes"}}},
		{"NULInUntaggedSliceElement", func(s *sampleInput) { s.Tags = []string{"ok", "n\x00"} },
			[]ticket.FieldError{{Field: "tags[1]", Rule: "nul", Message: "must not contain NUL bytes"}}},
		{"InvalidUTF8", func(s *sampleInput) { s.Subject = "caf\xe9" },
			[]ticket.FieldError{{Field: "subject", Rule: "utf8", Message: "must be valid UTF-8 text"}}},
		{"SeveralInOneError", func(s *sampleInput) {
			s.Subject = ""
			s.Customer.Email = "nope"
			s.References[0].ID = ""
			s.Contacts = append(s.Contacts, ticket.Contact{Email: "bad"})
		}, []ticket.FieldError{
			{Field: "subject", Rule: "required", Message: "is required"},
			{Field: "customer.email", Rule: "email", Message: "must be a valid email address"},
			{Field: "references[0].id", Rule: "required", Message: "is required"},
			{Field: "contacts[1].name", Rule: "required", Message: "is required"},
			{Field: "contacts[1].email", Rule: "email", Message: "must be a valid email address"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := validSample()
			tt.change(&s)
			err := ticket.Validate(&s)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			var ve *ticket.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tt.want, ve.Fields)
			for _, f := range tt.want {
				require.True(t, ve.Has(f.Field))
			}
		})
	}
}

func TestValidateValueAndAnonymousStruct(t *testing.T) {
	t.Parallel()
	s := validSample()
	s.Subject = ""
	err := ticket.Validate(s) // a value, not a pointer
	var ve *ticket.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "ticket: invalid input: subject: is required", err.Error())

	anon := struct {
		Name string `json:"name" validate:"required"`
	}{}
	require.ErrorAs(t, ticket.Validate(anon), &ve)
	require.True(t, ve.Has("name"))
}

func TestValidateTicket(t *testing.T) {
	t.Parallel()
	tk := &ticket.Ticket{
		Customer:   ticket.Customer{Email: "x"},
		References: []ticket.Reference{{Kind: ticket.RefContract, ID: "K-1"}, {Kind: "nope", ID: "1"}},
		Contacts:   []ticket.Contact{{Name: ""}},
	}
	var ve *ticket.ValidationError
	require.ErrorAs(t, ticket.Validate(tk), &ve)
	var fields []string
	for _, f := range ve.Fields {
		fields = append(fields, f.Field)
	}
	require.Equal(t, []string{"customer.email", "contacts[0].name", "references[1].kind"}, fields)
}

func TestValidateRejectsNonStructs(t *testing.T) {
	t.Parallel()
	var nilPtr *sampleInput
	for _, v := range []any{nil, nilPtr, "text", 42} {
		err := ticket.Validate(v)
		require.Error(t, err)
		var ve *ticket.ValidationError
		require.False(t, errors.As(err, &ve))
	}
}

func TestNewValidationError(t *testing.T) {
	t.Parallel()
	require.NoError(t, ticket.NewValidationError())
	require.NoError(t, ticket.NewValidationError(ticket.DefaultCatalog().CheckRefs(ticket.Refs{})...))

	err := ticket.NewValidationError(ticket.FieldError{Field: "status", Rule: "unknown_code", Message: "unknown"})
	var ve *ticket.ValidationError
	require.ErrorAs(t, err, &ve)
	ve.Add("subject", "required", "is required")
	require.True(t, ve.Has("status"))
	require.True(t, ve.Has("subject"))
	require.False(t, ve.Has("priority"))
	require.EqualError(t, ve, "ticket: invalid input: status: unknown; subject: is required")
}

// hostileInput holds the kinds of fields the generic input checks walk.
type hostileInput struct {
	At      time.Time         `json:"at"`
	Until   *time.Time        `json:"until"`
	Codes   []string          `json:"codes"`
	Bounded []string          `json:"bounded" validate:"max=500"`
	Fields  map[string]string `json:"fields"`
	Nested  struct {
		Note string `json:"note"`
	} `json:"nested"`
	Content []byte `json:"content"`
}

func TestValidateInputHygiene(t *testing.T) {
	t.Parallel()
	year0 := time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		input  hostileInput
		fields []string
		rule   string
	}{
		{"YearZero", hostileInput{At: year0}, []string{"at"}, "time_range"},
		{"YearAfter9999", hostileInput{Until: new(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))}, []string{"until"}, "time_range"},
		{"OffsetPushesPastYear9999", hostileInput{At: time.Date(9999, 12, 31, 23, 30, 0, 0, time.FixedZone("", -3600))}, []string{"at"}, "time_range"},
		{"UntaggedListOverMaxItems", hostileInput{Codes: make([]string, ticket.MaxItems+1)}, []string{"codes"}, "max"},
		{"UntaggedMapOverMaxItems", hostileInput{Fields: manyFields(ticket.MaxItems + 1)}, []string{"fields"}, "max"},
		{"NULInMapValue", hostileInput{Fields: map[string]string{"serial": "X\x001"}}, []string{"fields[serial]"}, "nul"},
		{"NULInMapKey", hostileInput{Fields: map[string]string{"se\x00rial": "X1"}}, []string{"fields"}, "nul"},
		{"NULInNestedStruct", hostileInput{Nested: struct {
			Note string `json:"note"`
		}{Note: "\x00"}}, []string{"nested.note"}, "nul"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ve *ticket.ValidationError
			require.ErrorAs(t, ticket.Validate(tt.input), &ve)
			require.Len(t, ve.Fields, len(tt.fields), ve.Error())
			for i, f := range tt.fields {
				require.Equal(t, f, ve.Fields[i].Field)
				require.Equal(t, tt.rule, ve.Fields[i].Rule)
			}
		})
	}
	t.Run("Accepted", func(t *testing.T) {
		t.Parallel()
		ok := hostileInput{
			At:      time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC),
			Until:   new(time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)),
			Codes:   make([]string, ticket.MaxItems),
			Bounded: make([]string, ticket.MaxItems+1), // its own max applies
			Fields:  manyFields(ticket.MaxItems),
			Content: []byte{0, 0xff}, // bytes are content, not text
		}
		require.NoError(t, ticket.Validate(ok))
	})
}

func manyFields(n int) map[string]string {
	m := make(map[string]string, n)
	for i := range n {
		m[fmt.Sprint("k", i)] = "v"
	}
	return m
}

func TestCheckText(t *testing.T) {
	t.Parallel()
	require.NoError(t, ticket.CheckText("id", "0196-abc"))
	var ve *ticket.ValidationError
	require.ErrorAs(t, ticket.CheckText("id", "x\x00"), &ve)
	require.Equal(t, []ticket.FieldError{{Field: "id", Rule: "nul", Message: "must not contain NUL bytes"}}, ve.Fields)
	require.ErrorAs(t, ticket.CheckText("number", "\xff"), &ve)
	require.Equal(t, "utf8", ve.Fields[0].Rule)
}

// TestValidationErrorReportsAtMostMaxFieldErrors floods every way of
// building a ValidationError and checks the report stays capped.
func TestValidationErrorReportsAtMostMaxFieldErrors(t *testing.T) {
	t.Parallel()
	const n = 5000
	many := make([]ticket.FieldError, n)
	for i := range many {
		many[i] = ticket.FieldError{Field: fmt.Sprintf("status[%d]", i), Rule: "unknown_code", Message: "unknown code"}
	}
	check := func(t *testing.T, ve *ticket.ValidationError) {
		t.Helper()
		fields, more := ve.Report()
		require.Len(t, fields, ticket.MaxFieldErrors)
		require.Equal(t, n-ticket.MaxFieldErrors, more)
		require.Equal(t, "status[0]", fields[0].Field)
		require.True(t, strings.HasSuffix(ve.Error(), fmt.Sprintf("; and %d more", n-ticket.MaxFieldErrors)), ve.Error())
		require.Less(t, len(ve.Error()), 2000)
	}
	t.Run("Add", func(t *testing.T) {
		t.Parallel()
		ve := &ticket.ValidationError{}
		for _, f := range many {
			ve.Add(f.Field, f.Rule, f.Message)
		}
		require.Len(t, ve.Fields, ticket.MaxFieldErrors, "Add keeps no more than it reports")
		check(t, ve)
	})
	t.Run("NewValidationError", func(t *testing.T) {
		t.Parallel()
		var ve *ticket.ValidationError
		require.ErrorAs(t, ticket.NewValidationError(many...), &ve)
		require.Len(t, ve.Fields, ticket.MaxFieldErrors)
		check(t, ve)
	})
	t.Run("AppendedDirectly", func(t *testing.T) {
		t.Parallel()
		check(t, &ticket.ValidationError{Fields: many})
	})
	t.Run("Validate", func(t *testing.T) {
		t.Parallel()
		in := struct {
			Tags []string `json:"tags" validate:"max=10000,dive,min=2"`
		}{Tags: make([]string, n)}
		var ve *ticket.ValidationError
		require.ErrorAs(t, ticket.Validate(in), &ve)
		require.Len(t, ve.Fields, ticket.MaxFieldErrors)
		fields, more := ve.Report()
		require.Equal(t, "tags[0]", fields[0].Field)
		require.Equal(t, n-ticket.MaxFieldErrors, more)
	})
}

func TestCheckTime(t *testing.T) {
	t.Parallel()
	require.NoError(t, ticket.CheckTime("at", time.Time{}))
	require.NoError(t, ticket.CheckTime("at", time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)))
	var ve *ticket.ValidationError
	require.ErrorAs(t, ticket.CheckTime("at", time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC)), &ve)
	require.Equal(t, "time_range", ve.Fields[0].Rule)
	require.Equal(t, "at", ve.Fields[0].Field)
}

// TestValidateComplaintDoesNotCapHistory checks that the MaxItems cap is
// for inputs: a stored complaint whose comments and actions grew past it
// over time must still pass its own validation on every later change.
func TestValidateComplaintDoesNotCapHistory(t *testing.T) {
	t.Parallel()
	c := validComplaint()
	for i := range ticket.MaxItems + 50 {
		c.Details.Comments = append(c.Details.Comments, ticket.Comment{Author: "agent-1", At: time.Now(), Text: fmt.Sprint("note ", i)})
		c.Actions = append(c.Actions, ticket.Action{ID: fmt.Sprint("a", i), Title: "Call back"})
	}
	require.NoError(t, ticket.ValidateComplaint(c, nil))

	c.Details.Comments[120].Text = "bad\x00"
	requireFields(t, ticket.ValidateComplaint(c, nil), "complaint.comments[120].text")
}
