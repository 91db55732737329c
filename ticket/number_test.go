package ticket_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

var (
	jan2026 = time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	// newYearParis is already 2027 in Paris but still 2026 in UTC.
	newYearParis = time.Date(2027, 1, 1, 0, 30, 0, 0, time.FixedZone("CET", 3600))
)

func TestNewNumbererFormats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		format ticket.NumberFormat
		at     time.Time
		seq    int64
		scope  string
		want   string
	}{
		{"Default", ticket.NumberFormat{}, jan2026, 42, "TK-2026", "TK-2026-000042"},
		{"YearInUTC", ticket.NumberFormat{}, newYearParis, 1, "TK-2026", "TK-2026-000001"},
		{"OmitYear", ticket.NumberFormat{OmitYear: true}, jan2026, 42, "TK", "TK-000042"},
		{"CheckDigit", ticket.NumberFormat{CheckDigit: true}, jan2026, 42, "TK-2026", "TK-2026-000042-5"},
		{"CheckDigitWithoutYear", ticket.NumberFormat{CheckDigit: true, OmitYear: true}, jan2026, 42, "TK", "TK-000042-2"},
		{"Prefix", ticket.NumberFormat{Prefix: "SAV"}, jan2026, 7, "SAV-2026", "SAV-2026-000007"},
		{"Digits", ticket.NumberFormat{Digits: 3}, jan2026, 7, "TK-2026", "TK-2026-007"},
		{"LongerThanDigits", ticket.NumberFormat{Digits: 3}, jan2026, 12345, "TK-2026", "TK-2026-12345"},
		{"SlashSeparator", ticket.NumberFormat{Separator: "/"}, jan2026, 42, "TK/2026", "TK/2026/000042"},
		{"DotSeparator", ticket.NumberFormat{Separator: ".", CheckDigit: true}, jan2026, 42, "TK.2026", "TK.2026.000042.5"},
		{"NoSeparator", ticket.NumberFormat{NoSeparator: true}, jan2026, 42, "TK2026", "TK2026000042"},
		{"NoSeparatorCheckDigit", ticket.NumberFormat{NoSeparator: true, CheckDigit: true}, jan2026, 42, "TK2026", "TK20260000425"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := ticket.NewNumberer(tt.format)
			require.NoError(t, err)
			require.Equal(t, tt.scope, p.Scope(tt.at))
			got := p.Format(tt.at, tt.seq)
			require.Equal(t, tt.want, got)

			found, ok := p.Find("about " + got + ", thanks")
			require.True(t, ok)
			require.Equal(t, got, found)

			year, seq, err := p.Parse(got)
			require.NoError(t, err)
			require.Equal(t, tt.seq, seq)
			if tt.format.OmitYear {
				require.Zero(t, year)
			} else {
				require.Equal(t, tt.at.UTC().Year(), year)
			}
		})
	}
}

func TestNewNumbererRejectsInvalidFormats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		format ticket.NumberFormat
		field  string
	}{
		{"PrefixWithDash", ticket.NumberFormat{Prefix: "T-K"}, "NumberFormat.Prefix"},
		{"PrefixTooLong", ticket.NumberFormat{Prefix: "ABCDEFGHIJK"}, "NumberFormat.Prefix"},
		{"PrefixNonASCII", ticket.NumberFormat{Prefix: "TÉ"}, "NumberFormat.Prefix"},
		{"TooManyDigits", ticket.NumberFormat{Digits: 13}, "NumberFormat.Digits"},
		{"NegativeDigits", ticket.NumberFormat{Digits: -1}, "NumberFormat.Digits"},
		{"BadSeparator", ticket.NumberFormat{Separator: "_"}, "NumberFormat.Separator"},
		{"LongSeparator", ticket.NumberFormat{Separator: "--"}, "NumberFormat.Separator"},
		{"SeparatorAndNoSeparator", ticket.NumberFormat{Separator: "/", NoSeparator: true}, "NumberFormat.Separator"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := ticket.NewNumberer(tt.format)
			require.Nil(t, p)
			require.ErrorContains(t, err, tt.field)
		})
	}
	_, err := ticket.NewNumberer(ticket.NumberFormat{Prefix: "ABCDEFGHIJ", Digits: 12})
	require.NoError(t, err, "the limits themselves are allowed")
}

