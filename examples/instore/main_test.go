package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestInStoreScenario(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, filepath.Join(t.TempDir(), "store.db")))
	s := out.String()
	for _, want := range []string{
		// The number reaches the customer at once...
		"mail to ada@example.com          [TK-2026-000001] We received your request: Blender motor stops after a minute",
		// ...the department only once the ticket is verified and routed:
		// the workflow refuses to allocate it before.
		`TK-2026-000001 refused before verification: no routing rule lets a ticket in status "open" go to department "workshop"`,
		// Opening a ticket straight into a department is no way around it.
		`a ticket opened straight into the workshop is refused: no routing rule lets a ticket in status "open" go to department "workshop"`,
		"TK-2026-000001 verified, allocated to workshop",
		"mail to workshop@store.example   [TK-2026-000001] Routed to Service workshop: Blender motor stops after a minute",
		"mail to care@store.example       [TK-2026-000003] Routed to Customer care: Coat seam torn after a week",
		"TK-2026-000002 not verified (transaction POS-88-1290 is not a purchase of loyalty customer L-4411): closed",
		"TK-2026-000003 verified, allocated to care",
		// Two escalation levels, each once, each to its own target.
		"mail to manager@store.example    [TK-2026-000001] Escalated: Blender motor stops after a minute",
		"12:00 sweep: 1 breach(es), 1 escalation(s)",
		"mail to regional@store.example   [TK-2026-000001] Escalated: Blender motor stops after a minute",
		"14:00 sweep: 0 breach(es), 1 escalation(s)",
		"TK-2026-000001 is now escalated, priority high",
		// A product in for service: the customer is asked to collect it.
		"mail to ada@example.com          [TK-2026-000001] Ready for collection: Blender motor stops after a minute",
		"closed:                TK-2026-000001 TK-2026-000002",
		"open or in progress:   TK-2026-000003",
		"priority high:         TK-2026-000001",
		"department workshop:   TK-2026-000001",
		"opened 21 Nov:         TK-2026-000001 TK-2026-000002 TK-2026-000003",
		"mobile +33612345678:   TK-2026-000001 TK-2026-000002",
		"code TK-2026-000002:   TK-2026-000002",
	} {
		require.Contains(t, s, want)
	}
	require.NotContains(t, s, "workshop@store.example   [TK-2026-000002]", "an unverified ticket reaches no department")
	require.NotContains(t, s, "care@store.example       [TK-2026-000002]", "an unverified ticket reaches no department")
	require.Equal(t, 1, strings.Count(s, "Routed to Service workshop"), "the department is told once, when the ticket reaches it")
	require.Equal(t, 1, strings.Count(s, "manager@store.example"), "level 1 fires once")
}
