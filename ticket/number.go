package ticket

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Numberer renders the human ticket numbers customers quote, such as
// "TK-2026-000042", and finds them again in free text such as an email
// subject.
//
// Numbers are drawn from gap-free counters the store keeps per tenant and
// scope: the Desk asks Scope for the counter key, takes the next value of
// that counter inside the ticket's transaction and asks Format for the
// number.
type Numberer interface {
	// Scope returns the key of the counter a ticket opened at t draws
	// from, such as "TK-2026". Counters restart at 1 for each new scope.
	Scope(t time.Time) string
	// Format returns the number of the seq-th ticket of t's scope.
	Format(t time.Time, seq int64) string
	// Find returns the first valid ticket number in text.
	Find(text string) (string, bool)
}

// Ensure PatternNumberer implements Numberer.
var _ Numberer = (*PatternNumberer)(nil)

// ErrInvalidNumber is wrapped by errors about text that is not a ticket
// number of the expected form.
var ErrInvalidNumber = errors.New("ticket: invalid ticket number")

// NumberFormat configures a [PatternNumberer]. Its zero value gives the
// default format, "TK-2026-000042".
type NumberFormat struct {
	// Prefix starts every number: 1 to 10 ASCII letters or digits.
	// Default "TK". Find matches it in any case.
	Prefix string
	// OmitYear leaves the year out: "TK-000042". Counters then never
	// restart.
	OmitYear bool
	// Digits is the least number of sequence digits, zero-padded: 1 to
	// 12. Default 6. Larger sequences get longer, never truncated.
	Digits int
	// CheckDigit appends a Luhn check digit computed over the year and
	// sequence digits, "TK-2026-000042-5", so that Find skips mistyped
	// numbers.
	CheckDigit bool
	// Separator goes between the parts: "-", "/" or ".". Default "-".
	// Set NoSeparator for none.
	Separator string
	// NoSeparator renders the parts with no separator, "TK2026000042";
	// Separator must then be empty.
	NoSeparator bool
}

// PatternNumberer is the default [Numberer]: it renders numbers such as
// "TK-2026-000042" from a [NumberFormat]. Build one with [NewNumberer] or
// [DefaultNumberer]. A PatternNumberer is safe for concurrent use.
type PatternNumberer struct {
	f      NumberFormat
	find   *regexp.Regexp // unanchored, for Find
	parse  *regexp.Regexp // anchored, for Parse
	sample string         // a number for error messages
}

// NewNumberer validates f, applies its defaults and returns a
// PatternNumberer. The error names the invalid field.
func NewNumberer(f NumberFormat) (*PatternNumberer, error) {
	if f.Prefix == "" {
		f.Prefix = "TK"
	}
	if f.Digits == 0 {
		f.Digits = 6
	}
	if f.Separator == "" && !f.NoSeparator {
		f.Separator = "-"
	}
	switch {
	case len(f.Prefix) > 10 || !isAlnum(f.Prefix):
		return nil, fmt.Errorf("ticket: invalid NumberFormat.Prefix %q: want 1 to 10 ASCII letters or digits", f.Prefix)
	case f.Digits < 1 || f.Digits > 12:
		return nil, fmt.Errorf("ticket: invalid NumberFormat.Digits %d: want 1 to 12", f.Digits)
	case f.NoSeparator && f.Separator != "":
		return nil, fmt.Errorf("ticket: invalid NumberFormat.Separator %q: must be empty with NoSeparator", f.Separator)
	case !slices.Contains([]string{"-", "/", ".", ""}, f.Separator):
		return nil, fmt.Errorf("ticket: invalid NumberFormat.Separator %q: want \"-\", \"/\" or \".\"", f.Separator)
	}

	sep := regexp.QuoteMeta(f.Separator)
	var b strings.Builder
	for _, c := range f.Prefix {
		// Spell out both cases: (?i) would also match non-ASCII runes
		// such as the Kelvin sign for "K".
		if lo, up := unicode.ToLower(c), unicode.ToUpper(c); lo != up {
			fmt.Fprintf(&b, "[%c%c]", lo, up)
		} else {
			b.WriteRune(c)
		}
	}
	if !f.OmitYear {
		b.WriteString(sep + `([0-9]{4})`)
	}
	fmt.Fprintf(&b, `%s([0-9]{%d,})`, sep, f.Digits)
	if f.CheckDigit {
		b.WriteString(sep + `([0-9])`)
	}
	p := &PatternNumberer{
		f:     f,
		find:  regexp.MustCompile(b.String()),
		parse: regexp.MustCompile("^" + b.String() + "$"),
	}
	p.sample = p.Format(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 42)
	return p, nil
}

// DefaultNumberer returns the numberer ticketkit uses when the host gives
// none: "TK-2026-000042", counters restarting every year.
func DefaultNumberer() *PatternNumberer {
	p, err := NewNumberer(NumberFormat{})
	if err != nil {
		panic(err) // the zero format is covered by tests
	}
	return p
}

// Scope returns the prefix and t's year in UTC, such as "TK-2026", or the
// prefix alone when the year is omitted.
func (p *PatternNumberer) Scope(t time.Time) string {
	if p.f.OmitYear {
		return p.f.Prefix
	}
	return fmt.Sprintf("%s%s%04d", p.f.Prefix, p.f.Separator, t.UTC().Year())
}

