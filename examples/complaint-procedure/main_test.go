package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
)

func TestComplaintProcedureScenario(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, filepath.Join(t.TempDir(), "complaints.db")))
	s := out.String()
	for _, want := range []string{
		"   CR01 Late delivery\n   CR02 Product\n   CR03 Service\n   CR04 Accounts\n",
		`? add action "Call the customer back" (desk-mia, due in 4h) to the complaint on job JOB-4711? yes`,
		`? add action "Revisit the site and re-test the boiler" (tech-tom, due in 48h) to the complaint on job JOB-4711? yes`,
		`? add action "Lend the customer a heater" (logistics, due in 8h) to the complaint on job JOB-4711? no`,
		"TK-2026-000001 registered, job JOB-4711, customer Café Nord, reason CR03, salesperson sales-ana, 2 action(s) added",
		"[open] Revisit the site and re-test the boiler (tech-tom, due 11-04 09:00)\n   1 open\n",
		"refused: guard actions_done: 1 action is still open",
		"[done] Revisit the site and re-test the boiler (tech-tom, done 11-03 12:00: ignition electrode replaced)",
		"justified true by super-sam",
		`follow-up for the salesperson sales-ana: "Issue a credit note over 180.00 EUR"`,
		"[open] Issue a credit note over 180.00 EUR (sales-ana, no due date)",
		`sales-ana: "Issue a credit note over 180.00 EUR" done: credit note CN-2026-0118 issued; 0 open`,
		"TK-2026-000001 fulfilled",
		"before the review, refused: guard supervisor_review: a supervisor's follow-up review is required",
		"reviewed by super-sam (supervisor): approved",
		"without a reason, refused: guard reason_required: a reason is required",
		`TK-2026-000001 posted at 2026-11-03T15:00:00Z, reason "Credit note CN-2026-0118 over 180.00 EUR issued; boiler works"`,
		"a later change is refused (posted: true)",
		"mail to owner@cafe-nord.example: [TK-2026-000001] New reply: Boiler fails again two days after the service",
	} {
		require.Contains(t, s, want)
	}
	require.NotContains(t, s, "not refused")
	require.NotContains(t, s, "] Lend the customer a heater", "a declined template action must not be added")

	// The default in-memory database tells the same story.
	var mem bytes.Buffer
	require.NoError(t, run(context.Background(), &mem, bunopen.Memory))
	require.Equal(t, s, mem.String())
}
