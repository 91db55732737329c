package workflow

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// AlwaysOpenName is the name of the [AlwaysOpen] calendar. An SLA policy
// with no calendar, or this one, counts every hour of every day.
const AlwaysOpenName = "24x7"

// CalendarSpec is the data a [Calendar] is built from: business hours per
// weekday in an IANA time zone, and holidays. Hosts write it in Go or load
// it with [ParseSLAYAML] or [ParseSLAJSON] as part of an [SLAConfig].
type CalendarSpec struct {
	// Name identifies the calendar; SLA policies refer to it by name.
	Name string `json:"name"`
	// TimeZone is an IANA zone such as "Europe/Paris" in which the windows
	// and holidays are read; empty means UTC. The host's tzdata is used:
	// a host without one should import time/tzdata.
	TimeZone string `json:"time_zone,omitempty"`
	// Week maps "mon", "tue", "wed", "thu", "fri", "sat" and "sun" to the
	// day's open windows; a missing day is closed.
	Week map[string][]Window `json:"week"`
	// Holidays are closed dates, such as "2026-12-25", in the calendar's
	// zone. Duplicates are ignored.
	Holidays []string `json:"holidays,omitempty"`
}

// Window is an open interval of a day in local wall-clock time, from
// Start up to End, such as 09:00 to 17:30. End may be "24:00"; a window
// cannot run past midnight (split it over two days). On a daylight saving
// change a window is as long as the wall clock says: 01:00–04:00 lasts 2h
// on the spring-forward day and 4h on the fall-back day in Europe/Paris.
type Window struct {
	// Start is "HH:MM", from "00:00" to "23:59".
	Start string `json:"start"`
	// End is "HH:MM", after Start, up to "24:00".
	End string `json:"end"`
}

// Calendar is a validated business-hours calendar. It converts between
// wall time and business time: [Calendar.Add] finds when an amount of
// business time will have passed and [Calendar.Between] measures it. All
// results are in UTC. A Calendar is safe for concurrent use; it never
// reads the clock.
type Calendar struct {
	name string
	loc  *time.Location
	// week holds each weekday's windows, indexed by time.Weekday, in
	// seconds after local midnight, sorted and merged.
	week [7][]span
	// weekOpen is the nominal open time of a week without holidays or
	// daylight saving changes.
	weekOpen time.Duration
	// holidays are sorted local day numbers (days since 1970-01-01).
	holidays []int64
	// holidayOpen[i] is the nominal open time the first i holidays take
	// away, for counting holidays over many weeks at once.
	holidayOpen []time.Duration
	// continuous means every instant is open: every day 00:00–24:00 and
	// no holidays.
	continuous bool
}

// span is a window in seconds after local midnight, [start, end).
type span struct{ start, end int32 }

const secondsPerDay = 24 * 60 * 60

// weekdayKeys are the keys of [CalendarSpec.Week], indexed by
// time.Weekday.
var weekdayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// AlwaysOpen returns the calendar that is open every hour of every day,
// in UTC, named [AlwaysOpenName]: business time equals wall time.
func AlwaysOpen() *Calendar {
	c := &Calendar{name: AlwaysOpenName, loc: time.UTC, continuous: true}
	for d := range c.week {
		c.week[d] = []span{{0, secondsPerDay}}
	}
	c.weekOpen = 7 * 24 * time.Hour
	c.holidayOpen = []time.Duration{0}
	return c
}

// NewCalendar validates spec and builds a Calendar. Every problem (an
// unknown time zone, a bad day key, a malformed, empty or overlapping
// window, a bad holiday date, a week with no open time) is listed in one
// *[DefinitionError].
func NewCalendar(spec CalendarSpec) (*Calendar, error) {
	c, problems := buildCalendar(spec)
	if len(problems) > 0 {
		return nil, &DefinitionError{Problems: problems}
	}
	return c, nil
}

