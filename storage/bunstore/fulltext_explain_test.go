package bunstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// fullTextTickets stores n tickets over four tenants, each with a
// description and two messages (a reply and an internal note) whose
// words repeat every 50 tickets, in one transaction.
func fullTextTickets(t *testing.T, st *bunstore.Store, n int) {
	t.Helper()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	err := st.RunInTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		for i := range n {
			at := start.Add(time.Duration(i) * time.Minute)
			tk := &ticket.Ticket{
				ID: ids.New(), TenantID: fmt.Sprintf("tenant-%d", i%4), Number: fmt.Sprintf("TK-%06d", i),
				Subject: fmt.Sprintf("Order %d kettle", i), Description: fmt.Sprintf("descword%d lid cracked", i%50),
				Status: "open", Priority: "normal", Category: "problem", Department: "support", Channel: ticket.ChannelEmail,
				Customer: ticket.Customer{ID: fmt.Sprintf("cus-%d", i%300)}, CreatedAt: at, UpdatedAt: at,
			}
			if err := tx.TicketCreate(ctx, tk); err != nil {
				return err
			}
			for j, kind := range []ticket.MessageKind{ticket.MessageReply, ticket.MessageNote} {
				m := &ticket.Message{ID: ids.New(), TenantID: tk.TenantID, TicketID: tk.ID, Kind: kind, AuthorRole: ticket.RoleAgent,
					Body: fmt.Sprintf("msgword%d courier %s", i%50, kind), CreatedAt: at.Add(time.Duration(j+1) * time.Second)}
				if err := tx.MessageCreate(ctx, m); err != nil {
					return err
				}
			}
		}
		return nil
	})
	require.NoError(t, err)
}

// TestTicketListFullTextExplain checks that a full-text query reads the
// full-text indexes of migration 20261203000801 on every dialect, for
// the tickets' texts and the messages' bodies alike, staff and customer
// searches: GIN indexes on PostgreSQL (plan taken with enable_seqscan
// off), the FTS5 tables on SQLite (joined back by rowid, never a scan of
// tickets or messages), FULLTEXT keys on MySQL/MariaDB. Each branch is
// bounded by the tenant in the SQL (tenant_id = ?). The customer's
// search also asks for the last word as a prefix, which reads the same
// indexes.
func TestTicketListFullTextExplain(t *testing.T) {
	t.Parallel()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			rec := &queryRecorder{}
			db := b.Open(t).WithQueryHook(rec)
			st := newStore(t, db, bunstore.Config{})
			fullTextTickets(t, st, 400)
			if b.Name == "postgres" {
				_, err := db.ExecContext(t.Context(), "ANALYZE")
				require.NoError(t, err)
			}
			for _, public := range []bool{false, true} {
				f := storage.TicketFilter{TenantID: "tenant-1", Query: "msgword7 descword7", QueryPublic: public, QueryPrefix: public}
				var res *storage.TicketListResult
				query := rec.capture(t, func() {
					var err error
					res, err = st.TicketList(t.Context(), storage.TicketListParams{TicketFilter: f, Limit: 50})
					require.NoError(t, err)
				})
				require.NotEmpty(t, res.Tickets)
				for _, tk := range res.Tickets {
					require.Equal(t, "tenant-1", tk.TenantID)
				}
				require.Contains(t, query, "tenant_id = 'tenant-1'", "every branch is bounded by the tenant")
				switch b.Name {
				case "postgres":
					plan := explainPostgres(t, db, query)
					require.Contains(t, plan, "ticketkit_tickets_words_fts_idx", plan)
					require.Contains(t, plan, "ticketkit_messages_words_fts_idx", plan)
				case "sqlite":
					plan := explainSQLite(t, db, query)
					require.Regexp(t, `SCAN \S*ticketkit_tickets_words_fts VIRTUAL TABLE INDEX`, plan)
					require.Regexp(t, `SCAN \S*ticketkit_messages_words_fts VIRTUAL TABLE INDEX`, plan)
					require.NotRegexp(t, `(?m)^SCAN (m|x)$`, plan, "no scan of messages or tickets")
				case "mysql":
					plan := explainMySQLPlan(t, db, query)
					require.Regexp(t, `m key=ticketkit_messages_words_fts_idx type=fulltext`, plan)
					require.Regexp(t, `x key=ticketkit_tickets_subject_fts_idx type=fulltext`, plan)
					require.Regexp(t, `x key=ticketkit_tickets_description_fts_idx type=fulltext`, plan)
				}
			}
		})
	}
}

// On MySQL/MariaDB the words InnoDB does not index (shorter than 3
// characters, stop words) are left out of a query rather than make it
// find nothing; a query of only such words finds nothing. The other
// databases index every word.
func TestTicketListFullTextShortWords(t *testing.T) {
	t.Parallel()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			st := newStore(t, b.Open(t), bunstore.Config{})
			tv := sampleTicket("shop", "TK-1", "TV on the wall")
			kettle := sampleTicket("shop", "TK-2", "Kettle on the stove")
			require.NoError(t, st.RunInTx(t.Context(), func(ctx context.Context, tx storage.Tx) error {
				mustCreateTickets(t, tx, tv, kettle)
				return nil
			}))
			find := func(q string) int {
				t.Helper()
				res, err := st.TicketList(t.Context(), storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: "shop", Query: q}})
				require.NoError(t, err)
				return len(res.Tickets)
			}
			if b.Name == "mysql" {
				require.Equal(t, 1, find("tv wall"), "tv is left out")
				require.Equal(t, 1, find("the kettle"), "the is a stop word, left out")
				require.Equal(t, 0, find("tv on"), "nothing indexable: nothing found")
				return
			}
			require.Equal(t, 1, find("tv wall"))
			require.Equal(t, 0, find("tv kettle"))
			require.Equal(t, 2, find("the on"))
		})
	}
}

// mustCreateTickets stores tickets in tx.
func mustCreateTickets(t *testing.T, tx storage.Tx, tickets ...*ticket.Ticket) {
	t.Helper()
	for _, tk := range tickets {
		require.NoError(t, tx.TicketCreate(t.Context(), tk))
	}
}
