package intake_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ticketkit/ticketkit/storage/memory"
)

// FuzzIngest feeds arbitrary bytes to Intake.Ingest on a fresh in-memory
// desk: it must never panic, and a message it refuses must leave no
// ticket behind (no partial ticket on error). The seeds are the mailin
// corpus of realistic messages.
//
//	go test -run '^$' -fuzz '^FuzzIngest$' -fuzztime 100000x -fuzzminimizetime 200x ./mailin/intake
func FuzzIngest(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "*.eml"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed corpus: %v", err)
	}
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		e := newEnv(t, memory.New())
		before := e.count(t)
		res, err := e.intake.Ingest(context.Background(), bytes.NewReader(raw))
		after := e.count(t)
		if err != nil {
			if after != before {
				t.Fatalf("Ingest failed (%v) but left %d ticket(s)", err, after-before)
			}
			return
		}
		if res.Outcome == "" {
			t.Fatal("Ingest succeeded without an outcome")
		}
		if res.TicketID != "" {
			e.get(t, res.TicketID) // the ticket it names exists
		}
	})
}
