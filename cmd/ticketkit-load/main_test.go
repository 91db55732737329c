package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseOptions(t *testing.T) {
	t.Parallel()
	t.Run("Defaults", func(t *testing.T) {
		t.Parallel()
		var o options
		require.NoError(t, o.parse("t", []string{"-db", "postgres:x"}))
		require.Equal(t, []float64{25, 50, 100}, o.rates)
		require.Equal(t, "open=20,reply=40,search=25,transition=15", mixString(o.mix))
		require.Equal(t, 30*time.Second, o.duration)
	})
	t.Run("RejectsBadFlagsNamingEach", func(t *testing.T) {
		t.Parallel()
		var o options
		err := o.parse("t", []string{"-rates", "10,x,-5", "-mix", "open=1,delete=2", "-procs", "0", "-duration", "0s"})
		require.Error(t, err)
		for _, want := range []string{"-db is required", `"x"`, `"-5"`, "delete=2", "-procs", "-duration"} {
			require.ErrorContains(t, err, want)
		}
	})
	t.Run("MixNeedsAShareAndNoRepeats", func(t *testing.T) {
		t.Parallel()
		_, err := parseMix("open=0,reply=0")
		require.ErrorContains(t, err, "no use case has a share")
		_, err = parseMix("open=1,open=2")
		require.ErrorContains(t, err, "open given twice")
	})
	t.Run("ChildArgsAppendRateAndIndex", func(t *testing.T) {
		t.Parallel()
		args := []string{"-db", "postgres:x"}
		got := childArgs(args, 3, 12.5)
		require.Equal(t, []string{"-db", "postgres:x", "-child-rate", "12.5", "-child-index", "3"}, got)
		require.Len(t, args, 2, "the parent's arguments are not changed")
		var o options
		require.NoError(t, o.parse("t", got))
		require.Equal(t, 12.5, o.rate)
		require.Equal(t, 3, o.index)
	})
}

func TestMergeAndQuantiles(t *testing.T) {
	t.Parallel()
	m := result{Ops: map[string]*opResult{}}
	for _, name := range opNames {
		m.Ops[name] = &opResult{}
	}
	a := result{Ops: map[string]*opResult{opOpen: {LatencyUS: []int64{1000, 3000}}}, Scheduled: 3, Dropped: 1, Seconds: 2, Delivered: 5}
	b := result{Ops: map[string]*opResult{opOpen: {LatencyUS: []int64{2000}, Errors: 1, Example: "boom"}}, Scheduled: 2, Seconds: 3, Delivered: 7}
	m.merge(&a)
	m.merge(&b)
	n, errs := m.done()
	require.Equal(t, 4, n)
	require.Equal(t, 1, errs)
	require.Equal(t, 5, m.Scheduled)
	require.Equal(t, 1, m.Dropped)
	require.Equal(t, 3.0, m.Seconds)
	require.EqualValues(t, 12, m.Delivered)
	require.Equal(t, "boom", m.Ops[opOpen].Example)
	sorted := []int64{1000, 2000, 3000, 4000}
	require.Equal(t, 3.0, quantile(sorted, .5))
	require.Equal(t, 4.0, quantile(sorted, .99))
	require.Zero(t, quantile(nil, .5))
}
