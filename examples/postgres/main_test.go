package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
)

// TestPostgresExampleCommitsAndRollsBackWithTheHost runs the example:
// the committed return's ticket is stored and announced exactly once, by
// the Dispatcher after the host's commit; the rolled-back return's ticket
// is neither stored nor announced.
func TestPostgresExampleCommitsAndRollsBackWithTheHost(t *testing.T) {
	db := dbtest.Postgres(t)
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, db))
	s := out.String()
	require.Contains(t, s, "committed: return of SO-1001 with ticket TK-")
	require.Contains(t, s, "rolled back: return of SO-1002")
	require.Contains(t, s, "stored: 1 return row(s), 1 ticket(s)")
	require.Contains(t, s, "-000001 Return of order SO-1001")

	committed := regexp.MustCompile(`committed: return of SO-1001 with ticket (\S+)`).FindStringSubmatch(s)[1]
	rolledBack := regexp.MustCompile(`\(ticket (\S+) was never stored\)`).FindStringSubmatch(s)[1]
	require.Equal(t, 1, strings.Count(s, "announced: "), "only the committed ticket is announced:\n%s", s)
	require.Contains(t, s, "announced: ticket.opened "+committed)
	require.NotContains(t, s, "announced: ticket.opened "+rolledBack+"\n")
	require.Less(t, strings.Index(s, "rolled back:"), strings.Index(s, "announced: "), "announced by the Dispatcher, after the host's transactions")
	require.Contains(t, s, "dispatched: 1 notification(s)\ndispatched: 0 notification(s)\n", "exactly once")
}
