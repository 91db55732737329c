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

func TestParseYAMLDefaultFileEqualsDefaultDefinition(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/default.yaml")
	require.NoError(t, err)
	d, err := workflow.ParseYAML(data)
	require.NoError(t, err)
	require.Equal(t, workflow.DefaultDefinition(), d)
}

func TestDefinitionRoundTrips(t *testing.T) {
	t.Parallel()
	d := workflow.DefaultDefinition()
	d.Transitions[2].Effects = []workflow.Effect{{
		Set:        map[string]string{"assignee": "$actor", "priority": "high"},
		AddActions: []ticket.ActionTemplate{{Title: "Call", Owner: "$actor", DueIn: "4h"}},
		Emit:       []string{"escalated"},
	}}

	j, err := json.Marshal(d)
	require.NoError(t, err)
	require.Contains(t, string(j), `"within":"336h"`)
	require.Contains(t, string(j), `"add_actions":[{"title":"Call","owner":"$actor","due_in":"4h"}]`)
	got, err := workflow.ParseJSON(j)
	require.NoError(t, err)
	require.Equal(t, d, got)

	// goccy/go-yaml reads and writes the json tags, so YAML uses the same
	// field names.
	y, err := yaml.Marshal(d)
	require.NoError(t, err)
	require.Contains(t, string(y), "within: 336h")
	require.Contains(t, string(y), "add_actions:")
	got, err = workflow.ParseYAML(y)
	require.NoError(t, err)
	require.Equal(t, d, got)
}

func TestParseYAMLReadsEffects(t *testing.T) {
	t.Parallel()
	src := `
transitions:
  - name: take
    from: ["*"]
    to: in_progress
    roles: [agent]
    effects:
      - set: {assignee: $actor, department: ""}
        add_actions:
          - title: Call the customer
            owner: $actor
            due_in: 4h
        emit: [taken]
reopen: {to: in_progress, roles: [supervisor]}
`
	d, err := workflow.ParseYAML([]byte(src))
	require.NoError(t, err)
	require.Equal(t, workflow.Definition{
		Transitions: []workflow.Transition{{
			Name: "take", From: []string{"*"}, To: "in_progress", Roles: []ticket.Role{ticket.RoleAgent},
			Effects: []workflow.Effect{{
				Set:        map[string]string{"assignee": "$actor", "department": ""},
				AddActions: []ticket.ActionTemplate{{Title: "Call the customer", Owner: "$actor", DueIn: "4h"}},
				Emit:       []string{"taken"},
			}},
		}},
		Reopen: &workflow.ReopenRule{To: "in_progress", Roles: []ticket.Role{ticket.RoleSupervisor}},
	}, d)
}

func TestParseYAMLErrorsCarryLineAndColumn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		src        string
		line, col  int
		wantMsg    string
		wantString string
	}{
		{
			name: "TypoedKey",
			src:  "name: x\ntransitions:\n  - name: start\n    form: [open]\n    to: in_progress\n",
			line: 4, col: 5,
			wantMsg:    `unknown field "form"`,
			wantString: `workflow: invalid yaml definition at 4:5: unknown field "form"`,
		},
		{
			name: "TypoedNestedKey",
			src:  "transitions:\n  - name: a\n    effects:\n      - set: {}\n        add_action: []\n",
			line: 5, col: 9,
			wantMsg: `unknown field "add_action"`,
		},
		{
			name: "WrongType",
			src:  "transitions: 5\n",
			line: 1, col: 14,
			wantMsg: "int was used where sequence is expected",
		},
		{
			name: "BadDuration",
			src:  "transitions: []\nreopen:\n  to: in_progress\n  within: 2 weeks\n",
			line: 4, col: 11,
			wantMsg:    `invalid duration "2 weeks" (want a value such as "336h")`,
			wantString: `workflow: invalid yaml definition at 4:11: invalid duration "2 weeks" (want a value such as "336h")`,
		},
		{
			name: "Syntax",
			src:  "name: [\n",
			line: 1, col: 7,
			wantMsg: "sequence end token ']' not found",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := workflow.ParseYAML([]byte(tt.src))
			var pe *workflow.ParseError
			require.ErrorAs(t, err, &pe)
			require.Equal(t, "yaml", pe.Format)
			require.Equal(t, tt.line, pe.Line, "line")
			require.Equal(t, tt.col, pe.Column, "column")
			require.Equal(t, tt.wantMsg, pe.Msg)
			require.Error(t, pe.Unwrap())
			if tt.wantString != "" {
				require.EqualError(t, err, tt.wantString)
			}
		})
	}
}

func TestParseJSONErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		src       string
		line, col int
		wantErr   string
	}{
		{
			name:    "UnknownField",
			src:     `{"transitions": [{"name": "a", "guard": ["x"]}]}`,
			wantErr: `workflow: invalid json definition: json: unknown field "guard"`,
		},
		{
			name: "Syntax",
			src:  "{\n  \"name\": \"x\",\n  \"transitions\": [}\n",
			line: 3, col: 19,
			wantErr: "workflow: invalid json definition at 3:19: invalid character '}' looking for beginning of value",
		},
		{
			name: "WrongType",
			src:  "{\"transitions\": [{\"name\": 5}]}",
			line: 1, col: 27,
		},
		{
			name:    "BadDuration",
			src:     `{"transitions": [], "reopen": {"to": "x", "within": "two weeks"}}`,
			wantErr: `workflow: invalid json definition: invalid duration "two weeks" (want a value such as "336h")`,
		},
		{
			name: "TrailingData",
			src:  `{"transitions": []} {"transitions": []}`,
			line: 1, col: 21,
			wantErr: "workflow: invalid json definition at 1:21: unexpected data after the definition",
		},
		{
			name:    "Empty",
			src:     "  ",
			wantErr: "workflow: invalid json definition: empty document",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := workflow.ParseJSON([]byte(tt.src))
			var pe *workflow.ParseError
			require.ErrorAs(t, err, &pe)
			require.Equal(t, "json", pe.Format)
			require.Equal(t, tt.line, pe.Line, "line")
			require.Equal(t, tt.col, pe.Column, "column")
			if tt.wantErr != "" {
				require.EqualError(t, err, tt.wantErr)
			}
		})
	}
}

func TestDurationText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    time.Duration
		text string
	}{
		{d: 0, text: "0s"},
		{d: 336 * time.Hour, text: "336h"},
		{d: 90 * time.Minute, text: "1h30m"},
		{d: 5 * time.Minute, text: "5m"},
		{d: time.Hour + 30*time.Second, text: "1h0m30s"},
		{d: 1500 * time.Millisecond, text: "1.5s"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			b, err := workflow.Duration(tt.d).MarshalText()
			require.NoError(t, err)
			require.Equal(t, tt.text, string(b))
			var back workflow.Duration
			require.NoError(t, back.UnmarshalText(b))
			require.Equal(t, workflow.Duration(tt.d), back)
			require.Equal(t, tt.d.String(), back.String())
		})
	}
	var d workflow.Duration
	require.EqualError(t, d.UnmarshalText([]byte("14d")), `invalid duration "14d" (want a value such as "336h")`)
}
