package ticket

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"
)

// FieldError is one invalid field of an input.
type FieldError struct {
	// Field is the JSON path of the field, such as "customer.email".
	Field string `json:"field"`
	// Rule is the rule that failed, such as "required", "email",
	// "max" or "unknown_code".
	Rule string `json:"rule"`
	// Message is a human-readable description.
	Message string `json:"message"`
}

// MaxFieldErrors is the most invalid fields a [ValidationError] reports:
// [ValidationError.Add] keeps the first MaxFieldErrors and only counts
// the others, and [ValidationError.Report] and Error show at most that
// many, so that the answer to a flood of bad input stays small.
const MaxFieldErrors = 20

// ValidationError lists every invalid field of an input, up to
// [MaxFieldErrors] of them; More counts the rest. Use errors.As to get at
// it.
type ValidationError struct {
	Fields []FieldError `json:"fields"`
	// More counts the invalid fields found beyond those Fields lists.
	More int `json:"more,omitempty"`
}

// NewValidationError returns a *[ValidationError] listing fields (the
// first [MaxFieldErrors] of them, counting the rest in More), or nil
// when there are none, so that callers can collect problems from several
// checks and return the result directly.
func NewValidationError(fields ...FieldError) error {
	if len(fields) == 0 {
		return nil
	}
	n := min(len(fields), MaxFieldErrors)
	return &ValidationError{Fields: slices.Clone(fields[:n]), More: len(fields) - n}
}

// maxReportedRunes is the most runes of a field name or message that
// [ValidationError.Report] shows: a name can repeat input, such as a
// custom field key of any length.
const maxReportedRunes = 128

// Report returns the invalid fields to show, at most [MaxFieldErrors],
// and how many more there are. Error and the HTTP API report through it;
// it also caps fields appended to Fields directly, and cuts each field
// name and message to 128 runes (ending in "…"), since a name can repeat
// input of any length, such as a custom field key.
func (e *ValidationError) Report() (fields []FieldError, more int) {
	n := min(len(e.Fields), MaxFieldErrors)
	fields = make([]FieldError, n)
	for i, f := range e.Fields[:n] {
		f.Field = truncateRunes(f.Field, maxReportedRunes)
		f.Message = truncateRunes(f.Message, maxReportedRunes)
		fields[i] = f
	}
	return fields, e.More + len(e.Fields) - n
}

// Error implements error.
func (e *ValidationError) Error() string {
	fields, more := e.Report()
	parts := make([]string, len(fields), len(fields)+1)
	for i, f := range fields {
		parts[i] = f.Field + ": " + f.Message
	}
	if more > 0 {
		parts = append(parts, fmt.Sprintf("and %d more", more))
	}
	return fmt.Sprintf("ticket: invalid input: %s", strings.Join(parts, "; "))
}

// Add appends an invalid field, or counts it in More once Fields holds
// [MaxFieldErrors].
func (e *ValidationError) Add(field, rule, message string) {
	if len(e.Fields) >= MaxFieldErrors {
		e.More++
		return
	}
	e.Fields = append(e.Fields, FieldError{Field: field, Rule: rule, Message: message})
}

