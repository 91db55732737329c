package phone

import (
	"fmt"
	"strings"
)

// minDigits is the fewest digits Digits accepts.
const minDigits = 4

// Digits returns a [Normalizer] that needs no numbering metadata: it keeps
// a leading '+' and the digits 0-9, and drops spaces, tabs, dots, dashes,
// slashes and parentheses. Input with any other character (a letter, a
// '+' after the first digit), or with fewer than 4 digits, is rejected
// with an error wrapping [ErrInvalid].
//
// Digits does not know national formats: "06 12 34 56 78" becomes
// "0612345678", not "+33612345678". Hosts that store numbers from several
// countries should use phone/libphonenumber.
func Digits() Normalizer {
	return NormalizerFunc(digits)
}

func digits(raw string) (string, error) {
	var b strings.Builder
	b.Grow(len(raw))
	n := 0
	for i, r := range raw {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			n++
		case r == '+' && b.Len() == 0:
			b.WriteRune(r)
		case r == ' ' || r == '\t' || r == '.' || r == '-' || r == '/' || r == '(' || r == ')':
		default:
			return "", fmt.Errorf("%w: %q: unexpected %q at byte %d", ErrInvalid, raw, r, i)
		}
	}
	if n < minDigits {
		return "", fmt.Errorf("%w: %q: fewer than %d digits", ErrInvalid, raw, minDigits)
	}
	return b.String(), nil
}
