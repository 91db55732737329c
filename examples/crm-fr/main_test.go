package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCRMScenario(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, filepath.Join(t.TempDir(), "crm.db")))
	s := out.String()
	for _, want := range []string{
		"TK-2026-000001 La chaudière ne démarre plus     via Saisie manuelle statut Ouvert, priorité Normale",
		"TK-2026-000002 Bruit anormal de la chaudière    via E-mail          statut Ouvert, priorité Normale",
		"TK-2026-000003 Thermostat sans affichage        via Espace client   statut Ouvert, priorité Normale",
		"accusé de réception de TK-2026-000001 : Canal : Saisie manuelle",
		"le portail déclare une saisie manuelle : ticket: invalid input: channel: may not be set by a customer",
		"mail à marie@dupont.example : [TK-2026-000001] Nouveau commentaire : La chaudière ne démarre plus",
		"Votre ticket TK-2026-000001 est au statut « Ouvert ».",
		"mails à Paul (en copie) : 1",
		"mails à Marie pour ce commentaire : 0",
		"mails envoyés : 0",
		`luc   status    "open" -> "in_progress" (Ouvert → En cours)`,
		`luc   priority  "normal" -> "high" (Normale → Haute)`,
		`luc   category  "problem" -> "complaint" (Incident → Réclamation)`,
		`luc   customer  "Marie Dupont <marie@dupont.example> [ACC-001]" -> "Marie Dupont <marie@dupont.example> [ACC-002]"`,
		`luc   contract  "CT-2024-7 (Contrat maintenance)" -> "CT-2026-1 (Contrat premium)"`,
		`luc   assignee  "" -> "claire"`,
		"product CHAUD-200×2 THERM-10×1",
		"saisis à la main : TK-2026-000001 La chaudière ne démarre plus\n   E-mail",
		"   Saisie manuelle 1 ticket(s)\n",
		"   E-mail          1 ticket(s)\n",
		"   Espace client   1 ticket(s)\n",
	} {
		require.Contains(t, s, want)
	}
}
