package workflow_test

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// testSLAConfig is the configuration of testdata/sla.yaml.
func testSLAConfig() workflow.SLAConfig {
	day := []workflow.Window{{Start: "08:00", End: "12:00"}, {Start: "13:00", End: "17:00"}}
	return workflow.SLAConfig{
		Calendars: []workflow.CalendarSpec{{
			Name:     "paris-office",
			TimeZone: "Europe/Paris",
			Week: map[string][]workflow.Window{
				"mon": day, "tue": day, "wed": day, "thu": day,
				"fri": {{Start: "08:00", End: "12:00"}, {Start: "13:00", End: "16:00"}},
			},
			Holidays: []string{"2026-12-25", "2027-01-01"},
		}},
		Policies: []workflow.Policy{
			{
				Name:     "urgent",
				Calendar: "paris-office",
				When:     workflow.Conditions{Priorities: []string{ticket.PriorityUrgent}},
				Targets: workflow.Targets{
					FirstResponse: workflow.Duration(time.Hour),
					NextResponse:  workflow.Duration(2 * time.Hour),
					Resolution:    workflow.Duration(8 * time.Hour),
				},
				WarnAt: []int{80},
				Levels: []workflow.Level{
					{Level: 1, Target: workflow.TargetResolution, At: 100, Notify: []string{"supervisor"}, Status: ticket.StatusEscalated},
					{Level: 2, Target: workflow.TargetResolution, At: 150, Notify: []string{"user:u-head"},
						Effects: []workflow.Effect{{Set: map[string]string{workflow.SetDepartment: "billing"}}}},
				},
			},
			{
				Name: "gold",
				When: workflow.Conditions{Tiers: []string{"gold"}, Channels: []ticket.Channel{ticket.ChannelEmail, ticket.ChannelPortal}},
				Targets: workflow.Targets{
					FirstResponse: workflow.Duration(30 * time.Minute),
					Resolution:    workflow.Duration(24 * time.Hour),
				},
			},
			{
				Name:     "standard",
				Calendar: "paris-office",
				Targets: workflow.Targets{
					FirstResponse: workflow.Duration(8 * time.Hour),
					NextResponse:  workflow.Duration(8 * time.Hour),
					Resolution:    workflow.Duration(40 * time.Hour),
				},
				WarnAt: []int{50, 80},
				Levels: []workflow.Level{
					{Level: 1, Target: workflow.TargetFirstResponse, At: 100, Notify: []string{"supervisor"}},
					{Level: 2, Target: workflow.TargetResolution, At: 100, Notify: []string{"supervisor"}, Status: ticket.StatusEscalated},
				},
			},
		},
	}
}

func mustSLA(tb testing.TB, cfg workflow.SLAConfig) *workflow.SLA {
	tb.Helper()
	s, err := workflow.NewSLA(cfg, testCatalog())
	require.NoError(tb, err)
	return s
}

func TestParseSLAYAMLTestdataEqualsGoConfig(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/sla.yaml")
	require.NoError(t, err)
	cfg, err := workflow.ParseSLAYAML(data)
	require.NoError(t, err)
	require.Equal(t, testSLAConfig(), cfg)
	mustSLA(t, cfg)
}

func TestSLAConfigRoundTrips(t *testing.T) {
	t.Parallel()
	cfg := testSLAConfig()
	j, err := json.Marshal(cfg)
	require.NoError(t, err)
	require.Contains(t, string(j), `"targets":{"first_response":"1h","next_response":"2h","resolution":"8h"}`)
	require.Contains(t, string(j), `"time_zone":"Europe/Paris"`)
	got, err := workflow.ParseSLAJSON(j)
	require.NoError(t, err)
	require.Equal(t, cfg, got)

	y, err := yaml.Marshal(cfg)
	require.NoError(t, err)
	got, err = workflow.ParseSLAYAML(y)
	require.NoError(t, err)
	require.Equal(t, cfg, got)
}

func TestParseSLAErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		parse     func([]byte) (workflow.SLAConfig, error)
		src       string
		line, col int
		msg       string
	}{
		{
			name:  "YAMLUnknownKey",
			parse: workflow.ParseSLAYAML,
			src:   "policies:\n  - name: a\n    target: {resolution: 8h}\n",
			line:  3, col: 5,
		},
		{
			name:  "YAMLBadDuration",
			parse: workflow.ParseSLAYAML,
			src:   "policies:\n  - name: a\n    targets:\n      first_response: 1h\n      resolution: two days\n",
			line:  5, col: 19,
			msg: `invalid duration "two days" (want a value such as "336h")`,
		},
		{
			name:  "JSONUnknownField",
			parse: workflow.ParseSLAJSON,
			src:   `{"policies": [{"name": "a", "warn": [80]}]}`,
			msg:   `json: unknown field "warn"`,
		},
		{
			name:  "JSONTrailingData",
			parse: workflow.ParseSLAJSON,
			src:   "{\"policies\": []}\n{}",
			line:  2, col: 1,
			msg: "unexpected data after the definition",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.parse([]byte(tt.src))
			var pe *workflow.ParseError
			require.ErrorAs(t, err, &pe)
			require.Equal(t, tt.line, pe.Line, "line")
			require.Equal(t, tt.col, pe.Column, "column")
			if tt.msg != "" {
				require.Equal(t, tt.msg, pe.Msg)
			}
		})
	}
}

func TestNewSLAListsEveryProblem(t *testing.T) {
	t.Parallel()
	hour := workflow.Duration(time.Hour)
	cfg := workflow.SLAConfig{
		Calendars: []workflow.CalendarSpec{
			{Name: "office", Week: weekdays(workflow.Window{Start: "09:00", End: "17:00"})},
			{Name: "office", Week: weekdays(workflow.Window{Start: "09:00", End: "17:00"})},
			{Name: "", Week: weekdays(workflow.Window{Start: "09:00", End: "17:00"})},
			{Name: "24x7", Week: everyDay(workflow.Window{Start: "00:00", End: "24:00"})},
			{Name: "broken", TimeZone: "Mars/Olympus"},
		},
		Policies: []workflow.Policy{
			{
				Name:     "a",
				Calendar: "nowhere",
				When: workflow.Conditions{
					Priorities: []string{"critical"}, Departments: []string{"sales"}, Categories: []string{"idea"},
					Tenants: []string{" "}, Channels: []ticket.Channel{"fax"},
				},
				Targets: workflow.Targets{FirstResponse: -hour, Resolution: 8 * hour},
				WarnAt:  []int{80, 100, 80},
				Levels: []workflow.Level{
					{Level: 1, Target: workflow.TargetResolution, At: 150, Notify: []string{"user:", ""}},
					{Level: 3, Target: workflow.TargetResolution, At: 100, Status: "parked",
						Effects: []workflow.Effect{{Set: map[string]string{"priority": "critical"}}}},
					{Level: 3, Target: workflow.TargetNextResponse, At: 100},
					{Level: 4, Target: "reply", At: 0},
				},
			},
			{Name: "a", Targets: workflow.Targets{Resolution: hour}},
			{Targets: workflow.Targets{Resolution: hour}},
		},
	}
	_, err := workflow.NewSLA(cfg, testCatalog())
	var de *workflow.DefinitionError
	require.ErrorAs(t, err, &de)
	require.Equal(t, []string{
		`calendar "office": duplicate name`,
		`calendar 3: empty name`,
		`calendar "24x7": the name is reserved for the always-open calendar`,
		`calendar "broken": unknown time zone "Mars/Olympus"`,
		`calendar "broken": no open time in the week`,
		`policy "a": unknown calendar "nowhere"`,
		`policy "a": when: unknown priority "critical"`,
		`policy "a": when: unknown department "sales"`,
		`policy "a": when: unknown category "idea"`,
		`policy "a": when: unknown tenant " "`,
		`policy "a": when: unknown channel "fax"`,
		`policy "a": negative first_response target -1h`,
		`policy "a": warn_at 100%: want a percentage from 1 to 99`,
		`policy "a": warn_at 80%: listed twice`,
		`policy "a": level 1: notify "user:" names no user`,
		`policy "a": level 1: empty notify entry`,
		`policy "a": levels must be numbered 1..N in order; the level at position 2 is 3`,
		`policy "a": level at position 2: at 100% of resolution is not after level 1 at 150%`,
		`policy "a": level at position 2: effect 1: unknown priority "critical"`,
		`policy "a": level at position 2: unknown status "parked"`,
		`policy "a": level 3: target next_response has no duration`,
		`policy "a": level 4: unknown target "reply" (want first_response, next_response or resolution)`,
		`policy "a": level 4: at 0%: want a percentage from 1 to 1000`,
		`policy "a": duplicate name (policies 1 and 2)`,
		`policy 3: empty name`,
	}, de.Problems)
	require.ErrorContains(t, err, "workflow: invalid definition: ")
}

