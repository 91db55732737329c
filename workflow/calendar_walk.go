package workflow

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// A calendar's arithmetic works on local day numbers (days since
// 1970-01-01 in the calendar's zone) and Unix seconds. An instant is open
// when its local wall-clock time falls in a window of its local date and
// that date is no holiday. Away from daylight saving changes a day's
// windows map to instants with one offset; the few days near a change
// are cut along the zone's periods instead, which gives a skipped hour no
// time and a repeated hour twice its time.

// zoneMargin keeps the fast path away from zone changes: a day is mapped
// with a single offset only when no change lies within two days of it,
// more than any offset jump.
const zoneMargin = 2 * secondsPerDay

// walker visits a calendar's days, caching the zone period (the span of
// time with one UTC offset) around them. The zero walker with c set is
// ready to use.
type walker struct {
	c      *Calendar
	zs, ze int64 // the cached zone period [zs, ze), Unix seconds
	off    int64 // its offset, seconds east of UTC
	cached bool
	buf    []interval // scratch for days near a zone change
}

// interval is an open stretch of time, Unix seconds [a, b).
type interval struct{ a, b int64 }

// zoneAt caches the zone period holding Unix second u.
func (w *walker) zoneAt(u int64) {
	if w.cached && w.zs <= u && u < w.ze {
		return
	}
	t := time.Unix(u, 0).In(w.c.loc)
	_, off := t.Zone()
	start, end := t.ZoneBounds()
	w.off, w.zs, w.ze, w.cached = int64(off), math.MinInt64, math.MaxInt64, true
	if !start.IsZero() {
		w.zs = start.Unix()
	}
	if !end.IsZero() {
		w.ze = end.Unix()
	}
}

// settle caches the zone period of the local wall second wall, as far as
// one exists.
func (w *walker) settle(wall int64) {
	w.zoneAt(wall - w.off)
	w.zoneAt(wall - w.off)
}

// uniform reports whether the local wall seconds from and to, and all in
// between, map to instants with the cached offset, far from any change.
func (w *walker) uniform(from, to int64) bool {
	return from-w.off >= w.zs+zoneMargin && to-w.off < w.ze-zoneMargin
}

// localDay returns the local day number of Unix second u.
func (w *walker) localDay(u int64) int64 {
	w.zoneAt(u)
	return floorDiv(u+w.off, secondsPerDay)
}

// dayView is one local day's open windows as instants, in time order.
type dayView struct {
	spans []span     // the fast path: the day's windows...
	base  int64      // ...shifted by the Unix second of local midnight
	slow  []interval // near a zone change: the cut windows
	cut   bool
}

// len returns the number of intervals.
func (v dayView) len() int {
	if v.cut {
		return len(v.slow)
	}
	return len(v.spans)
}

// at returns interval i as Unix seconds [a, b).
func (v dayView) at(i int) (a, b int64) {
	if v.cut {
		return v.slow[i].a, v.slow[i].b
	}
	s := v.spans[i]
	return v.base + int64(s.start), v.base + int64(s.end)
}

// day returns the open intervals of local day d: none on a holiday.
func (w *walker) day(d int64) dayView {
	spans := w.c.week[weekday(d)]
	if len(spans) == 0 || w.c.isHoliday(d) {
		return dayView{}
	}
	mid := d * secondsPerDay
	w.settle(mid + int64(spans[0].start))
	if w.uniform(mid, mid+secondsPerDay) {
		return dayView{spans: spans, base: mid - w.off}
	}
	return dayView{slow: w.cutDay(mid, spans), cut: true}
}

// cutDay returns the instants whose local wall time lies in spans on the
// day whose midnight is the wall second mid, zone period by zone period,
// in time order.
func (w *walker) cutDay(mid int64, spans []span) []interval {
	// Offsets stay within ±26h, so the day's instants lie in this range.
	lo, hi := mid-2*secondsPerDay, mid+3*secondsPerDay
	out := w.buf[:0]
	for u := lo; u < hi; {
		t := time.Unix(u, 0).In(w.c.loc)
		_, off := t.Zone()
		_, end := t.ZoneBounds()
		pe := int64(math.MaxInt64)
		if !end.IsZero() {
			pe = end.Unix()
		}
		for _, s := range spans {
			a := max(mid+int64(s.start)-int64(off), u)
			b := min(mid+int64(s.end)-int64(off), pe)
			if a < b {
				out = append(out, interval{a, b})
			}
		}
		u = pe
	}
	slices.SortFunc(out, func(x, y interval) int { return cmp.Compare(x.a, y.a) })
	w.buf = out
	return out
}

// skipForward counts whole weeks of local days [day, day+7n) that can be
// skipped: no zone change near, and their open time n*week - holidays
// less than rem. It returns n (0 when none can be skipped) and their open
// time.
func (w *walker) skipForward(day int64, rem time.Duration) (int64, time.Duration) {
	mid := day * secondsPerDay
	w.settle(mid)
	if !w.uniform(mid, mid) {
		return 0, 0
	}
	n := int64((rem - 1) / w.c.weekOpen)
	if w.ze != math.MaxInt64 {
		last := floorDiv(w.ze-zoneMargin+w.off-1, secondsPerDay) // days end by then
		n = min(n, (last-day)/7)
	}
	return w.weeks(day, n)
}

// skipBackward is skipForward going back: it skips local days
// (day-7n, day].
func (w *walker) skipBackward(day int64, rem time.Duration) (int64, time.Duration) {
	end := (day + 1) * secondsPerDay
	w.settle(day * secondsPerDay)
	if !w.uniform(end, end) {
		return 0, 0
	}
	n := int64((rem - 1) / w.c.weekOpen)
	if w.zs != math.MinInt64 {
		first := ceilDiv(w.zs+zoneMargin+w.off, secondsPerDay) // days start from then
		n = min(n, (day+1-first)/7)
	}
	return w.weeks(day-7*n+1, n)
}

// skipBetween counts whole weeks of local days [day, day+7n) that end by
// Unix second to, with no zone change near.
func (w *walker) skipBetween(day, to int64) (int64, time.Duration) {
	mid := day * secondsPerDay
	w.settle(mid)
	if !w.uniform(mid, mid) {
		return 0, 0
	}
	n := (floorDiv(to+w.off, secondsPerDay) - day) / 7
	if w.ze != math.MaxInt64 {
		last := floorDiv(w.ze-zoneMargin+w.off-1, secondsPerDay)
		n = min(n, (last-day)/7)
	}
	return w.weeks(day, n)
}

// weeks returns n and the open time of the n weeks from local day first,
// or zeros when n < 1.
func (w *walker) weeks(first, n int64) (int64, time.Duration) {
	if n < 1 {
		return 0, 0
	}
	return n, time.Duration(n)*w.c.weekOpen - w.c.holidaysOpen(first, first+7*n)
}

// daysFromCivil returns the day number (days since 1970-01-01) of a
// date.
func daysFromCivil(y int, m time.Month, d int) int64 {
	return floorDiv(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), secondsPerDay)
}

// weekday returns the weekday of day number day.
func weekday(day int64) time.Weekday {
	return time.Weekday(day + 4 - floorDiv(day+4, 7)*7) // 1970-01-01 was a Thursday
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func ceilDiv(a, b int64) int64 { return -floorDiv(-a, b) }
