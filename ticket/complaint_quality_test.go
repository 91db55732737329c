package ticket_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

func TestCatalog_QualityCodes(t *testing.T) {
	t.Parallel()
	cat := ticket.ComplaintCatalog()
	q, ok := cat.CauseCode(ticket.CodeRef{Group: "MAN", Code: "M01"})
	require.True(t, ok)
	require.Equal(t, "Réglage machine", q.Label.In("fr"))
	_, ok = cat.CauseCode(ticket.CodeRef{Group: "VIS", Code: "V01"})
	require.False(t, ok, "a defect code is not a cause code")
	_, ok = cat.DefectCode(ticket.CodeRef{Group: "VIS", Code: "V01"})
	require.True(t, ok)

	spec := ticket.ComplaintCatalogSpec()
	spec.CauseCodes[0].Codes = append(spec.CauseCodes[0].Codes, spec.CauseCodes[0].Codes[0])
	spec.DefectCodes = append(spec.DefectCodes, ticket.CodeGroup{Code: "VIS"})
	_, err := ticket.NewCatalog(spec)
	var ce *ticket.CatalogError
	require.ErrorAs(t, err, &ce)
	require.Len(t, ce.Problems, 2, "a duplicate code in a group and a duplicate group: %v", ce.Problems)

	spec = cat.Spec()
	spec.CauseCodes[0].Codes[0].Label.Translations["fr"] = "changed"
	q, _ = cat.CauseCode(ticket.CodeRef{Group: "MAN", Code: "M01"})
	require.Equal(t, "Réglage machine", q.Label.In("fr"), "Spec returns a deep copy")
}

func TestValidateComplaint_Quality(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 6, 4, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		change func(c *ticket.Complaint)
		fields []string
	}{
		{"Valid", func(c *ticket.Complaint) {
			c.Details.RootCause = &ticket.RootCause{Cause: ticket.CodeRef{Group: "MAN", Code: "M01"}, Defect: ticket.CodeRef{Group: "VIS", Code: "V01"}, By: "u-1", At: at}
			c.Details.Steps = []ticket.StepRecord{{Step: ticket.StepD1, By: "u-1", At: at}, {Step: ticket.StepD2, By: "u-1", At: at}}
			c.Actions = []ticket.Action{{ID: "a", Title: "Block stock", Type: ticket.ActionContainment, Done: true,
				Effectiveness: ticket.EffectivenessCheck{By: "u-2", At: at, Effective: true}}}
		}, nil},
		{"UnknownCodes", func(c *ticket.Complaint) {
			c.Details.RootCause = &ticket.RootCause{Cause: ticket.CodeRef{Group: "MAN", Code: "X"}, Defect: ticket.CodeRef{Group: "MAN", Code: "M01"}, By: "u-1"}
		}, []string{"complaint.root_cause.cause", "complaint.root_cause.defect"}},
		{"StepOutOfOrder", func(c *ticket.Complaint) {
			c.Details.Steps = []ticket.StepRecord{{Step: ticket.StepD1, By: "u"}, {Step: ticket.StepD3, By: "u"}}
		}, []string{"complaint.steps[1].step"}},
		{"UnknownStep", func(c *ticket.Complaint) {
			c.Details.Steps = []ticket.StepRecord{{Step: "D9", By: "u"}}
		}, []string{"complaint.steps[0].step"}},
		{"BadActionType", func(c *ticket.Complaint) {
			c.Actions = []ticket.Action{{ID: "a", Title: "x", Type: "curative"}}
		}, []string{"actions[0].type"}},
		{"EffectivenessOfOpenAction", func(c *ticket.Complaint) {
			c.Actions = []ticket.Action{{ID: "a", Title: "x", Effectiveness: ticket.EffectivenessCheck{By: "u", At: at}}}
		}, []string{"actions[0].effectiveness"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := validComplaint()
			tt.change(c)
			err := ticket.ValidateComplaint(c, nil)
			if tt.fields == nil {
				require.NoError(t, err)
				return
			}
			var ve *ticket.ValidationError
			require.True(t, errors.As(err, &ve), "got %v", err)
			var got []string
			for _, f := range ve.Fields {
				got = append(got, f.Field)
			}
			require.ElementsMatch(t, tt.fields, got)
		})
	}
}

func TestComplaintDiff_Quality(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 6, 4, 10, 0, 0, 0, time.UTC)
	before := validComplaint()
	before.Actions = []ticket.Action{{ID: "a", Title: "Fix jig", Type: ticket.ActionCorrective, Done: true}}
	after := before.Clone()
	after.Details.RootCause = &ticket.RootCause{Cause: ticket.CodeRef{Group: "MAN", Code: "M01"}, Text: "worn jig", By: "u-1", At: at}
	after.Details.Steps = append(after.Details.Steps, ticket.StepRecord{Step: ticket.StepD1, By: "u-1", At: at, Notes: "team"})
	after.Actions[0].Effectiveness = ticket.EffectivenessCheck{By: "u-2", At: at, Effective: false}

	events := ticket.ComplaintDiff(before, after)
	require.Contains(t, events, ticket.Event{Field: ticket.FieldRootCause, New: "cause MAN/M01; by u-1 at 2026-06-04T10:00:00Z; worn jig"})
	require.Contains(t, events, ticket.Event{Field: ticket.FieldSteps, New: "D1 by u-1 at 2026-06-04T10:00:00Z (team)"})
	require.Contains(t, events, ticket.Event{Field: ticket.FieldAction,
		Old: "Fix jig; done; type corrective",
		New: "Fix jig; done; type corrective; not effective per u-2 at 2026-06-04T10:00:00Z"})
	require.Empty(t, before.Details.Steps, "Clone copies the steps")
}

func TestComplaintsByCauseAndDefect(t *testing.T) {
	t.Parallel()
	cs := reportComplaints()
	set := func(c *ticket.Complaint, cause, defect ticket.CodeRef) {
		c.Details.RootCause = &ticket.RootCause{Cause: cause, Defect: defect, By: "u"}
	}
	m01, s01 := ticket.CodeRef{Group: "MAN", Code: "M01"}, ticket.CodeRef{Group: "MAT", Code: "S01"}
	v01 := ticket.CodeRef{Group: "VIS", Code: "V01"}
	set(cs[0], m01, v01)
	set(cs[1], m01, ticket.CodeRef{})
	set(cs[2], s01, v01)
	require.Equal(t, []ticket.CountRow{{"MAN/M01", 2}, {"MAT/S01", 1}}, ticket.ComplaintsByCause(cs))
	require.Equal(t, []ticket.CountRow{{"VIS/V01", 2}}, ticket.ComplaintsByDefect(cs))
}
