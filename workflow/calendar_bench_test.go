package workflow_test

import (
	"testing"
	"time"

	"github.com/ticketkit/ticketkit/workflow"
)

// benchStarts are start times spread over a year, inside and outside
// business hours, so a benchmark does not measure one lucky path.
func benchStarts() []time.Time {
	starts := make([]time.Time, 64)
	from := time.Date(2026, 1, 5, 7, 13, 0, 0, paris)
	for i := range starts {
		starts[i] = from.Add(time.Duration(i) * (137*time.Hour + 17*time.Minute))
	}
	return starts
}

func BenchmarkCalendarAdd(b *testing.B) {
	cal := mustCalendar(b, lunchSpec()) // two windows a day, 20 holidays, Europe/Paris
	starts := benchStarts()
	for _, bb := range []struct {
		name string
		d    time.Duration
	}{
		{"8h", 8 * time.Hour},
		{"40h", 40 * time.Hour},
		{"2000h", 2000 * time.Hour},
		{"back40h", -40 * time.Hour},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				_ = cal.Add(starts[i%len(starts)], bb.d)
				i++
			}
		})
	}
	b.Run("AlwaysOpen", func(b *testing.B) {
		cal := workflow.AlwaysOpen()
		b.ReportAllocs()
		for b.Loop() {
			_ = cal.Add(starts[0], 40*time.Hour)
		}
	})
}

func BenchmarkCalendarBetween(b *testing.B) {
	cal := mustCalendar(b, lunchSpec())
	starts := benchStarts()
	for _, bb := range []struct {
		name string
		span time.Duration
	}{
		{"1d", 24 * time.Hour},
		{"1w", 7 * 24 * time.Hour},
		{"1y", 365 * 24 * time.Hour},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				from := starts[i%len(starts)]
				_ = cal.Between(from, from.Add(bb.span))
				i++
			}
		})
	}
}