func TestNewSLARequiresPolicies(t *testing.T) {
	t.Parallel()
	_, err := workflow.NewSLA(workflow.SLAConfig{}, nil)
	require.EqualError(t, err, "workflow: invalid definition: no policies")
}

func TestSLAMatchFirstPolicyWins(t *testing.T) {
	t.Parallel()
	s := mustSLA(t, testSLAConfig())
	tk := func(priority string, channel ticket.Channel) *ticket.Ticket {
		return &ticket.Ticket{Status: ticket.StatusOpen, Priority: priority, Channel: channel}
	}
	tests := []struct {
		name   string
		ticket *ticket.Ticket
		tier   string
		want   string
	}{
		{"UrgentBeatsGold", tk(ticket.PriorityUrgent, ticket.ChannelEmail), "gold", "urgent"},
		{"GoldByEmail", tk(ticket.PriorityNormal, ticket.ChannelEmail), "gold", "gold"},
		{"GoldByPhoneIsStandard", tk(ticket.PriorityNormal, ticket.ChannelPhone), "gold", "standard"},
		{"NoTier", tk(ticket.PriorityHigh, ticket.ChannelEmail), "", "standard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, ok := s.Match(tt.ticket, tt.tier)
			require.True(t, ok)
			require.Equal(t, tt.want, p.Name)
		})
	}

	only := mustSLA(t, workflow.SLAConfig{Policies: []workflow.Policy{{
		Name: "billing", When: workflow.Conditions{Departments: []string{"billing"}, Tenants: []string{"t1"}},
	}}})
	_, ok := only.Match(&ticket.Ticket{TenantID: "t1"}, "")
	require.False(t, ok, "a ticket without a department does not match a department condition")
	p, ok := only.Match(&ticket.Ticket{TenantID: "t1", Department: "billing"}, "")
	require.True(t, ok)
	require.Equal(t, "billing", p.Name)

	// Match returns a copy.
	p, _ = s.Match(tk(ticket.PriorityUrgent, ""), "")
	p.Levels[0].Notify[0] = "changed"
	again, _ := s.Policy("urgent")
	require.Equal(t, "supervisor", again.Levels[0].Notify[0])
}

func TestSLAAccessors(t *testing.T) {
	t.Parallel()
	s := mustSLA(t, testSLAConfig())
	require.Len(t, s.Policies(), 3)
	cal, ok := s.Calendar("paris-office")
	require.True(t, ok)
	require.Equal(t, "Europe/Paris", cal.Location().String())
	cal, ok = s.Calendar(workflow.AlwaysOpenName)
	require.True(t, ok)
	require.Equal(t, "24x7", cal.Name())
	_, ok = s.Calendar("nowhere")
	require.False(t, ok)
	_, ok = s.Policy("nowhere")
	require.False(t, ok)
	require.NotNil(t, s.Catalog())
}

func TestLevelApply(t *testing.T) {
	t.Parallel()
	l := workflow.Level{Effects: []workflow.Effect{{
		Set:        map[string]string{workflow.SetDepartment: "billing", workflow.SetAssignee: workflow.ActorValue},
		AddActions: []ticket.ActionTemplate{{Title: "Call the customer", DueIn: "2h"}},
	}}}
	tk := newTicket(ticket.StatusOpen)
	l.Apply(tk, ticket.SystemActor("t1"), now, seqIDs())
	require.Equal(t, "billing", tk.Department)
	require.Equal(t, "system", tk.Assignee)
	require.Equal(t, []ticket.Action{{ID: "a-1", Title: "Call the customer", DueAt: now.Add(2 * time.Hour)}}, tk.Actions)
}
