package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"
	"github.com/stretchr/testify/require"
)

func TestERPComplaintScenario(t *testing.T) {
	var out bytes.Buffer
	dir := t.TempDir()
	require.NoError(t, run(context.Background(), &out, filepath.Join(dir, "erp.db")))
	s := out.String()
	for _, want := range []string{
		"CC-BU1-2026-0001 registered, customer Bistro Lumière, contract CT-2026-3, 2 action(s) from the category, assignee clerk-1",
		"CC-BU2-2026-0001 registered in business unit BU2",
		`transition denied by guard "reason_code_set"`,
		"reason code CR02 chosen at the follow-up",
		`review result by boss-1: "Returned kettles examined", findings ["seal cracked" "batch B-2611 only"]`,
		`complaint.review_results     "" → "by boss-1: 2 findings"`,
		`action "Issue a credit note over 540.00 EUR" owner sales-ana`,
		`transition denied by guard "actions_done": 4 actions are still open`,
		"ERP: credit note CN-CC-BU1-2026-0001 for Bistro Lumière over 540.00 EUR (contract CT-2026-3)",
		"CC-BU1-2026-0001 posted, remedy document CN-CC-BU1-2026-0001",
		"cannot be changed (posted: true)",
		"line KET-200 Kettle 2 l batch B-2611 qty 12 pcs\n   line CUP-06 Tea cups, set of 6 qty 3 sets\n   line LID-200 Kettle lid batch B-2612 qty 2 pcs\n",
		// Lines change after opening, addressed by their numbers: the
		// lids added as line 3, the cups recounted on line 2, each with
		// a history line naming the line; a decided line's quantity is
		// not changed under its decision.
		"at the follow-up call: a line added, a quantity corrected\n" +
			"   line 1 KET-200 qty 12 pcs\n   line 2 CUP-06 qty 3 sets\n   line 3 LID-200 qty 2 pcs\n",
		`complaint.lines              "" → "line 3 LID-200: LID-200 batch B-2612 2 pcs (Kettle lid)"`,
		`complaint.lines.quantity     "line 2 CUP-06: 4 sets" → "line 2 CUP-06: 3 sets"`,
		"correcting decided line 1 is refused (decided: true)",
		"complaint.posted             \"\" → \"2026-11-03T09:00:00Z\"",
		"mail to achats@bistro.example: [CC-BU1-2026-0001] New reply: Kettles leak after a week",
		"complaints 2, justified 1 of 1 decided",
		"series KET-200 batch B-2611: 2",
		"claimed 540.00 EUR",
		// Per-line decisions: the kettles settled in parts, the cups
		// rejected with feedback; the partial remedies reach the remedy
		// handler with the line's product and batch.
		"line 1 KET-200: justified true, credit_note 40 %, replacement 3 pcs\n" +
			`   line 2 CUP-06: justified false, feedback "The cups arrived intact according to the delivery note"` + "\n",
		"ERP: line 1 KET-200 batch B-2611: credit_note 40 %\n" +
			"   ERP: line 1 KET-200 batch B-2611: replacement 3 pcs\n",
		// Internal costs and their total.
		"cost freight 38.50 EUR (pick-up of 12 kettles)\n   cost labour 64.00 EUR (2 h testing)\n   costs total 102.50 EUR over 2 entries\n",
		// The posting is reversed once through the reversal handler, and
		// the complaint stays posted.
		"ERP: debit note DN-CC-BU1-2026-0001 cancels credit_note CN-CC-BU1-2026-0001: credit note sent to the wrong company",
		`CC-BU1-2026-0001 still posted, reversed by boss-1 with debit_note DN-CC-BU1-2026-0001: "credit note sent to the wrong company"`,
		"reversing again is refused (reversed: true)",
		`complaint.reversal           "" → "credit note sent to the wrong company [debit_note:DN-CC-BU1-2026-0001 (debit note)]"`,
		// The journal: newest first, one complaint a page; open work; a
		// business unit over an amount; a customer's own complaints
		// without the help desk's responsibility.
		`from INV-2026-0042 page 1: CC-BU2-2026-0001 registered "One kettle lid missing" employee "clerk-2"` + "\n" +
			`   from INV-2026-0042 page 2: CC-BU1-2026-0001 posted "Kettles leak after a week" employee "clerk-1"` + "\n" +
			`   open work page 1: CC-BU2-2026-0001 registered "One kettle lid missing" employee "clerk-2"` + "\n" +
			`   BU1 over 500 EUR page 1: CC-BU1-2026-0001 posted "Kettles leak after a week" employee "clerk-1"` + "\n" +
			`   the customer's page 1: CC-BU1-2026-0001 posted "Kettles leak after a week" employee ""` + "\n" +
			`   the customer's page 1: CC-BU2-2026-0001 registered "One kettle lid missing" employee ""` + "\n",
	} {
		require.Contains(t, s, want)
	}
	require.Equal(t, 1, strings.Count(s, "ERP: debit note"), "the reversal handler runs once")
	requirePrinted(t, dir)
}

// requirePrinted reads back the documents the scenario printed into dir:
// the PDFs through an independent PDF reader, the acknowledgement as the
// HTML the customer gets.
func requirePrinted(t *testing.T, dir string) {
	t.Helper()
	for file, want := range map[string][]string{
		"CC-BU1-2026-0001.pdf": {"Complaint CC-BU1-2026-0001", "Bistro Lumière", "Amount", "540.00 EUR", "Decision", "Justified",
			"Credit note CN-CC-BU1-2026-0001", "Posted", "Seal defect in batch B-2611", "CUP-06 Tea cups, set of 6",
			"Decisions per line", "1 KET-200", "The cups arrived intact", "the 3 that leaked",
			"Reversal", "debit_note DN-CC-BU1-2026-0001", "credit note sent to the wrong company"},
		"CC-BU1-2026-0001-8d.pdf": {"8D report CC-BU1-2026-0001", "D1 Team", "D4 Root cause analysis", "seal cracked",
			"D3-D7 Actions", "Collect the kettles", "D8 Closure", "Approved"},
	} {
		// Narrow table cells wrap, even inside words: compare without
		// white space.
		text := squeeze(pdfText(t, filepath.Join(dir, file)))
		for _, w := range want {
			require.Contains(t, text, squeeze(w), file)
		}
	}
	ack, err := os.ReadFile(filepath.Join(dir, "CC-BU1-2026-0001-ack.html"))
	require.NoError(t, err)
	require.Contains(t, string(ack), "Accusé de réception de votre réclamation CC-BU1-2026-0001")
	require.Contains(t, string(ack), "Bistro Lumière")
	require.Contains(t, string(ack), "Décisions par ligne", "the customer's decision per line")
	require.Contains(t, string(ack), "The cups arrived intact according to the delivery note")
	require.Contains(t, string(ack), "Extourne")
	require.Contains(t, string(ack), "DN-CC-BU1-2026-0001")
	for _, internal := range []string{"Seal defect", "clerk-1", "540.00", "CT-2026-3", "seal cracked", "the 3 that leaked", "38.50", "pick-up",
		"wrong company", "boss-1"} {
		require.NotContains(t, string(ack), internal, "the acknowledgement is for the customer")
	}
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

// squeeze returns s without white space.
func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }
