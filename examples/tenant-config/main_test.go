package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage/memory"
)

const want = `Before any merchant configures anything:
  bakery  TK-2026-000001 "Wrong cake delivered" status waiting           (Waiting on customer / Attente réponse) priority normal config v0
  bikes   TK-2026-000001 "Brake cable missing"  status open              (Open / Ouvert) priority normal config v0
  lamps   TK-2026-000001 "Bulb flickers"        status open              (Open / Ouvert) priority normal config v0

bakery admin, without a mapping: refused: 1 tickets use "waiting", which the new catalog removes: map it to a code of the new catalog
bakery admin, with a mapping: version 1 saved, 1 ticket moved
bikes admin: SLA on shop hours, version 1 saved
bakery agent: forbidden
Mon 10:30 sweep: 0 escalation(s)
Mon 11:00 sweep: 1 escalation(s)

After:
  bakery  TK-2026-000001 "Wrong cake delivered" status awaiting_courier  (Awaiting courier / Attente coursier) priority normal config v1
  bikes   TK-2026-000001 "Brake cable missing"  status open              (Open / Ouvert) priority normal config v0
  bikes   TK-2026-000002 "Wheel rubs the frame" status open              (Open / Ouvert) priority urgent config v1
  lamps   TK-2026-000001 "Bulb flickers"        status open              (Open / Ouvert) priority normal config v0

bakery admin: French acknowledgement, reply mails off, BAK numbers: version 2 saved
bakery admin, a typo in a template: refused: templates[0]
  mail to bakery@example.com: La Boulangerie : demande BAK-0001 bien reçue
    Bonjour Zoé,
    votre demande « Late delivery » est au statut Ouvert.
  mail to lamps@example.com: [TK-2026-000002] Demande reçue : Late delivery
  mail to lamps@example.com: [TK-2026-000002] Nouvelle réponse : Late delivery
`

func TestTwoMerchantsConfigureThemselvesOnSQLite(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, open(context.Background(), &out, filepath.Join(t.TempDir(), "tenants.db")))
	require.Equal(t, want, out.String())
}

func TestTwoMerchantsConfigureThemselvesInMemory(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, memory.New()))
	require.Equal(t, want, out.String())
}
