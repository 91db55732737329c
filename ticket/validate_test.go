package ticket_test

import (
	"errors"
	"strings"
	"testing"

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
			Field: "channel", Rule: "channel", Message: "must be one of: in_store web email portal phone api",
		}}},
		{"OneOf", func(s *sampleInput) { s.Priority = "urgent" },
			[]ticket.FieldError{{Field: "priority", Rule: "oneof", Message: "must be one of: low normal high"}}},
		{"SliceElement", func(s *sampleInput) {
			s.References = append(s.References, ticket.Reference{Kind: "ticket", ID: ""})
		}, []ticket.FieldError{
			{Field: "references[1].kind", Rule: "refkind", Message: "must be one of: order transaction invoice product serial contract account job"},
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