// Format returns the number of the seq-th ticket of t's scope, such as
// "TK-2026-000042". Sequences start at 1; seq must not be negative.
func (p *PatternNumberer) Format(t time.Time, seq int64) string {
	digits := fmt.Sprintf("%0*d", p.f.Digits, seq)
	var b strings.Builder
	b.WriteString(p.Scope(t))
	b.WriteString(p.f.Separator)
	b.WriteString(digits)
	if p.f.CheckDigit {
		payload := digits
		if !p.f.OmitYear {
			payload = fmt.Sprintf("%04d", t.UTC().Year()) + digits
		}
		b.WriteString(p.f.Separator)
		b.WriteByte(luhnDigit(payload))
	}
	return b.String()
}

// Find returns the first number of this format in text, such as the
// "TK-2026-000042" of "Re: [TK-2026-000042] broken kettle", in canonical
// case. The prefix matches in any case; a number must stand as a word of
// its own, so "XTK-2026-000042" and "TK-2026-000042abc" do not count.
// With CheckDigit, candidates with a wrong check digit are skipped.
func (p *PatternNumberer) Find(text string) (string, bool) {
	for pos := 0; pos < len(text); {
		m := p.find.FindStringSubmatchIndex(text[pos:])
		if m == nil {
			return "", false
		}
		start, end := pos+m[0], pos+m[1]
		if p.bounded(text, start, end) {
			number := p.f.Prefix + text[start+len(p.f.Prefix):end]
			if _, _, err := p.Parse(number); err == nil {
				return number, true
			}
		}
		// Retry just after this candidate's start: a valid number may
		// begin inside a rejected one.
		_, size := utf8.DecodeRuneInString(text[start:])
		pos = start + size
	}
	return "", false
}

// bounded reports whether text[start:end] stands as a word of its own: no
// letter, digit or underscore touches it, and it is not followed by a
// separator and a further digit.
func (p *PatternNumberer) bounded(text string, start, end int) bool {
	if r, _ := utf8.DecodeLastRuneInString(text[:start]); start > 0 && isWordRune(r) {
		return false
	}
	rest := text[end:]
	if r, _ := utf8.DecodeRuneInString(rest); rest != "" && isWordRune(r) {
		return false
	}
	if sep := p.f.Separator; sep != "" && strings.HasPrefix(rest, sep) {
		if after := rest[len(sep):]; after != "" && after[0] >= '0' && after[0] <= '9' {
			return false
		}
	}
	return true
}

// Parse splits a number of this format into its year (0 when the year is
// omitted) and sequence, checking its check digit if it has one. The
// prefix matches in any case. Errors wrap [ErrInvalidNumber].
func (p *PatternNumberer) Parse(number string) (year int, seq int64, err error) {
	m := p.parse.FindStringSubmatch(number)
	if m == nil {
		return 0, 0, fmt.Errorf("%w: %q is not of the form %q", ErrInvalidNumber, number, p.sample)
	}
	m = m[1:]
	payload := ""
	if !p.f.OmitYear {
		year, _ = strconv.Atoi(m[0]) // four digits always parse
		payload, m = m[0], m[1:]
	}
	seq, err = strconv.ParseInt(m[0], 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("%w: %q: sequence out of range", ErrInvalidNumber, number)
	}
	if p.f.CheckDigit && luhnDigit(payload+m[0]) != m[1][0] {
		return 0, 0, fmt.Errorf("%w: %q: wrong check digit", ErrInvalidNumber, number)
	}
	return year, seq, nil
}

// luhnDigit returns the Luhn check digit of a string of ASCII digits.
func luhnDigit(digits string) byte {
	sum := 0
	for i := range len(digits) {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 0 { // double every second digit, starting from the right
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// isAlnum reports whether s is a non-empty run of ASCII letters and
// digits.
func isAlnum(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// NumberLayout is how a [Numberer] builds a number from a sequence
// value: Prefix followed by the value zero-padded to at least Digits
// digits ("TK-2026-" and 6 give "TK-2026-000042"). A store can render
// it in SQL, to draw and write a number in one statement (see
// storage.ChangeWriter).
type NumberLayout struct {
	// Prefix starts every number of the layout, separator included.
	Prefix string
	// Digits is the least number of sequence digits, zero-padded.
	Digits int
}

// Format returns the number of sequence value seq (seq >= 0).
func (l NumberLayout) Format(seq int64) string {
	return l.Prefix + fmt.Sprintf("%0*d", l.Digits, seq)
}

// NumberLayouter is implemented by a [Numberer] whose numbers of a scope
// follow a [NumberLayout], so that a store can render them itself.
type NumberLayouter interface {
	// NumberLayout returns the layout of the numbers of tickets opened at
	// t, such that Format(t, seq) == layout.Format(seq) for every seq,
	// and false when its numbers follow none (a check digit, say).
	NumberLayout(t time.Time) (NumberLayout, bool)
}

// Ensure PatternNumberer implements NumberLayouter.
var _ NumberLayouter = (*PatternNumberer)(nil)

// NumberLayout returns the layout of the numbers of tickets opened at t:
// the scope and separator, then the digits. A format with CheckDigit
// has none.
func (p *PatternNumberer) NumberLayout(t time.Time) (NumberLayout, bool) {
	if p.f.CheckDigit {
		return NumberLayout{}, false
	}
	return NumberLayout{Prefix: p.Scope(t) + p.f.Separator, Digits: p.f.Digits}, true
}