// buildCalendar returns the calendar of spec, or the problems found,
// each prefixed with the calendar's name when it has one.
func buildCalendar(spec CalendarSpec) (*Calendar, []string) {
	var p []string
	where := "calendar"
	if spec.Name != "" {
		where = fmt.Sprintf("calendar %q", spec.Name)
	}
	addf := func(format string, args ...any) {
		p = append(p, where+": "+fmt.Sprintf(format, args...))
	}
	c := &Calendar{name: spec.Name, loc: time.UTC}

	switch zone := spec.TimeZone; zone {
	case "", "UTC":
	case "Local":
		addf(`time zone "Local" depends on the host; name an IANA zone such as "Europe/Paris"`)
	default:
		loc, err := time.LoadLocation(zone)
		if err != nil {
			addf("unknown time zone %q", zone)
		} else {
			c.loc = loc
		}
	}

	badWeek := false
	for _, key := range slices.Sorted(maps.Keys(spec.Week)) {
		if !slices.Contains(weekdayKeys[:], key) {
			addf("unknown day %q (want mon, tue, wed, thu, fri, sat or sun)", key)
			badWeek = true
		}
	}
	for i := range weekdayKeys {
		day := (i + 1) % 7 // Monday first
		key := weekdayKeys[day]
		spans, ok := parseWindows(spec.Week[key], func(format string, args ...any) {
			addf("%s: "+format, append([]any{key}, args...)...)
		})
		c.week[day] = spans
		badWeek = badWeek || !ok
	}
	allDay := true
	for _, spans := range c.week {
		for _, s := range spans {
			c.weekOpen += time.Duration(s.end-s.start) * time.Second
		}
		allDay = allDay && len(spans) == 1 && spans[0] == span{0, secondsPerDay}
	}
	if c.weekOpen == 0 && !badWeek {
		addf("no open time in the week")
	}

	for i, h := range spec.Holidays {
		t, err := time.Parse(time.DateOnly, h)
		if err != nil {
			addf("holiday %d: bad date %q (want a date such as \"2026-12-25\")", i+1, h)
			continue
		}
		c.holidays = append(c.holidays, daysFromCivil(t.Date()))
	}
	slices.Sort(c.holidays)
	c.holidays = slices.Compact(c.holidays)
	c.holidayOpen = make([]time.Duration, len(c.holidays)+1)
	for i, d := range c.holidays {
		c.holidayOpen[i+1] = c.holidayOpen[i] + c.dayOpen(d)
	}
	c.continuous = allDay && len(c.holidays) == 0
	return c, p
}

