package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
)

func TestPostgresExampleCommitsAndRollsBackWithTheHost(t *testing.T) {
	db := dbtest.Postgres(t)
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, db))
	s := out.String()
	require.Contains(t, s, "committed: return of SO-1001 with ticket TK-")
	require.Contains(t, s, "rolled back: return of SO-1002")
	require.Contains(t, s, "stored: 1 return row(s), 1 ticket(s)")
	require.Contains(t, s, "-000001 Return of order SO-1001")
}
