package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage/memory"
)

const want = `Fri 24 Apr 15:00  TK-2026-000001 opened under policy "standard"
  first response due Mon 27 Apr 11:00, resolution due Mon 27 Apr 15:00
Mon 27 Apr 09:30  agent replied (first response met)
Mon 27 Apr 12:00  sweep: 0 ticket(s), 0 warning(s), 0 breach(es), 0 escalation(s)
Mon 27 Apr 13:00  sweep: 1 ticket(s), 1 warning(s), 0 breach(es), 0 escalation(s)
Mon 27 Apr 15:00  sweep: 1 ticket(s), 0 warning(s), 1 breach(es), 1 escalation(s)
  notified: ticket.escalated for TK-2026-000001
Tue 28 Apr 11:00  sweep: 1 ticket(s), 0 warning(s), 0 breach(es), 1 escalation(s)
  notified: ticket.escalated for TK-2026-000001
Mon 04 May 09:00  sweep: 0 ticket(s), 0 warning(s), 0 breach(es), 0 escalation(s)

TK-2026-000001 is now "escalated", priority "urgent", assigned to "team-lead"; breached: c1:resolution
History:
  Fri 24 Apr 15:00  jane      created        TK-2026-000001
  Mon 27 Apr 13:00  system    sla.warning    resolution at 75% of policy standard (c1:resolution:warn75)
  Mon 27 Apr 15:00  system    sla.breach     resolution target reached of policy standard (c1:resolution)
  Mon 27 Apr 15:00  system    sla.escalation level 1: resolution at 100% of policy standard (c1:resolution:L1), notify supervisor
  Mon 27 Apr 15:00  system    assignee       team-lead
  Tue 28 Apr 11:00  system    sla.escalation level 2: resolution at 150% of policy standard (c1:resolution:L2), notify user:head-of-support
  Tue 28 Apr 11:00  system    status         escalated
  Tue 28 Apr 11:00  system    priority       urgent
`

func TestEscalatesThroughTwoLevelsOnSQLite(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, open(context.Background(), &out, filepath.Join(t.TempDir(), "sla.db")))
	require.Equal(t, want, out.String())
}

func TestEscalatesThroughTwoLevelsInMemory(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, memory.New()))
	require.Equal(t, want, out.String())
}
