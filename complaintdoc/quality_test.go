package complaintdoc_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/complaintdoc"
	"github.com/ticketkit/ticketkit/ticket"
)

// qualitySample is sample() with a root cause, three 8D steps and typed
// actions, one of them checked effective.
func qualitySample() *ticket.Complaint {
	at := time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC)
	c := sample()
	c.Details.RootCause = &ticket.RootCause{
		Cause: ticket.CodeRef{Group: "MAN", Code: "M01"}, Defect: ticket.CodeRef{Group: "FUN", Code: "F01"},
		Text: "ROOT-CAUSE-TEXT", By: "qa-lea", At: at,
	}
	for _, s := range []ticket.Step{ticket.StepD1, ticket.StepD2, ticket.StepD3} {
		c.Details.Steps = append(c.Details.Steps, ticket.StepRecord{Step: s, By: "qa-lea", At: at})
	}
	c.Actions = []ticket.Action{
		{ID: "a-1", Title: "Block batch", Owner: "qa-lea", Type: ticket.ActionContainment, Done: true, DoneAt: at,
			Effectiveness: ticket.EffectivenessCheck{By: "boss-1", At: at, Effective: true}},
		{ID: "a-2", Title: "Replace jig", Owner: "eng-1", Type: ticket.ActionCorrective},
	}
	return c
}

func TestBuild_Report8D_Quality(t *testing.T) {
	t.Parallel()
	r, err := complaintdoc.New(complaintdoc.Config{})
	require.NoError(t, err)
	doc, html := render(t, r, complaintdoc.KindReport8D, qualitySample(), "fr")
	var keys []string
	for _, s := range doc.Sections {
		keys = append(keys, s.Key)
	}
	require.Equal(t, []string{"general", "d1", "d2", "lines", "d4", "root_cause", "d3_d7", "steps", "d8", "reviews"}, keys)

	rc := doc.Section("root_cause")
	require.Equal(t, "Cause racine", rc.Title)
	require.Equal(t, "MAN/M01 Réglage machine", doc.Field("cause"))
	require.Equal(t, "FUN/F01 Ne démarre pas", doc.Field("defect"))
	require.Equal(t, "ROOT-CAUSE-TEXT", rc.Text)

	rows := doc.Section("d3_d7").Table.Rows
	require.Len(t, rows, 2)
	require.Equal(t, "Confinement", rows[0][1])
	require.Contains(t, rows[0][5], "Efficace boss-1")
	require.Equal(t, "Corrective", rows[1][1])
	require.Empty(t, rows[1][5], "not checked yet")

	require.Len(t, doc.Section("steps").Table.Rows, 3)
	require.Equal(t, "D3 Confinement", doc.Section("steps").Table.Rows[2][0])
	require.Contains(t, html, "ROOT-CAUSE-TEXT")

	// The customer's acknowledgement carries none of it.
	_, ack := render(t, r, complaintdoc.KindAcknowledgement, qualitySample(), "en")
	for _, internal := range []string{"ROOT-CAUSE-TEXT", "MAN/M01", "Block batch", "D1 Team"} {
		require.NotContains(t, ack, internal)
	}
}
