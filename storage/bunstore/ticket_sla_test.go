package bunstore_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestSLAMigrationMovesStates checks that the migration that moves SLA
// states to the ticket_sla table carries over the states and wake times
// tickets stored before it, and that the tickets without one get none.
func TestSLAMigrationMovesStates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// MySQL's tickets table never had the sla columns (its support began
	// after this migration): nothing to move there.
	for _, b := range backendsExcept("mysql") {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db := b.Open(t)
			m, _ := firstMigrations(t, db, "ticket_sla")
			_, err := m.Migrate(ctx)
			require.NoError(t, err)

			due := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
			state := ticket.SLAState{Policy: "std", Cycle: 1, NextCheckAt: due, Fired: []string{"c1:resolution:warn80"}}
			js, err := json.Marshal(state)
			require.NoError(t, err)
			insert := func(id, number, sla string, next any) {
				_, err := db.NewRaw(`INSERT INTO ticketkit_tickets (id, tenant_id, number, subject, subject_lower, status, priority,
					customer, contacts, refs, tags, fields, actions, created_at, updated_at, sla, sla_next_check_at, version)
					VALUES (?, 'acme', ?, 'Old', 'old', 'open', 'normal', '{}', 'null', 'null', 'null', 'null', 'null', ?, ?, ?, ?, 3)`,
					id, number, due, due, sla, next).Exec(ctx)
				require.NoError(t, err)
			}
			insert("t-timed", "TK-1", string(js), due)
			insert("t-plain", "TK-2", "{}", nil)

			st := newStore(t, db, bunstore.Config{})
			timed, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: "t-timed"})
			require.NoError(t, err)
			require.Equal(t, state, timed.SLA)
			require.Equal(t, int64(1), timed.SLAVersion)
			require.Equal(t, int64(3), timed.Version)
			plain, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: "t-plain"})
			require.NoError(t, err)
			require.True(t, plain.SLA.IsZero())
			require.Equal(t, int64(0), plain.SLAVersion)
			require.Equal(t, int64(1), count(t, db, "ticketkit_ticket_sla"))

			var claimed []*ticket.Ticket
			require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) (err error) {
				claimed, err = tx.TicketClaimDue(ctx, storage.TicketClaimDueParams{Now: due, Limit: 10})
				return err
			}))
			require.Len(t, claimed, 1)
			require.Equal(t, "t-timed", claimed[0].ID)
		})
	}
}
