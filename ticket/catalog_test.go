package ticket_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

// validSpec returns a small valid spec that each test case breaks in one
// place.
func validSpec() ticket.CatalogSpec {
	return ticket.CatalogSpec{
		Statuses: []ticket.Status{
			{Code: "new", Label: ticket.Label{Text: "New"}, Category: ticket.CategoryNew, Initial: true},
			{Code: "open", Label: ticket.Label{Text: "Open"}, Category: ticket.CategoryOpen},
			{Code: "closed", Label: ticket.Label{Text: "Closed"}, Category: ticket.CategoryClosed, Terminal: true},
		},
		Priorities: []ticket.Priority{
			{Code: "low", Label: ticket.Label{Text: "Low"}},
			{Code: "high", Label: ticket.Label{Text: "High"}},
		},
		Categories: []ticket.Category{
			{Code: "question", Label: ticket.Label{Text: "Question"}},
			{
				Code: "complaint", Label: ticket.Label{Text: "Complaint"}, Department: "support", Complaint: true,
				Actions: []ticket.ActionTemplate{{Title: "Call back", DueIn: "48h"}},
			},
		},
		Departments: []ticket.Department{{Code: "support", Label: ticket.Label{Text: "Support"}}},
		Reasons:     []ticket.ReasonCode{{Code: "CR01", Label: ticket.Label{Text: "Late delivery"}}},
		Fields: []ticket.FieldDef{
			{Key: "amount", Label: ticket.Label{Text: "Amount"}, Type: ticket.FieldNumber},
			{Key: "size", Label: ticket.Label{Text: "Size"}, Type: ticket.FieldChoice, Choices: []string{"S", "M", "L"}},
		},
	}
}

func TestNewCatalogReportsEachProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(s *ticket.CatalogSpec)
		want   string
	}{
		{"EmptyStatusCode", func(s *ticket.CatalogSpec) { s.Statuses[1].Code = "" }, "status #2: empty code"},
		{"DuplicateStatus", func(s *ticket.CatalogSpec) { s.Statuses[1].Code = "new" }, `status "new": duplicate code`},
		{"EmptyPriorityCode", func(s *ticket.CatalogSpec) { s.Priorities[0].Code = " " }, "priority #1: empty code"},
		{"DuplicatePriority", func(s *ticket.CatalogSpec) { s.Priorities[1].Code = "low" }, `priority "low": duplicate code`},
		{"EmptyCategoryCode", func(s *ticket.CatalogSpec) { s.Categories[0].Code = "" }, "category #1: empty code"},
		{"DuplicateCategory", func(s *ticket.CatalogSpec) { s.Categories[0].Code = "complaint" }, `category "complaint": duplicate code`},
		{"EmptyDepartmentCode", func(s *ticket.CatalogSpec) {
			s.Departments = append(s.Departments, ticket.Department{})
		}, "department #2: empty code"},
		{"DuplicateDepartment", func(s *ticket.CatalogSpec) {
			s.Departments = append(s.Departments, ticket.Department{Code: "support"})
		}, `department "support": duplicate code`},
		{"EmptyReasonCode", func(s *ticket.CatalogSpec) { s.Reasons[0].Code = "" }, "reason #1: empty code"},
		{"DuplicateReason", func(s *ticket.CatalogSpec) {
			s.Reasons = append(s.Reasons, ticket.ReasonCode{Code: "CR01"})
		}, `reason "CR01": duplicate code`},
		{"EmptyFieldKey", func(s *ticket.CatalogSpec) { s.Fields[0].Key = "" }, "field #1: empty key"},
		{"DuplicateField", func(s *ticket.CatalogSpec) { s.Fields[1].Key = "amount" }, `field "amount": duplicate key`},
		{"EmptyStatusCategory", func(s *ticket.CatalogSpec) { s.Statuses[1].Category = "" }, `status "open": empty category`},
		{"InvalidStatusCategory", func(s *ticket.CatalogSpec) { s.Statuses[1].Category = "busy" },
			`status "open": invalid category "busy" (want one of "new", "open", "pending", "resolved", "closed")`},
		{"NoStatuses", func(s *ticket.CatalogSpec) { s.Statuses = nil }, "no statuses"},
		{"NoInitialStatus", func(s *ticket.CatalogSpec) { s.Statuses[0].Initial = false }, "no initial status"},
		{"TwoInitialStatuses", func(s *ticket.CatalogSpec) { s.Statuses[1].Initial = true },
			`more than one initial status: "new", "open"`},
		{"TerminalInitialStatus", func(s *ticket.CatalogSpec) { s.Statuses[0].Terminal = true },
			`status "new": initial status is terminal`},
		{"NoPriorities", func(s *ticket.CatalogSpec) { s.Priorities = nil }, "no priorities"},
		{"TwoDefaultPriorities", func(s *ticket.CatalogSpec) {
			s.Priorities[0].Default = true
			s.Priorities[1].Default = true
		}, `more than one default priority: "low", "high"`},
		{"UnknownDepartment", func(s *ticket.CatalogSpec) { s.Categories[1].Department = "qa" },
			`category "complaint": unknown department "qa"`},
		{"ActionWithoutTitle", func(s *ticket.CatalogSpec) { s.Categories[1].Actions[0].Title = "" },
			`category "complaint": action #1: empty title`},
		{"ActionWithBadDueIn", func(s *ticket.CatalogSpec) { s.Categories[1].Actions[0].DueIn = "2 days" },
			`category "complaint": action "Call back": invalid due_in "2 days": want a duration such as "48h"`},
		{"ActionWithNegativeDueIn", func(s *ticket.CatalogSpec) { s.Categories[1].Actions[0].DueIn = "-1h" },
			`category "complaint": action "Call back": negative due_in "-1h"`},
		{"EmptyFieldType", func(s *ticket.CatalogSpec) { s.Fields[0].Type = "" }, `field "amount": empty type`},
		{"InvalidFieldType", func(s *ticket.CatalogSpec) { s.Fields[0].Type = "money" },
			`field "amount": invalid type "money" (want one of "text", "number", "bool", "date", "choice")`},
		{"ChoiceWithoutChoices", func(s *ticket.CatalogSpec) { s.Fields[1].Choices = nil },
			`field "size": choice field without choices`},
		{"ChoicesOnNumber", func(s *ticket.CatalogSpec) { s.Fields[0].Choices = []string{"1"} },
			`field "amount": choices on a number field`},
		{"DuplicateChoice", func(s *ticket.CatalogSpec) { s.Fields[1].Choices = []string{"S", "S"} },
			`field "size": duplicate choice "S"`},
		{"EmptyChoice", func(s *ticket.CatalogSpec) { s.Fields[1].Choices = []string{"S", ""} },
			`field "size": empty choice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			spec := validSpec()
			tt.change(&spec)
			c, err := ticket.NewCatalog(spec)
			require.Nil(t, c)
			var ce *ticket.CatalogError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, []string{tt.want}, ce.Problems)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestNewCatalogReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	spec := validSpec()
	spec.Statuses[1].Code = "new"
	spec.Categories[1].Department = "qa"
	spec.Fields[1].Choices = nil
	_, err := ticket.NewCatalog(spec)
	var ce *ticket.CatalogError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, []string{
		`status "new": duplicate code`,
		`category "complaint": unknown department "qa"`,
		`field "size": choice field without choices`,
	}, ce.Problems)
}

func TestNewCatalogAcceptsValidSpecs(t *testing.T) {
	t.Parallel()
	noClosed := validSpec()
	noClosed.Statuses = noClosed.Statuses[:2]
	tests := []struct {
		name string
		spec ticket.CatalogSpec
	}{
		{"Default", ticket.DefaultCatalogSpec()},
		{"Small", validSpec()},
		{"NoTerminalOrClosedStatus", noClosed},
		{"OnlyRequiredParts", ticket.CatalogSpec{
			Statuses:   []ticket.Status{{Code: "open", Category: ticket.CategoryOpen, Initial: true}},
			Priorities: []ticket.Priority{{Code: "normal"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := ticket.NewCatalog(tt.spec)
			require.NoError(t, err)
			require.NotNil(t, c)
		})
	}
}

func TestDefaultCatalog(t *testing.T) {
	t.Parallel()
	c := ticket.DefaultCatalog()
	require.Equal(t, ticket.StatusOpen, c.InitialStatus().Code)
	require.Equal(t, ticket.PriorityNormal, c.DefaultPriority().Code)
	require.Equal(t, 3, c.PriorityRank(ticket.PriorityUrgent))
	require.Equal(t, -1, c.PriorityRank("nope"))
	s, ok := c.Status(ticket.StatusWaiting)
	require.True(t, ok)
	require.True(t, s.Paused())
	_, ok = c.Category("nope")
	require.False(t, ok)
}

func TestDefaultPriority(t *testing.T) {
	t.Parallel()
	prios := func(codes ...string) []ticket.Priority {
		ps := make([]ticket.Priority, len(codes))
		for i, c := range codes {
			ps[i] = ticket.Priority{Code: c}
		}
		return ps
	}
	marked := prios("low", "normal", "high")
	marked[2].Default = true
	tests := []struct {
		name       string
		priorities []ticket.Priority
		want       string
	}{
		{"OnlyOne", prios("normal"), "normal"},
		{"LowestButOneOfTwo", prios("low", "high"), "high"},
		{"LowestButOneOfFour", prios("low", "normal", "high", "urgent"), "normal"},
		{"Marked", marked, "high"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			spec := validSpec()
			spec.Priorities = tt.priorities
			c, err := ticket.NewCatalog(spec)
			require.NoError(t, err)
			require.Equal(t, tt.want, c.DefaultPriority().Code)
		})
	}
}

func TestCatalogKeepsItsOwnCopy(t *testing.T) {
	t.Parallel()
	spec := validSpec()
	spec.Statuses[0].Label.Translations = map[string]string{"fr": "Nouveau"}
	c, err := ticket.NewCatalog(spec)
	require.NoError(t, err)

	spec.Statuses[0].Code = "changed"
	spec.Statuses[0].Label.Translations["fr"] = "Changé"
	c.Statuses()[0].Code = "changed too"
	c.Spec().Statuses[0].Label.Translations["fr"] = "Changé aussi"

	require.Equal(t, "new", c.InitialStatus().Code)
	require.Equal(t, "Nouveau", c.InitialStatus().Label.In("fr"))
}

func TestLabelIn(t *testing.T) {
	t.Parallel()
	l := ticket.Label{Text: "Open", Translations: map[string]string{
		"fr":    "Ouvert",
		"fr-CA": "Ouvert (QC)",
		"de":    "",
	}}
	tests := []struct {
		locale string
		want   string
	}{
		{"fr-CA", "Ouvert (QC)"},
		{"fr-BE", "Ouvert"},
		{"fr_FR", "Ouvert"},
		{"fr", "Ouvert"},
		{"de-AT", "Open"},
		{"es", "Open"},
		{"", "Open"},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, l.In(tt.locale))
		})
	}
}

func TestCatalogSpecJSONRoundTrip(t *testing.T) {
	t.Parallel()
	spec := validSpec()
	spec.Statuses[0].Label = ticket.Label{
		Text: "New", Translations: map[string]string{"fr": "Nouveau"}, Icon: "inbox", Color: "#1976d2",
	}
	spec.Statuses[1].PausesSLA = true
	spec.Priorities[1].Default = true
	spec.Departments[0].Email = "support@example.com"
	spec.Fields[0].Required = true

	data, err := json.Marshal(spec)
	require.NoError(t, err)
	var got ticket.CatalogSpec
	require.NoError(t, json.Unmarshal(data, &got))
	require.Equal(t, spec, got)

	c, err := ticket.NewCatalog(got)
	require.NoError(t, err)
	require.Equal(t, spec, c.Spec())
}

func TestCatalogErrorIsNotUnknownCode(t *testing.T) {
	t.Parallel()
	_, err := ticket.NewCatalog(ticket.CatalogSpec{})
	require.Error(t, err)
	require.False(t, errors.Is(err, ticket.ErrUnknownCode))
	require.EqualError(t, err, "ticket: invalid catalog: no statuses; no priorities")
}
