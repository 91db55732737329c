package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStorefrontScenario(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, filepath.Join(t.TempDir(), "shop.db")))
	s := out.String()
	for _, want := range []string{
		"ticket TK-2026-000001, status open, priority medium",
		// A new ticket and a shopper message reach the admin...
		"mail to admin@shop.example   [TK-2026-000001] New ticket: Wrong size delivered",
		"mail to admin@shop.example   [TK-2026-000001] New message: Wrong size delivered",
		// ...and admin messages the shopper.
		"mail to sam@example.com      [TK-2026-000001] New reply: Wrong size delivered",
		"mail to sam@example.com      [TK-2026-000001] Closed: Wrong size delivered",
		`refused: workflow: cannot move ticket from "open" to "closed" as customer: transition forbidden for role`,
		// Highest first in the catalog's order (question, problem, complaint).
		"by category: | page 1: TK-2026-000003 (Complaint, Open, [img prio-3.png]) TK-2026-000004 (Problem, Open, [img prio-2.png]) | page 2: TK-2026-000001 (Problem, Closed, [img prio-2.png]) TK-2026-000002 (Question, Open, [img prio-1.png])",
		"by status: | page 1: TK-2026-000001 (Problem, Closed, [img prio-2.png]) TK-2026-000004 (Problem, Open, [img prio-2.png]) |",
		"by priority: | page 1: TK-2026-000003 (Complaint, Open, [img prio-3.png]) TK-2026-000004 (Problem, Open, [img prio-2.png]) | page 2:",
		"6. The catalog shows statuses as text, priorities as image, message types as text",
		"attached label.jpg (image/jpeg, 11 bytes)",
		"attached parcel.jpg (image/jpeg, 18 bytes)",
		`high   text "High" image prio-3.png`,
		// Without an SLA the report still counts the closed ticket.
		"4 tickets, 1 resolved in 2h0m0s on average, reopen rate 0%, first reply after 2h0m0s (all 4 from history)",
		"TK-2026-000003 merged into TK-2026-000002, now closed",
		"   TK-2026-000004: done",
		"alex sees admin replying",
	} {
		require.Contains(t, s, want)
	}
	require.Equal(t, 1, strings.Count(s, "mail to admin@shop.example   [TK-2026-000001] New message"),
		"the admin's own reply does not notify the admin")
	require.NotContains(t, s, "[TK-2026-000002] We received", "mails after step 4 are not printed")
}