// parseWindows parses, sorts and merges one day's windows, reporting
// problems through addf; ok is false when there were any.
func parseWindows(windows []Window, addf func(format string, args ...any)) ([]span, bool) {
	spans := make([]span, 0, len(windows))
	ok := true
	for i, w := range windows {
		start, err1 := parseClock(w.Start, false)
		end, err2 := parseClock(w.End, true)
		name := fmt.Sprintf("window %d %q-%q", i+1, w.Start, w.End)
		switch {
		case err1 != nil:
			addf("%s: bad start: %v", name, err1)
		case err2 != nil:
			addf("%s: bad end: %v", name, err2)
		case end <= start:
			addf("%s: empty window (it must end after it starts; split windows that cross midnight)", name)
		default:
			spans = append(spans, span{start, end})
			continue
		}
		ok = false
	}
	if !ok {
		return nil, false
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	merged := spans[:0]
	for _, s := range spans {
		if n := len(merged); n > 0 && s.start <= merged[n-1].end {
			if s.start < merged[n-1].end {
				addf("windows %s and %s overlap", clockText(merged[n-1]), clockText(s))
				ok = false
			}
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	if !ok {
		return nil, false
	}
	return slices.Clip(merged), true
}

// parseClock parses "HH:MM" (or "H:MM") into seconds after midnight;
// "24:00" is accepted when allowEnd is set.
func parseClock(s string, allowEnd bool) (int32, error) {
	hh, mm, found := strings.Cut(s, ":")
	h, errH := strconv.Atoi(hh)
	m, errM := strconv.Atoi(mm)
	switch {
	case !found || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 || errH != nil || errM != nil || h < 0 || m < 0:
		return 0, fmt.Errorf("want a time such as \"09:00\"")
	case h == 24 && m == 0 && allowEnd:
	case h > 23 || m > 59:
		if allowEnd {
			return 0, fmt.Errorf("want a time from \"00:00\" to \"24:00\"")
		}
		return 0, fmt.Errorf("want a time from \"00:00\" to \"23:59\"")
	}
	return int32(h*3600 + m*60), nil
}

func clockText(s span) string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.start/3600, s.start%3600/60, s.end/3600, s.end%3600/60)
}

// Name returns the calendar's name.
func (c *Calendar) Name() string { return c.name }

// Location returns the time zone the calendar's windows and holidays are
// read in.
func (c *Calendar) Location() *time.Location { return c.loc }

// IsOpen reports whether t is in business hours: its local wall-clock
// time falls in a window of its local date, and that date is no holiday.
func (c *Calendar) IsOpen(t time.Time) bool {
	if c.continuous {
		return true
	}
	_, off := t.In(c.loc).Zone()
	wall := t.Unix() + int64(off)
	day := floorDiv(wall, secondsPerDay)
	if c.isHoliday(day) {
		return false
	}
	sec := int32(wall - day*secondsPerDay)
	for _, s := range c.week[weekday(day)] {
		if s.start <= sec && sec < s.end {
			return true
		}
	}
	return false
}

// Add returns the wall time, in UTC, at which d of business time has
// passed after from. When from is outside business hours, counting starts
// at the next opening; the result lies in an open window or at its end
// (at closing time, not the next opening, when d runs out exactly there),
// so that Between(from, Add(from, d)) == d. A negative d counts backwards,
// mirroring that: when from is outside business hours, counting starts at
// the last closing, and the result lies in an open window or at its start;
// it is the latest time t with Between(t, from) == -d. Add(from, 0) is
// from.
//
// Add walks day by day near from and skips whole weeks with no holiday
// or daylight saving change arithmetically, so long durations are cheap.
func (c *Calendar) Add(from time.Time, d time.Duration) time.Time {
	from = from.UTC()
	switch {
	case d == 0:
		return from
	case c.continuous:
		return from.Add(d)
	case d < 0:
		return c.addBack(from, -max(d, -maxDuration), false)
	}
	w := walker{c: c}
	fs, fn := from.Unix(), int64(from.Nanosecond())
	fday := w.localDay(fs)
	rem := d
	for day := fday - 1; ; day++ {
		if day > fday && rem > c.weekOpen {
			if n, open := w.skipForward(day, rem); n > 0 {
				rem -= open
				day += 7*n - 1
				continue
			}
		}
		v := w.day(day)
		for i := range v.len() {
			a, b := v.at(i)
			if b <= fs {
				continue // ends at or before from
			}
			s, sn := a, int64(0)
			if a <= fs {
				s, sn = fs, fn
			}
			avail := time.Duration(b-s)*time.Second - time.Duration(sn)
			if avail >= rem {
				return time.Unix(s, sn).Add(rem).UTC()
			}
			rem -= avail
		}
	}
}

const maxDuration = time.Duration(1<<63 - 1)

// reachedAt returns when a clock that runs on the calendar and, at since,
// has left business time to go reaches zero. While time is left that is
// Add(since, left). Otherwise the clock got there -left of business time
// before since, at the earliest instant t with Between(t, since) == -left:
// the moment the last business time ran out, so at closing time rather
// than at the next opening. Unlike Add, reachedAt(since, 0) is since only
// when business time runs up to since; otherwise it is the last closing.
func (c *Calendar) reachedAt(since time.Time, left time.Duration) time.Time {
	since = since.UTC()
	switch {
	case left > 0:
		return c.Add(since, left)
	case c.continuous:
		return since.Add(left)
	}
	return c.addBack(since, -max(left, -maxDuration), true)
}

// addBack returns a time t with Between(t, from) == d, for d >= 0: the
// earliest one when earliest is set (it lies in an open window or at its
// end), else the latest (in an open window or at its start). The latest
// needs d > 0.
func (c *Calendar) addBack(from time.Time, d time.Duration, earliest bool) time.Time {
	w := walker{c: c}
	fs, fn := from.Unix(), int64(from.Nanosecond())
	fday := w.localDay(fs)
	rem := d
	for day := fday + 1; ; day-- {
		if day < fday && rem > c.weekOpen {
			if n, open := w.skipBackward(day, rem); n > 0 {
				rem -= open
				day -= 7*n - 1
				continue
			}
		}
		v := w.day(day)
		for i := v.len() - 1; i >= 0; i-- {
			a, b := v.at(i)
			if a > fs || a == fs && fn == 0 {
				continue // starts at or after from
			}
			e, en := b, int64(0)
			if b > fs {
				e, en = fs, fn
			}
			avail := time.Duration(e-a)*time.Second + time.Duration(en)
			// When the window has exactly rem, the latest t is its start
			// and the earliest the end of an earlier window.
			if avail > rem || avail == rem && !earliest {
				return time.Unix(e, en).Add(-rem).UTC()
			}
			rem -= avail
		}
	}
}

// Between returns the business time in [from, to): the open time between
// the two instants. It is 0 when to is not after from.
func (c *Calendar) Between(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	if c.continuous {
		return to.Sub(from)
	}
	w := walker{c: c}
	fs, fn := from.Unix(), int64(from.Nanosecond())
	ts, tn := to.Unix(), int64(to.Nanosecond())
	fday, tday := w.localDay(fs), w.localDay(ts)
	var total time.Duration
	for day := fday - 1; day <= tday+1; day++ {
		if day > fday && day+7 <= tday {
			if n, open := w.skipBetween(day, ts); n > 0 {
				total += open
				day += 7*n - 1
				continue
			}
		}
		v := w.day(day)
		for i := range v.len() {
			a, b := v.at(i)
			// [lo, hi) = [max(a, from), min(b, to))
			ls, ln := a, int64(0)
			if a < fs || a == fs && fn > 0 {
				ls, ln = fs, fn
			}
			hs, hn := b, int64(0)
			if b > ts {
				hs, hn = ts, tn
			}
			if hs > ls || hs == ls && hn > ln {
				total += time.Duration(hs-ls)*time.Second + time.Duration(hn-ln)
			}
		}
	}
	return total
}

// dayOpen returns the nominal open time of local day d, ignoring
// holidays and daylight saving changes.
func (c *Calendar) dayOpen(d int64) time.Duration {
	var open time.Duration
	for _, s := range c.week[weekday(d)] {
		open += time.Duration(s.end-s.start) * time.Second
	}
	return open
}

// holidaysOpen returns the nominal open time the holidays in local days
// [from, to) take away.
func (c *Calendar) holidaysOpen(from, to int64) time.Duration {
	i, _ := slices.BinarySearch(c.holidays, from)
	j, _ := slices.BinarySearch(c.holidays, to)
	return c.holidayOpen[j] - c.holidayOpen[i]
}

func (c *Calendar) isHoliday(d int64) bool {
	_, found := slices.BinarySearch(c.holidays, d)
	return found
}
