package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/ledongthuc/pdf"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
)

func TestComplaintProcedureScenario(t *testing.T) {
	var out bytes.Buffer
	dir := t.TempDir()
	require.NoError(t, run(context.Background(), &out, filepath.Join(dir, "complaints.db"), dir))
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
		`TK-2026-000001 posted at 2026-11-03T16:00:00Z, reason "Credit note CN-2026-0118 over 180.00 EUR issued; boiler works"`,
		"a later change is refused (posted: true)",
		"mail to owner@cafe-nord.example: [TK-2026-000001] New reply: Boiler fails again two days after the service",
		// The 8D: typed actions, the corrective one checked effective,
		// the coded root cause, D4 refused before D3, then D1 to D8 in
		// order.
		"containment Check the other boilers serviced that week (not checked)",
		"corrective  Replace worn ignition electrodes at every annual service (effective true: two weeks without a failure on the revisited boilers)",
		"preventive  Add the electrode to the service checklist (not checked)",
		"root cause MAN/M02 Operator error, defect FUN/F01 Does not start, by super-sam",
		"D4 before D3, refused (step order: true): complete D3 first\n" +
			"   D1 done by super-sam at 11-03 15:00: team: desk-mia, tech-tom, super-sam\n" +
			"   D2 done by super-sam at 11-03 15:00: boiler does not ignite two days after the service\n" +
			"   D3 done by super-sam at 11-03 15:00: Check the other boilers serviced that week\n" +
			"   D4 done by super-sam at 11-03 15:00: The worn ignition electrode was not replaced at the service\n" +
			"   D5 done by super-sam at 11-03 15:00: Replace worn ignition electrodes at every annual service\n" +
			"   D6 done by super-sam at 11-03 15:00: two weeks without a failure on the revisited boilers\n" +
			"   D7 done by super-sam at 11-03 15:00: Add the electrode to the service checklist\n" +
			"   D8 done by super-sam at 11-03 15:00: team thanked; complaint closed with a credit\n",
		"TK-2026-000001-8d.pdf: 8D report TK-2026-000001",
	} {
		require.Contains(t, s, want)
	}
	require.NotContains(t, s, "not refused")
	require.NotContains(t, s, "] Lend the customer a heater", "a declined template action must not be added")

	// The printed 8D report, read back by an independent PDF reader.
	text := pdfText(t, filepath.Join(dir, "TK-2026-000001-8d.pdf"))
	for _, want := range []string{"8D report TK-2026-000001", "D1 Team", "Root cause",
		"MAN/M02 Operator error", "FUN/F01 Does not start", "Containment", "Corrective", "Preventive", "Effective",
		"D4 Root cause\nsuper-sam", "D8 Closure\nsuper-sam", "Justified"} {
		require.Contains(t, text, want)
	}

	// The default in-memory database tells the same story.
	var mem bytes.Buffer
	require.NoError(t, run(context.Background(), &mem, bunopen.Memory, t.TempDir()))
	require.Equal(t, s, mem.String())
}

// pdfText returns the text of the PDF file at path.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	f, r, err := pdf.Open(path)
	require.NoError(t, err)
	defer f.Close()
	plain, err := r.GetPlainText()
	require.NoError(t, err)
	b, err := io.ReadAll(plain)
	require.NoError(t, err)
	return string(b)
}
