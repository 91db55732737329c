package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestERPComplaintScenario(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, filepath.Join(t.TempDir(), "erp.db")))
	s := out.String()
	for _, want := range []string{
		"TK-2026-000001 registered, customer Bistro Lumière, contract CT-2026-3, 2 action(s) from the category",
		`action "Issue a credit note over 540.00 EUR" owner sales-ana`,
		`transition denied by guard "actions_done": 4 actions are still open`,
		"ERP: credit note CN-TK-2026-000001 for Bistro Lumière over 540.00 EUR (contract CT-2026-3)",
		"TK-2026-000001 posted, remedy document CN-TK-2026-000001",
		"cannot be changed (posted: true)",
		"line KET-200 Kettle 2 l batch B-2611 qty 12 pcs",
		"complaint.posted             \"\" → \"2026-11-03T09:00:00Z\"",
		"mail to achats@bistro.example: [TK-2026-000001] New reply: Kettles leak after a week",
		"complaints 1, justified 1 of 1 decided",
		"series KET-200 batch B-2611: 1",
		"claimed 540.00 EUR",
	} {
		require.Contains(t, s, want)
	}
}
