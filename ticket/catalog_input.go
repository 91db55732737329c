package ticket

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Refs are the catalog codes an input refers to. Empty codes are not
// checked.
type Refs struct {
	Status     string
	Priority   string
	Category   string
	Department string
	Reason     string
}

// CheckRefs returns one [FieldError] with rule "unknown_code" for each
// non-empty code of r the catalog does not hold. The fields are named
// "status", "priority", "category", "department" and "reason". The
// result is nil when every code is known; pass it to [NewValidationError]
// to get an error.
func (c *Catalog) CheckRefs(r Refs) []FieldError {
	var errs []FieldError
	check := func(field, code string, idx map[string]int) {
		if code == "" {
			return
		}
		if _, ok := idx[code]; !ok {
			errs = append(errs, FieldError{
				Field:   field,
				Rule:    "unknown_code",
				Message: fmt.Sprintf("unknown %s code %q", field, code),
			})
		}
	}
	check("status", r.Status, c.statuses)
	check("priority", r.Priority, c.priorities)
	check("category", r.Category, c.categories)
	check("department", r.Department, c.departments)
	check("reason", r.Reason, c.reasons)
	return errs
}

// ValidateFields checks custom field values against the catalog's field
// definitions and returns one [FieldError] per problem, named
// "fields.<key>":
//
//   - a key without a definition: rule "unknown_field";
//   - a required field that is missing or empty: rule "required";
//   - a [FieldNumber] value that is not a decimal such as "-12.50": rule "number";
//   - a [FieldBool] value other than "true" or "false": rule "bool";
//   - a [FieldDate] value not of the form "2006-01-02": rule "date";
//   - a [FieldChoice] value not among the choices: rule "oneof".
//
// An empty value of an optional field counts as absent. Problems come in
// catalog order, then unknown keys in sorted order. The result is nil
// when fields are valid; pass it to [NewValidationError] to get an error.
func (c *Catalog) ValidateFields(fields map[string]string) []FieldError {
	var errs []FieldError
	for _, def := range c.spec.Fields {
		v := fields[def.Key]
		if v == "" {
			if def.Required {
				errs = append(errs, fieldError(def.Key, "required", "is required"))
			}
			continue
		}
		if rule, msg, ok := checkFieldValue(def, v); !ok {
			errs = append(errs, fieldError(def.Key, rule, msg))
		}
	}
	var unknown []string
	for k := range fields {
		if _, ok := c.fields[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		errs = append(errs, fieldError(k, "unknown_field", "is not a known field"))
	}
	return errs
}

func fieldError(key, rule, msg string) FieldError {
	return FieldError{Field: FieldCustomPrefix + key, Rule: rule, Message: msg}
}

// checkFieldValue checks a non-empty value against its definition.
func checkFieldValue(def FieldDef, v string) (rule, msg string, ok bool) {
	switch def.Type {
	case FieldNumber:
		if !isDecimal(v) {
			return "number", "must be a decimal number such as 12.50", false
		}
	case FieldBool:
		if v != "true" && v != "false" {
			return "bool", `must be "true" or "false"`, false
		}
	case FieldDate:
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return "date", "must be a date of the form 2006-01-02", false
		}
	case FieldChoice:
		if !slices.Contains(def.Choices, v) {
			return "oneof", "must be one of: " + strings.Join(def.Choices, " "), false
		}
	}
	return "", "", true
}

// isDecimal reports whether s is a decimal number in canonical text form:
// an optional minus sign, digits, and optionally a point followed by
// digits ("12", "-0.5", "12.50"). Exponents, fractions, "NaN" and "Inf"
// are not decimals.
func isDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasPoint := strings.Cut(s, ".")
	return allDigits(intPart) && (!hasPoint || allDigits(frac))
}

// allDigits reports whether s is a non-empty run of ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
