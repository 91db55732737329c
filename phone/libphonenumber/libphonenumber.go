// Package libphonenumber normalizes phone numbers to E.164 with
// github.com/nyaruka/phonenumbers, a Go port of Google's libphonenumber.
//
// Importing this package adds about 7 MB of numbering metadata to a
// binary; hosts that do not need per-country validation can use
// [phone.Digits] instead.
package libphonenumber

import (
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/ticketkit/ticketkit/phone"
)

// New returns a [phone.Normalizer] that parses numbers with
// defaultRegion, an ISO 3166-1 alpha-2 code such as "FR" (case does not
// matter), as the country of numbers written without a leading '+'. An
// empty defaultRegion accepts only numbers in international form.
//
// The normalizer rejects numbers that are not valid in their country
// with an error wrapping [phone.ErrInvalid], and returns the others in
// E.164 form, such as "+33612345678". New returns an error for a region
// the metadata does not know.
func New(defaultRegion string) (phone.Normalizer, error) {
	region := strings.ToUpper(strings.TrimSpace(defaultRegion))
	if region != "" && !phonenumbers.GetSupportedRegions()[region] {
		return nil, fmt.Errorf("libphonenumber: unknown region %q", defaultRegion)
	}
	return normalizer{region: region}, nil
}

// normalizer is the phone.Normalizer New returns.
type normalizer struct {
	region string
}

// Normalize implements [phone.Normalizer].
func (n normalizer) Normalize(raw string) (string, error) {
	num, err := phonenumbers.Parse(raw, n.region)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %w", phone.ErrInvalid, raw, err)
	}
	if !phonenumbers.IsValidNumber(num) {
		return "", fmt.Errorf("%w: %q", phone.ErrInvalid, raw)
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}