// Has reports whether field is among the invalid fields.
func (e *ValidationError) Has(field string) bool {
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Validate checks a struct (or a pointer to one) against its `validate`
// struct tags, as understood by github.com/go-playground/validator/v10,
// and returns nil or a *[ValidationError] listing every invalid field.
// Fields are named by their JSON path, such as "customer.email" or
// "references[0].id"; elements of slices and maps are checked only under
// a `dive` tag. Besides the validator's own rules, "channel" accepts a
// [Channel], "refkind" a [RefKind] and "singleline" text without control
// characters or line breaks, and "email" accepts a plain addr-spec as
// net/mail parses it (jane@example.com, not "Jane <jane@example.com>").
//
// Whatever the tags say, every string of v, at any depth, must be valid
// UTF-8 without NUL bytes (rules "utf8" and "nul"), every non-zero
// time.Time must fall between the years [MinYear] and [MaxYear] in UTC
// (rule "time_range"), and a slice or map whose tag sets no max holds at
// most [MaxItems] items (rule "max"): bad input is reported here rather
// than refused by a store. Anything but a non-nil struct is reported as
// a plain error.
func Validate(v any) error { return validate(v, true) }

// validateDocument is Validate for a stored document, such as a
// complaint checked again after each change: its lists grow with its
// history (comments, reviews, actions) and are not held to MaxItems.
func validateDocument(v any) error { return validate(v, false) }

// validate is Validate; items holds untagged collections to MaxItems.
func validate(v any, items bool) error {
	e := &ValidationError{}
	if err := structValidator().Struct(v); err != nil {
		var verrs validator.ValidationErrors
		if !errors.As(err, &verrs) {
			return fmt.Errorf("ticket: validate: %w", err)
		}
		root := ""
		if t := reflect.TypeOf(v); t != nil {
			for t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			root = t.Name()
		}
		for _, fe := range verrs {
			path := fe.Namespace()
			if root != "" {
				if path == root {
					path = "" // a struct-level error
				}
				path = strings.TrimPrefix(path, root+".")
			}
			e.Add(path, fe.Tag(), ruleMessage(fe))
		}
	}
	inputCheck{v: e, items: items}.check(reflect.ValueOf(v), "", false)
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// structValidator is built once, on first use.
var structValidator = sync.OnceValue(func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(jsonName)
	// The registrations below cannot fail: the tags are valid and the
	// functions non-nil.
	_ = v.RegisterValidation("channel", func(fl validator.FieldLevel) bool {
		return Channel(fl.Field().String()).Valid()
	})
	_ = v.RegisterValidation("refkind", func(fl validator.FieldLevel) bool {
		return RefKind(fl.Field().String()).Valid()
	})
	_ = v.RegisterValidation("singleline", func(fl validator.FieldLevel) bool {
		return singleLine(fl.Field().String())
	})
	// The validator's own "email" accepts what no mailer sends to;
	// net/mail is what the mail adapters parse addresses with.
	_ = v.RegisterValidation("email", func(fl validator.FieldLevel) bool {
		return plainAddress(fl.Field().String())
	})
	return v
})

// jsonName names a struct field as encoding/json does, falling back to
// the Go name for fields without a json name.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" || name == "-" {
		return f.Name
	}
	return name
}

// ruleMessage describes a failed rule in English.
func ruleMessage(fe validator.FieldError) string {
	param := fe.Param()
	switch fe.Tag() {
	case "required", "required_if", "required_unless", "required_with",
		"required_with_all", "required_without", "required_without_all":
		return "is required"
	case "email":
		return "must be a valid email address"
	case "url", "http_url", "uri":
		return "must be a valid URL"
	case "uuid", "uuid4", "uuid7":
		return "must be a valid UUID"
	case "e164":
		return "must be a phone number in international form such as +33612345678"
	case "oneof":
		return "must be one of: " + param
	case "channel":
		return "must be one of: " + joinPlain(Channels())
	case "refkind":
		return "must be one of: " + joinPlain(RefKinds())
	case "max", "lte":
		return "must be at most " + sized(fe.Kind(), param)
	case "min", "gte":
		return "must be at least " + sized(fe.Kind(), param)
	case "len":
		return "must be exactly " + sized(fe.Kind(), param)
	case "eq":
		if fe.Kind() == reflect.String {
			return "must be " + param
		}
		return "must be exactly " + sized(fe.Kind(), param)
	case "lt":
		return "must be less than " + sized(fe.Kind(), param)
	case "gt":
		return "must be more than " + sized(fe.Kind(), param)
	case "ne":
		return "must not be " + param
	case "alpha":
		return "must contain only letters"
	case "alphanum":
		return "must contain only letters and digits"
	case "numeric", "number":
		return "must be a number"
	case "datetime":
		return "must be a date or time of the form " + param
	case "singleline":
		return "must be a single line without control characters"
	case "excludesall":
		return "must not contain any of " + fmt.Sprintf("%q", param)
	}
	if param != "" {
		return fmt.Sprintf("must satisfy %s=%s", fe.Tag(), param)
	}
	return "must satisfy " + fe.Tag()
}

// sized renders a size parameter with the unit it counts for a kind of
// value: characters of a string, items of a collection, or a plain
// number.
func sized(k reflect.Kind, param string) string {
	switch k {
	case reflect.String:
		if param == "1" {
			return "1 character"
		}
		return param + " characters"
	case reflect.Slice, reflect.Array, reflect.Map:
		if param == "1" {
			return "1 item"
		}
		return param + " items"
	}
	return param
}

func joinPlain[S ~string](items []S) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = string(it)
	}
	return strings.Join(parts, " ")
}
