package ticket_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

// A layout must render exactly what its numberer formats, for every
// format with one and for sequences that outgrow the digits, since a
// store writes the layout's number in place of the numberer's.
func TestPatternNumbererNumberLayoutMatchesFormat(t *testing.T) {
	t.Parallel()
	formats := []ticket.NumberFormat{
		{}, {OmitYear: true}, {Prefix: "HD", Digits: 1}, {Digits: 12},
		{Separator: "/"}, {Separator: "."}, {NoSeparator: true}, {NoSeparator: true, OmitYear: true},
	}
	seqs := []int64{0, 1, 9, 10, 42, 999999, 1000000, 123456789012, 1234567890123, math.MaxInt64}
	for _, f := range formats {
		n, err := ticket.NewNumberer(f)
		require.NoError(t, err)
		for _, at := range []time.Time{jan2026, newYearParis} {
			l, ok := n.NumberLayout(at)
			require.True(t, ok, "%+v", f)
			for _, seq := range seqs {
				require.Equal(t, n.Format(at, seq), l.Format(seq), "%+v at %v seq %d", f, at, seq)
			}
		}
	}
}

// A check digit depends on the whole number: no layout can render it.
func TestPatternNumbererNumberLayoutNoneWithCheckDigit(t *testing.T) {
	t.Parallel()
	n, err := ticket.NewNumberer(ticket.NumberFormat{CheckDigit: true})
	require.NoError(t, err)
	l, ok := n.NumberLayout(jan2026)
	require.False(t, ok)
	require.Zero(t, l)
}