func TestPatternNumbererFind(t *testing.T) {
	t.Parallel()
	plain := ticket.DefaultNumberer()
	checked, err := ticket.NewNumberer(ticket.NumberFormat{CheckDigit: true})
	require.NoError(t, err)
	tests := []struct {
		name string
		p    *ticket.PatternNumberer
		text string
		want string // empty: not found
	}{
		{"EmailSubject", plain, "Re: [TK-2026-000042] broken kettle", "TK-2026-000042"},
		{"LowerCasePrefix", plain, "my ticket tk-2026-000042 please", "TK-2026-000042"},
		{"MixedCasePrefix", plain, "Tk-2026-000042", "TK-2026-000042"},
		{"WholeText", plain, "TK-2026-000042", "TK-2026-000042"},
		{"EndOfSentence", plain, "See TK-2026-000042.", "TK-2026-000042"},
		{"LongSequence", plain, "(TK-2026-1234567)", "TK-2026-1234567"},
		{"FirstOfTwo", plain, "TK-2026-000001 and TK-2026-000002", "TK-2026-000001"},
		{"SkipsEmbeddedThenFinds", plain, "XTK-2026-000001 TK-2026-000002", "TK-2026-000002"},
		{"EmbeddedInLongerToken", plain, "XTK-2026-000001", ""},
		{"PrefixedByDigit", plain, "1TK-2026-000001", ""},
		{"PrefixedByUnderscore", plain, "_TK-2026-000001", ""},
		{"PrefixedByNonASCIILetter", plain, "éTK-2026-000001", ""},
		{"FollowedByLetters", plain, "TK-2026-000042abc", ""},
		{"FollowedBySeparatorAndDigit", plain, "TK-2026-000042-5", ""},
		{"TooFewDigits", plain, "TK-2026-42", ""},
		{"ShortYear", plain, "TK-26-000042", ""},
		{"OtherPrefix", plain, "SAV-2026-000042", ""},
		{"KelvinSignIsNotK", plain, "T\u212a-2026-000042", ""},
		{"Nothing", plain, "hello", ""},
		{"Empty", plain, "", ""},
		{"CheckDigitRight", checked, "Re: TK-2026-000042-5", "TK-2026-000042-5"},
		{"CheckDigitWrong", checked, "Re: TK-2026-000042-7", ""},
		{"CheckDigitWrongThenRight", checked, "TK-2026-000042-7 or tk-2026-000042-5", "TK-2026-000042-5"},
		{"CheckDigitMissing", checked, "TK-2026-000042", ""},
		{"CheckDigitTransposed", checked, "TK-2026-000024-5", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := tt.p.Find(tt.text)
			require.Equal(t, tt.want != "", ok)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestPatternNumbererParseRejects(t *testing.T) {
	t.Parallel()
	checked, err := ticket.NewNumberer(ticket.NumberFormat{CheckDigit: true})
	require.NoError(t, err)
	tests := []struct {
		name   string
		p      *ticket.PatternNumberer
		number string
	}{
		{"Empty", ticket.DefaultNumberer(), ""},
		{"SurroundingText", ticket.DefaultNumberer(), "[TK-2026-000042]"},
		{"Overflow", ticket.DefaultNumberer(), "TK-2026-99999999999999999999"},
		{"WrongCheckDigit", checked, "TK-2026-000042-7"},
		{"MissingCheckDigit", checked, "TK-2026-000042"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := tt.p.Parse(tt.number)
			require.ErrorIs(t, err, ticket.ErrInvalidNumber)
		})
	}
	year, seq, err := checked.Parse("tk-2026-000042-5")
	require.NoError(t, err)
	require.Equal(t, 2026, year)
	require.Equal(t, int64(42), seq)
}

// TestPatternNumbererFindsWhatItFormats is a property check: for many
// formats and sequences, Find in free text returns exactly the number
// Format rendered, and Parse returns the sequence.
func TestPatternNumbererFindsWhatItFormats(t *testing.T) {
	t.Parallel()
	formats := []ticket.NumberFormat{
		{},
		{CheckDigit: true},
		{OmitYear: true, Digits: 1},
		{Prefix: "R2D2", Separator: ".", CheckDigit: true},
		{Prefix: "ab", Separator: "/", Digits: 12},
		{NoSeparator: true, CheckDigit: true, Digits: 4},
	}
	years := []int{2000, 2026, 2099}
	// next grows seq by about a third, ending with math.MaxInt64 and then 0.
	next := func(seq int64) int64 {
		switch {
		case seq == math.MaxInt64:
			return 0
		case seq > math.MaxInt64/4*3:
			return math.MaxInt64
		}
		return seq + seq/3 + seq%7 + 1
	}
	for i, f := range formats {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			p, err := ticket.NewNumberer(f)
			require.NoError(t, err)
			for _, year := range years {
				at := time.Date(year, 6, 1, 0, 0, 0, 0, time.UTC)
				for seq := int64(1); seq > 0; seq = next(seq) {
					n := p.Format(at, seq)
					got, ok := p.Find("Re: [" + n + "] about my order")
					require.True(t, ok, n)
					require.Equal(t, n, got)
					_, gotSeq, err := p.Parse(n)
					require.NoError(t, err, n)
					require.Equal(t, seq, gotSeq, n)
				}
			}
		})
	}
}
