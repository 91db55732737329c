package libphonenumber_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/phone"
	"github.com/ticketkit/ticketkit/phone/libphonenumber"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		region string
		raw    string
		want   string
	}{
		{"FrenchInternationalSpaced", "FR", "+33 6 12 34 56 78", "+33612345678"},
		{"FrenchNational", "FR", "0612345678", "+33612345678"},
		{"FrenchNationalSpaced", "FR", "06 12 34 56 78", "+33612345678"},
		{"FrenchNationalDotted", "FR", "06.12.34.56.78", "+33612345678"},
		{"FrenchE164", "FR", "+33612345678", "+33612345678"},
		{"FrenchFromAnotherRegion", "US", "+33 6 12 34 56 78", "+33612345678"},
		{"FrenchWithoutRegion", "", "+33 6 12 34 56 78", "+33612345678"},
		{"LowerCaseRegion", "fr", "06 12 34 56 78", "+33612345678"},
		{"UKMobileNational", "GB", "07400 123456", "+447400123456"},
		{"UKLandlineInternational", "FR", "+44 20 7031 3000", "+442070313000"},
		{"USNational", "US", "(650) 253-0000", "+16502530000"},
		{"USInternational", "FR", "+1 650-253-0000", "+16502530000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, err := libphonenumber.New(tt.region)
			require.NoError(t, err)
			got, err := n.Normalize(tt.raw)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestNormalizeRejectsInvalidNumbers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		region string
		raw    string
	}{
		{"Empty", "FR", ""},
		{"Letters", "FR", "abc"},
		{"TooShort", "FR", "123"},
		{"TooShortInternational", "FR", "+33 12"},
		{"TooLong", "FR", "06 12 34 56 78 90 12"},
		{"UnknownCountryCode", "FR", "+999 1234 5678"},
		{"NationalWithoutRegion", "", "06 12 34 56 78"},
		{"InvalidForRegion", "US", "(123) 456-7890"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, err := libphonenumber.New(tt.region)
			require.NoError(t, err)
			got, err := n.Normalize(tt.raw)
			require.ErrorIs(t, err, phone.ErrInvalid)
			require.Contains(t, err.Error(), `"`+tt.raw+`"`)
			require.Empty(t, got)
		})
	}
}

func TestNewRejectsUnknownRegions(t *testing.T) {
	t.Parallel()
	for _, region := range []string{"XX", "ZZ", "FRA", "France", "001", "33"} {
		t.Run(region, func(t *testing.T) {
			t.Parallel()
			n, err := libphonenumber.New(region)
			require.ErrorContains(t, err, region)
			require.Nil(t, n)
		})
	}
}

func TestNormalizeConcurrently(t *testing.T) {
	t.Parallel()
	n, err := libphonenumber.New("FR")
	require.NoError(t, err)
	var wg sync.WaitGroup
	results := make([]string, 16)
	for i := range results {
		wg.Go(func() { results[i], _ = n.Normalize("06 12 34 56 78") })
	}
	wg.Wait()
	for _, got := range results {
		require.Equal(t, "+33612345678", got)
	}
}
