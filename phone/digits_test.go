package phone_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/phone"
)

func TestDigits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw  string
		want string
	}{
		{"+33 6 12 34 56 78", "+33612345678"},
		{"+33612345678", "+33612345678"},
		{"06 12 34 56 78", "0612345678"},
		{"06.12.34.56.78", "0612345678"},
		{"06-12-34-56-78", "0612345678"},
		{"(650) 253-0000", "6502530000"},
		{"+1 (650) 253-0000", "+16502530000"},
		{" +44\t20/7031 3000 ", "+442070313000"},
		{"1234", "1234"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			t.Parallel()
			got, err := phone.Digits().Normalize(tt.raw)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestDigitsRejectsInvalidInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  string
	}{
		{"Empty", ""},
		{"Blank", "   "},
		{"Letters", "abc"},
		{"LettersAmongDigits", "06 12 AB 56 78"},
		{"VanityNumber", "1-800-FLOWERS"},
		{"TooFewDigits", "123"},
		{"OnlyPlus", "+"},
		{"PlusAfterDigits", "33+612345678"},
		{"DoublePlus", "++33612345678"},
		{"NonASCIIDigits", "０６１２３４５６７８"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := phone.Digits().Normalize(tt.raw)
			require.ErrorIs(t, err, phone.ErrInvalid)
			require.Contains(t, err.Error(), `"`+tt.raw+`"`)
			require.Empty(t, got)
		})
	}
}

func TestNormalizerFunc(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	tests := []struct {
		name    string
		f       phone.NormalizerFunc
		want    string
		wantErr error
	}{
		{"Value", func(raw string) (string, error) { return "+" + raw, nil }, "+42", nil},
		{"Error", func(string) (string, error) { return "", boom }, "", boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var n phone.Normalizer = tt.f
			got, err := n.Normalize("42")
			require.ErrorIs(t, err, tt.wantErr)
			require.Equal(t, tt.want, got)
		})
	}
}
