package workflow_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/workflow"
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var paris = mustZone("Europe/Paris")

// at returns a wall time in Paris.
func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, paris)
}

func weekdays(windows ...workflow.Window) map[string][]workflow.Window {
	w := make(map[string][]workflow.Window)
	for _, day := range []string{"mon", "tue", "wed", "thu", "fri"} {
		w[day] = windows
	}
	return w
}

func everyDay(windows ...workflow.Window) map[string][]workflow.Window {
	w := weekdays(windows...)
	w["sat"], w["sun"] = windows, windows
	return w
}

// officeSpec is Monday to Friday 09:00–17:00 in Paris.
func officeSpec() workflow.CalendarSpec {
	return workflow.CalendarSpec{
		Name: "office", TimeZone: "Europe/Paris",
		Week: weekdays(workflow.Window{Start: "09:00", End: "17:00"}),
	}
}

// lunchSpec is Monday to Friday 08:00–12:00 and 13:00–17:00, Saturday
// morning, in Paris, with 20 holidays.
func lunchSpec() workflow.CalendarSpec {
	w := weekdays(workflow.Window{Start: "13:00", End: "17:00"}, workflow.Window{Start: "08:00", End: "12:00"})
	w["sat"] = []workflow.Window{{Start: "09:00", End: "12:00"}}
	return workflow.CalendarSpec{Name: "lunch", TimeZone: "Europe/Paris", Week: w, Holidays: frenchHolidays()}
}

// frenchHolidays returns 20 holidays of 2026 and 2027.
func frenchHolidays() []string {
	return []string{
		"2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14",
		"2026-05-25", "2026-07-14", "2026-08-15", "2026-11-01", "2026-11-11",
		"2026-12-25", "2027-01-01", "2027-03-29", "2027-05-01", "2027-05-06",
		"2027-05-08", "2027-05-17", "2027-07-14", "2027-11-11", "2027-12-25",
	}
}

func mustCalendar(tb testing.TB, spec workflow.CalendarSpec) *workflow.Calendar {
	tb.Helper()
	c, err := workflow.NewCalendar(spec)
	require.NoError(tb, err)
	return c
}

func TestNewCalendarListsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := workflow.NewCalendar(workflow.CalendarSpec{
		Name:     "bad",
		TimeZone: "Europe/Pariss",
		Week: map[string][]workflow.Window{
			"monday": {{Start: "09:00", End: "17:00"}},
			"tue":    {{Start: "9h", End: "17:00"}, {Start: "10:00", End: "24:01"}},
			"wed":    {{Start: "17:00", End: "09:00"}, {Start: "24:00", End: "24:00"}},
			"thu":    {{Start: "08:00", End: "12:00"}, {Start: "11:30", End: "13:00"}},
		},
		Holidays: []string{"2026-12-25", "25/12/2026", "2026-02-30"},
	})
	var de *workflow.DefinitionError
	require.ErrorAs(t, err, &de)
	require.Equal(t, []string{
		`calendar "bad": unknown time zone "Europe/Pariss"`,
		`calendar "bad": unknown day "monday" (want mon, tue, wed, thu, fri, sat or sun)`,
		`calendar "bad": tue: window 1 "9h"-"17:00": bad start: want a time such as "09:00"`,
		`calendar "bad": tue: window 2 "10:00"-"24:01": bad end: want a time from "00:00" to "24:00"`,
		`calendar "bad": wed: window 1 "17:00"-"09:00": empty window (it must end after it starts; split windows that cross midnight)`,
		`calendar "bad": wed: window 2 "24:00"-"24:00": bad start: want a time from "00:00" to "23:59"`,
		`calendar "bad": thu: windows 08:00-12:00 and 11:30-13:00 overlap`,
		`calendar "bad": holiday 2: bad date "25/12/2026" (want a date such as "2026-12-25")`,
		`calendar "bad": holiday 3: bad date "2026-02-30" (want a date such as "2026-12-25")`,
	}, de.Problems)
}

func TestNewCalendarRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		spec workflow.CalendarSpec
		want string
	}{
		{
			name: "NoOpenTime",
			spec: workflow.CalendarSpec{Week: map[string][]workflow.Window{"mon": nil}},
			want: "workflow: invalid definition: calendar: no open time in the week",
		},
		{
			name: "LocalZone",
			spec: workflow.CalendarSpec{Name: "x", TimeZone: "Local", Week: everyDay(workflow.Window{Start: "00:00", End: "24:00"})},
			want: `workflow: invalid definition: calendar "x": time zone "Local" depends on the host; name an IANA zone such as "Europe/Paris"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := workflow.NewCalendar(tt.spec)
			require.EqualError(t, err, tt.want)
		})
	}
}

func TestNewCalendarMergesTouchingWindowsAndDuplicateHolidays(t *testing.T) {
	t.Parallel()
	c := mustCalendar(t, workflow.CalendarSpec{
		Week: map[string][]workflow.Window{
			"mon": {{Start: "12:00", End: "17:00"}, {Start: "8:00", End: "12:00"}},
		},
		Holidays: []string{"2026-03-09", "2026-03-09"},
	})
	require.Equal(t, time.UTC, c.Location())
	monday := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	require.Equal(t, 9*time.Hour, c.Between(monday, monday.Add(24*time.Hour)))
	// The holiday takes one Monday away.
	require.Equal(t, monday.AddDate(0, 0, 14).Add(9*time.Hour), c.Add(monday, 18*time.Hour))
}

func TestCalendarAdd(t *testing.T) {
	t.Parallel()
	office := mustCalendar(t, officeSpec())
	lunch := mustCalendar(t, lunchSpec())
	sundayNight := mustCalendar(t, workflow.CalendarSpec{
		Name: "sunday-night", TimeZone: "Europe/Paris",
		Week: map[string][]workflow.Window{"sun": {{Start: "01:00", End: "04:00"}}},
	})
	tests := []struct {
		name string
		cal  *workflow.Calendar
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{"InsideWindow", office, at(2026, 3, 2, 10, 0), 2 * time.Hour, at(2026, 3, 2, 12, 0)},
		{"BeforeOpening", office, at(2026, 3, 2, 7, 0), time.Hour, at(2026, 3, 2, 10, 0)},
		{"AfterClosing", office, at(2026, 3, 2, 18, 0), time.Hour, at(2026, 3, 3, 10, 0)},
		{"EndsAtClosingNotNextOpening", office, at(2026, 3, 2, 9, 0), 8 * time.Hour, at(2026, 3, 2, 17, 0)},
		{"FridayOverWeekend", office, at(2026, 3, 6, 16, 0), 8 * time.Hour, at(2026, 3, 9, 16, 0)},
		{"FromSaturday", office, at(2026, 3, 7, 10, 0), time.Hour, at(2026, 3, 9, 10, 0)},
		{"FiveWeeks", office, at(2026, 3, 2, 9, 0), 200 * time.Hour, at(2026, 4, 3, 17, 0)},
		{"Seconds", office, time.Date(2026, 3, 2, 16, 59, 59, 500, paris), time.Second, time.Date(2026, 3, 3, 9, 0, 0, 500, paris)},
		{"LunchSplit", lunch, at(2026, 3, 2, 11, 0), 2 * time.Hour, at(2026, 3, 2, 14, 0)},
		{"StartInLunch", lunch, at(2026, 3, 2, 12, 30), time.Hour, at(2026, 3, 2, 14, 0)},
		{"SaturdayMorning", lunch, at(2026, 3, 6, 16, 0), 4 * time.Hour, at(2026, 3, 7, 12, 0)},
		{"ChristmasHoliday", lunch, at(2026, 12, 24, 16, 0), 2 * time.Hour, at(2026, 12, 26, 10, 0)},
		// Friday 1 May 2026 is a holiday: Thursday 16:00 + 2h = Saturday 10:00.
		{"MayDay", lunch, at(2026, 4, 30, 16, 0), 2 * time.Hour, at(2026, 5, 2, 10, 0)},
		{"OfficeOverSpringForward", office, at(2026, 3, 27, 16, 0), 8 * time.Hour, at(2026, 3, 30, 16, 0)},
		// 01:00–04:00 on the spring-forward Sunday lasts 2h: 01:00 CET to
		// 04:00 CEST.
		{"SpringForwardWindow", sundayNight, at(2026, 3, 28, 12, 0), 2 * time.Hour, at(2026, 3, 29, 4, 0)},
		{"SpringForwardWindowNextWeek", sundayNight, at(2026, 3, 28, 12, 0), 2*time.Hour + time.Minute, at(2026, 4, 5, 1, 1)},
		// 01:00–04:00 on the fall-back Sunday lasts 4h.
		{"FallBackWindow", sundayNight, at(2026, 10, 24, 12, 0), 4 * time.Hour, time.Date(2026, 10, 25, 3, 0, 0, 0, time.UTC)},
		{"Zero", office, at(2026, 3, 7, 10, 0), 0, at(2026, 3, 7, 10, 0)},
		{"BackOverWeekend", office, at(2026, 3, 9, 10, 0), -2 * time.Hour, at(2026, 3, 6, 16, 0)},
		{"BackToOpening", office, at(2026, 3, 9, 17, 30), -8 * time.Hour, at(2026, 3, 9, 9, 0)},
		{"BackFromWeekend", office, at(2026, 3, 8, 10, 0), -time.Hour, at(2026, 3, 6, 16, 0)},
		{"BackOverHoliday", lunch, at(2026, 12, 28, 9, 0), -5 * time.Hour, at(2026, 12, 24, 16, 0)},
		{"AlwaysOpen", workflow.AlwaysOpen(), at(2026, 3, 7, 10, 0), 100 * time.Hour, at(2026, 3, 11, 14, 0)},
		{"AlwaysOpenBack", workflow.AlwaysOpen(), at(2026, 3, 7, 10, 0), -time.Hour, at(2026, 3, 7, 9, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.cal.Add(tt.from, tt.d)
			require.Equal(t, tt.want.UTC(), got, "got %s", got.In(paris))
			require.Equal(t, time.UTC, got.Location())
			if tt.d >= 0 {
				require.Equal(t, tt.d, tt.cal.Between(tt.from, got))
			} else {
				require.Equal(t, -tt.d, tt.cal.Between(got, tt.from))
			}
		})
	}
}

func TestCalendarBetween(t *testing.T) {
	t.Parallel()
	office := mustCalendar(t, officeSpec())
	lunch := mustCalendar(t, lunchSpec())
	sundayNight := mustCalendar(t, workflow.CalendarSpec{
		TimeZone: "Europe/Paris",
		Week:     map[string][]workflow.Window{"sun": {{Start: "01:00", End: "04:00"}}},
	})
	tests := []struct {
		name     string
		cal      *workflow.Calendar
		from, to time.Time
		want     time.Duration
	}{
		{"SameWindow", office, at(2026, 3, 2, 10, 0), at(2026, 3, 2, 11, 30), 90 * time.Minute},
		{"Weekend", office, at(2026, 3, 6, 16, 0), at(2026, 3, 9, 10, 0), 2 * time.Hour},
		{"OnlyWeekend", office, at(2026, 3, 7, 0, 0), at(2026, 3, 9, 0, 0), 0},
		{"Year", office, at(2026, 1, 1, 0, 0), at(2027, 1, 1, 0, 0), 261 * 8 * time.Hour},
		{"Lunch", lunch, at(2026, 3, 2, 11, 0), at(2026, 3, 2, 14, 0), 2 * time.Hour},
		{"LunchWeek", lunch, at(2026, 3, 2, 0, 0), at(2026, 3, 9, 0, 0), 43 * time.Hour},
		{"HolidayWeek", lunch, at(2026, 12, 21, 0, 0), at(2026, 12, 28, 0, 0), 35 * time.Hour},
		{"NormalSunday", sundayNight, at(2026, 3, 21, 0, 0), at(2026, 3, 23, 0, 0), 3 * time.Hour},
		{"SpringForwardSunday", sundayNight, at(2026, 3, 28, 0, 0), at(2026, 3, 30, 0, 0), 2 * time.Hour},
		{"FallBackSunday", sundayNight, at(2026, 10, 24, 0, 0), at(2026, 10, 26, 0, 0), 4 * time.Hour},
		// Both 02:30s of the fall-back night are open.
		{"RepeatedHour", sundayNight, time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), time.Hour},
		{"Reversed", office, at(2026, 3, 2, 11, 0), at(2026, 3, 2, 10, 0), 0},
		{"Empty", office, at(2026, 3, 2, 11, 0), at(2026, 3, 2, 11, 0), 0},
		{"AlwaysOpenDST", workflow.AlwaysOpen(), at(2026, 3, 28, 0, 0), at(2026, 3, 30, 0, 0), 47 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, tt.cal.Between(tt.from, tt.to))
		})
	}
}

func TestCalendarIsOpen(t *testing.T) {
	t.Parallel()
	lunch := mustCalendar(t, lunchSpec())
	tests := []struct {
		at   time.Time
		want bool
	}{
		{at(2026, 3, 2, 8, 0), true},
		{at(2026, 3, 2, 8, 0).Add(-time.Nanosecond), false},
		{at(2026, 3, 2, 11, 59), true},
		{at(2026, 3, 2, 12, 0), false},
		{at(2026, 3, 2, 12, 30), false},
		{at(2026, 3, 2, 16, 59), true},
		{at(2026, 3, 2, 17, 0), false},
		{at(2026, 3, 7, 10, 0), true},  // Saturday morning
		{at(2026, 3, 8, 10, 0), false}, // Sunday
		{at(2026, 12, 25, 10, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.at.Format(time.DateTime), func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, lunch.IsOpen(tt.at))
		})
	}
	require.True(t, workflow.AlwaysOpen().IsOpen(at(2026, 3, 8, 3, 0)))
	require.Equal(t, "24x7", workflow.AlwaysOpen().Name())
	require.Equal(t, "lunch", lunch.Name())
}

// propertySpecs are calendars for the property tests, each with
// something awkward: lunch breaks, holidays, windows inside daylight
// saving changes, half-hour changes, a window a week.
func propertySpecs() []workflow.CalendarSpec {
	w := func(s, e string) workflow.Window { return workflow.Window{Start: s, End: e} }
	return []workflow.CalendarSpec{
		officeSpec(),
		lunchSpec(),
		{Name: "paris-nights", TimeZone: "Europe/Paris", Week: everyDay(w("01:00", "02:30"), w("02:30", "04:00"), w("22:00", "24:00")), Holidays: frenchHolidays()},
		{Name: "paris-all-days", TimeZone: "Europe/Paris", Week: everyDay(w("00:00", "24:00")), Holidays: []string{"2026-07-14", "2027-03-28"}},
		{Name: "new-york", TimeZone: "America/New_York", Week: map[string][]workflow.Window{
			"sun": {w("00:30", "03:30")}, "sat": {w("01:00", "02:30")},
			"mon": {w("22:00", "24:00")}, "tue": {w("00:00", "01:30"), w("09:00", "17:00")},
		}, Holidays: []string{"2026-11-03", "2027-03-16"}},
		{Name: "lord-howe", TimeZone: "Australia/Lord_Howe", Week: everyDay(w("01:00", "03:00"), w("09:00", "10:00"))},
		{Name: "weekly-minute", TimeZone: "Asia/Tokyo", Week: map[string][]workflow.Window{"wed": {w("12:00", "12:01")}}},
	}
}

func TestCalendarAddBetweenProperty(t *testing.T) {
	t.Parallel()
	specs := propertySpecs()
	cals := []*workflow.Calendar{workflow.AlwaysOpen()}
	for _, s := range specs {
		cals = append(cals, mustCalendar(t, s))
	}
	base := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, cal := range cals {
		t.Run(cal.Name(), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(1, uint64(len(cal.Name()))))
			for range 400 {
				from := base.Add(time.Duration(rng.Int64N(int64(3 * 365 * 24 * time.Hour))))
				var d time.Duration
				switch rng.IntN(3) {
				case 0:
					d = time.Duration(rng.Int64N(int64(4*time.Hour))) + 1
				case 1:
					d = time.Duration(rng.Int64N(int64(60 * time.Hour)))
				default:
					d = time.Duration(rng.Int64N(int64(3000 * time.Hour)))
				}
				if cal.Name() == "weekly-minute" {
					d /= 60 // a minute a week: keep within a few years
				}
				got := cal.Add(from, d)
				require.False(t, got.Before(from), "Add(%s, %s) = %s", from, d, got)
				require.Equal(t, d, cal.Between(from, got), "Between(%s, Add(%s, %s) = %s)", from, from, d, got)
				if d > 0 {
					require.True(t, cal.IsOpen(got.Add(-time.Nanosecond)), "Add(%s, %s) = %s ends a closed nanosecond", from, d, got)
				}

				back := cal.Add(from, -d)
				require.False(t, back.After(from))
				require.Equal(t, d, cal.Between(back, from), "Between(Add(%s, -%s) = %s, %s)", from, d, back, from)
				if d > 0 {
					require.True(t, cal.IsOpen(back), "Add(%s, -%s) = %s is closed", from, d, back)
				}

				// Adding in two steps lands where adding at once does,
				// whether or not whole weeks were skipped.
				part := time.Duration(rng.Int64N(int64(d) + 1))
				require.Equal(t, got, cal.Add(cal.Add(from, part), d-part))
				mid := from.Add(time.Duration(rng.Int64N(int64(got.Sub(from)) + 1)))
				require.Equal(t, d, cal.Between(from, mid)+cal.Between(mid, got))
			}
		})
	}
}

// refOpen decides whether t is open straight from the spec: its local
// wall time in one of its date's windows, the date no holiday.
func refOpen(spec workflow.CalendarSpec, loc *time.Location, t time.Time) bool {
	lt := t.In(loc)
	date := lt.Format(time.DateOnly)
	for _, h := range spec.Holidays {
		if h == date {
			return false
		}
	}
	minute := lt.Hour()*60 + lt.Minute()
	for _, w := range spec.Week[strings.ToLower(lt.Weekday().String()[:3])] {
		if clockMinutes(w.Start) <= minute && minute < clockMinutes(w.End) {
			return true
		}
	}
	return false
}

func clockMinutes(s string) int {
	h, m, _ := strings.Cut(s, ":")
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	return hh*60 + mm
}

// TestCalendarBetweenMatchesMinuteByMinute counts open minutes one by
// one, around daylight saving changes and elsewhere, and compares.
func TestCalendarBetweenMatchesMinuteByMinute(t *testing.T) {
	t.Parallel()
	for _, spec := range propertySpecs() {
		t.Run(spec.Name, func(t *testing.T) {
			t.Parallel()
			cal := mustCalendar(t, spec)
			loc := cal.Location()
			rng := rand.New(rand.NewPCG(2, uint64(len(spec.Name))))
			starts := []time.Time{
				time.Date(2026, 3, 26, 0, 0, 0, 0, time.UTC), // Europe springs forward on the 29th
				time.Date(2026, 10, 22, 0, 0, 0, 0, time.UTC),
				time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC), // America springs forward on the 8th
				time.Date(2026, 10, 30, 0, 0, 0, 0, time.UTC),
				time.Date(2026, 4, 3, 0, 0, 0, 0, time.UTC), // Lord Howe falls back on the 5th
				time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
				time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC),
			}
			for _, start := range starts {
				from := start.Add(time.Duration(rng.IntN(48*60)) * time.Minute)
				to := from.Add(time.Duration(rng.IntN(6*24*60)) * time.Minute)
				var want time.Duration
				for m := from; m.Before(to); m = m.Add(time.Minute) {
					if refOpen(spec, loc, m) {
						want += time.Minute
					}
				}
				require.Equal(t, want, cal.Between(from, to), "Between(%s, %s)", from, to)
				for m := from; m.Before(to); m = m.Add(17 * time.Minute) {
					require.Equal(t, refOpen(spec, loc, m), cal.IsOpen(m), "IsOpen(%s)", m)
				}
			}
		})
	}
}

func ExampleCalendar_Add() {
	cal, err := workflow.NewCalendar(workflow.CalendarSpec{
		Name:     "paris-office",
		TimeZone: "Europe/Paris",
		Week: map[string][]workflow.Window{
			"mon": {{Start: "09:00", End: "12:00"}, {Start: "14:00", End: "18:00"}},
			"tue": {{Start: "09:00", End: "12:00"}, {Start: "14:00", End: "18:00"}},
		},
		Holidays: []string{"2026-12-29"},
	})
	if err != nil {
		panic(err)
	}
	from := time.Date(2026, 12, 21, 17, 0, 0, 0, cal.Location()) // Monday 17:00
	// 1h on Monday, 7h on Tuesday, 7h the next Monday, the Tuesday is a
	// holiday, 1h on Monday 4 January.
	due := cal.Add(from, 16*time.Hour)
	fmt.Println(due.In(cal.Location()).Format("Mon 2 Jan 15:04"))
	fmt.Println(cal.Between(from, due))
	// Output:
	// Mon 4 Jan 10:00
	// 16h0m0s
}
