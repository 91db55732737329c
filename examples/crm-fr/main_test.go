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
		"TK-2026-000001 La chaudière ne démarre plus     via phone  statut Ouvert, priorité Normale",
		"TK-2026-000002 Bruit anormal de la chaudière    via email  statut Ouvert, priorité Normale",
		"TK-2026-000003 Thermostat sans affichage        via portal statut Ouvert, priorité Normale",
		"mail à marie@dupont.example : [TK-2026-000001] Nouveau commentaire : La chaudière ne démarre plus",
		"Votre ticket TK-2026-000001 est au statut « Ouvert ».",
		"mails à Marie pour ce commentaire : 0",
		"mails envoyés : 0",
		`luc   status    "open" -> "in_progress"`,
		`luc   priority  "normal" -> "high"`,
		`luc   category  "problem" -> "complaint"`,
		`luc   customer  "Marie Dupont <marie@dupont.example> [ACC-001]" -> "Marie Dupont <marie@dupont.example> [ACC-002]"`,
		`luc   contract  "CT-2024-7 (Contrat maintenance)" -> "CT-2026-1 (Contrat premium)"`,
		`luc   assignee  "" -> "claire"`,
		"product CHAUD-200×2 THERM-10×1",
	} {
		require.Contains(t, s, want)
	}
}
