// Package phone normalizes phone numbers before ticketkit stores or
// searches them, so that "06 12 34 56 78" and "+33 6 12 34 56 78" find the
// same customer.
//
// This package holds only the [Normalizer] interface and [Digits], a
// dependency-free fallback, and imports only the standard library. Full
// E.164 normalization with per-country validation lives in the
// sub-package phone/libphonenumber, which links about 7 MB of numbering
// metadata: only hosts that import it pay for it.
package phone

import "errors"

// ErrInvalid is returned (wrapped) by a [Normalizer] for input that is not
// a usable phone number.
var ErrInvalid = errors.New("phone: invalid number")

// Normalizer turns a phone number as typed into a canonical form, E.164
// ("+33612345678") where the implementation can. Implementations are safe
// for concurrent use.
type Normalizer interface {
	// Normalize returns the canonical form of raw, or an error wrapping
	// ErrInvalid.
	Normalize(raw string) (string, error)
}

// NormalizerFunc adapts a function to the [Normalizer] interface.
type NormalizerFunc func(raw string) (string, error)

// Normalize calls f(raw).
func (f NormalizerFunc) Normalize(raw string) (string, error) { return f(raw) }
