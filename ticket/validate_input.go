package ticket

import (
	"fmt"
	"net/mail"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits [Validate] applies to every input, whatever its tags say.
const (
	// MaxItems is the most items a slice or map of an input may hold
	// when its `validate` tag sets no max (or len) of its own.
	MaxItems = 100
	// MinYear and MaxYear bound the year of every non-zero time of an
	// input, in UTC: the range every store and RFC 3339 can hold.
	MinYear = 1
	MaxYear = 9999
)

// CheckText reports a text no store can keep, such as an ID given
// outside any params struct: a *[ValidationError] naming field when s
// holds a NUL byte or is not valid UTF-8, nil otherwise. [Validate]
// applies the same check to every string of an input.
func CheckText(field, s string) error {
	v := &ValidationError{}
	checkText(v, field, s)
	return NewValidationError(v.Fields...)
}

// CheckTime reports a time no store can keep: a *[ValidationError]
// naming field when t is set and its year in UTC is outside [MinYear,
// MaxYear], nil otherwise. [Validate] applies the same check to every
// time of an input.
func CheckTime(field string, t time.Time) error {
	v := &ValidationError{}
	checkTime(v, field, t)
	return NewValidationError(v.Fields...)
}

// checkText adds a field error when s holds a NUL byte or is not valid
// UTF-8: PostgreSQL refuses both, and Bun refuses NUL bytes on every
// dialect.
func checkText(v *ValidationError, field, s string) {
	switch {
	case strings.IndexByte(s, 0) >= 0:
		v.Add(field, "nul", "must not contain NUL bytes")
	case !utf8.ValidString(s):
		v.Add(field, "utf8", "must be valid UTF-8 text")
	}
}

// checkTime adds a field error when t is set and its year in UTC is
// outside [MinYear, MaxYear].
func checkTime(v *ValidationError, field string, t time.Time) {
	if t.IsZero() {
		return
	}
	if y := t.UTC().Year(); y < MinYear || y > MaxYear {
		v.Add(field, "time_range", fmt.Sprintf("must be a time between the years %d and %d", MinYear, MaxYear))
	}
}

var timeType = reflect.TypeFor[time.Time]()

// inputCheck walks a value and reports what its tags cannot express and
// no store can keep: strings with NUL bytes or invalid UTF-8, times out
// of range and, when items is set, collections over [MaxItems] items
// that have no max of their own. Fields are named by JSON path, like
// Validate's. Interfaces (such as an attachment's io.Reader) and byte
// slices are content, not text, and are left alone.
type inputCheck struct {
	v *ValidationError
	// items holds collections to MaxItems: inputs are, stored
	// documents whose lists grow with their history are not.
	items bool
}

// check checks rv, named path; capped tells that its own tag bounds its
// size.
func (c inputCheck) check(rv reflect.Value, path string, capped bool) {
	switch rv.Kind() {
	case reflect.String:
		checkText(c.v, path, rv.String())
	case reflect.Pointer:
		if !rv.IsNil() {
			c.check(rv.Elem(), path, capped)
		}
	case reflect.Struct:
		if rv.Type() == timeType {
			checkTime(c.v, path, rv.Interface().(time.Time))
			return
		}
		c.checkStruct(rv, path)
	case reflect.Slice, reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 || c.tooMany(rv, path, capped) {
			return
		}
		for i := range rv.Len() {
			c.check(rv.Index(i), fmt.Sprintf("%s[%d]", path, i), false)
		}
	case reflect.Map:
		if c.tooMany(rv, path, capped) {
			return
		}
		keys := rv.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		for _, k := range keys {
			kv := &ValidationError{}
			inputCheck{v: kv}.check(k, path, true)
			if len(kv.Fields) > 0 {
				c.v.Add(path, kv.Fields[0].Rule, "keys "+kv.Fields[0].Message)
				continue
			}
			c.check(rv.MapIndex(k), fmt.Sprintf("%s[%v]", path, k), false)
		}
	}
}

// checkStruct checks the exported fields of a struct, naming each by its
// JSON name; embedded structs without a JSON name are flattened.
func (c inputCheck) checkStruct(rv reflect.Value, path string) {
	t := rv.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := jsonName(f)
		p := path
		if !f.Anonymous || name != f.Name {
			p = joinPath(path, name)
		}
		c.check(rv.Field(i), p, sizeTagged(f.Tag.Get("validate")))
	}
}

// tooMany reports (and adds a field error for) a collection over
// MaxItems whose tag sets no size of its own, when c holds items.
func (c inputCheck) tooMany(rv reflect.Value, path string, capped bool) bool {
	if !c.items || capped || rv.Len() <= MaxItems {
		return false
	}
	c.v.Add(path, "max", fmt.Sprintf("must be at most %d items", MaxItems))
	return true
}

// sizeTagged reports whether a validate tag bounds the size of the field
// itself (the rules before any "dive").
func sizeTagged(tag string) bool {
	own, _, _ := strings.Cut(tag, "dive")
	for rule := range strings.SplitSeq(own, ",") {
		name, _, _ := strings.Cut(rule, "=")
		switch name {
		case "max", "len", "lte", "lt":
			return true
		}
	}
	return false
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// singleLine reports whether s holds no control characters (CR, LF,
// tab, NUL...) and no Unicode line or paragraph separators: a name that
// goes into mail headers and one-line displays.
func singleLine(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
	})
}

// plainAddress reports whether s is a plain addr-spec, such as
// jane@example.com, as net/mail parses it: no display name, no angle
// brackets, no comments, nothing around it.
func plainAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}
