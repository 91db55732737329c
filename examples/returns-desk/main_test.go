package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage/memory"
)

// want is the scenario's output: round-robin turns, the gold rule, the
// reminder after 3 days and the closing after 7, the macro in English
// and French, the ratings and the reports by agent.
const want = `
Mon 04 May  shoppers open return tickets
  TK-2026-000001  Ada  tier gold → ann, priority high
  TK-2026-000002  Zoé  tier -    → bea, priority normal
  TK-2026-000003  Ben  tier -    → cid, priority normal
  TK-2026-000004  Eva  tier gold → ann, priority normal
  TK-2026-000001  ann applies "return-label": Hello Ada, here is the return label for order SO-1001.
    now waiting, tags [return]
  TK-2026-000002  bea applies "return-label": Bonjour Zoé, voici l'étiquette de retour de la commande SO-1002.
    now waiting, tags [return]
Tue 05 May  TK-2026-000002, TK-2026-000003 and TK-2026-000004 resolved
Wed 06 May  sweep: 0 time rule(s) fired
Thu 07 May  sweep: 1 time rule(s) fired
Sat 09 May  sweep: 0 time rule(s) fired
Mon 11 May  sweep: 1 time rule(s) fired
Tue 12 May  sweep: 0 time rule(s) fired
TK-2026-000001's rule history:
  Mon 04 May  rule:returns-form department           returns
  Mon 04 May  rule:gold-orders  priority             high
  Thu 07 May  rule:remind       automation.time_rule remind
  Mon 11 May  rule:close        automation.time_rule close
  Mon 11 May  rule:close        status               closed
  Mon 11 May  rule:close        closure_reason       automation rule close
TK-2026-000001's thread:
  Mon 04 May  reply ann         Hello Ada, here is the return label for order SO-1001.
  Thu 07 May  note  rule:remind Reminder: TK-2026-000001 has waited 3 days for the shopper.
Surveys:
  TK-2026-000001 rated 3 for ann
  TK-2026-000002 rated 5 for bea
  TK-2026-000003 rated 4 for cid
  TK-2026-000004 rated 2 for ann
Satisfaction by agent:
  ann  2 rating(s), average 2.5, CSAT 0%
  bea  1 rating(s), average 5.0, CSAT 100%
  cid  1 rating(s), average 4.0, CSAT 100%
Time in May by agent:
  ann  2 entr(ies), 20m0s in all, 15m0s billable
  bea  1 entr(ies), 10m0s in all, 10m0s billable
  cid  1 entr(ies), 25m0s in all, 0s billable
`

func TestReturnsDeskOnSQLite(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, filepath.Join(t.TempDir(), "returns.db")))
	require.Equal(t, want[1:], out.String())
}

func TestReturnsDeskInMemory(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, play(context.Background(), &out, memory.New()))
	require.Equal(t, want[1:], out.String())
}
