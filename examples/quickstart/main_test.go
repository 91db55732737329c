package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage/memory"
)

func TestQuickstartPlaysTheWholeScenarioOnSQLite(t *testing.T) {
	var out bytes.Buffer
	path := filepath.Join(t.TempDir(), "quickstart.db")
	require.NoError(t, open(context.Background(), &out, path))
	checkScenario(t, out.String())

	out.Reset()
	require.NoError(t, open(context.Background(), &out, path))
	require.Contains(t, out.String(), "-000002 opened", "a second run continues the numbering in the same file")
}

func TestQuickstartRunsOnTheMemoryStore(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, memory.New()))
	checkScenario(t, out.String())
}

func checkScenario(t *testing.T, s string) {
	t.Helper()
	for _, want := range []string{
		`-000001 opened, status "open"`,
		`transition forbidden for role`,
		`denied by guard "reason_required"`,
		`status Closed, priority normal, closed because "Replacement kettle sent"`,
		`[customer] cust-7    No light at all. Photo attached. (+kettle.jpg, 13 bytes)`,
		`[note    ] agent-ann Third kettle of batch B-17 this week.`,
		`agent-ann status     "resolved" -> "closed"`,
		`mail to jane@example.com         [TK-2026-000001] We received your request: Kettle stopped heating`,
		`mail to agent-ann@acme.example   [TK-2026-000001] New message: Kettle stopped heating`,
		`mail to jane@example.com         [TK-2026-000001] Closed: Kettle stopped heating`,
	} {
		require.Contains(t, s, want)
	}
}
