package ticketkit_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// The data of the erased customer of TestEraseCustomerLeavesNothing.
var janeTexts = []string{"jane@secret.example", "Jane Secret", "+33612345678"}

// seedJane opens tickets of customer C-1 and leaves her data everywhere
// a help desk keeps it: subject, description, a reply, a complaint
// document with comments, lines and a file, CC watchers (on her ticket
// and on Bob's), a rating comment, a time entry note and a stored HTTP
// response. It returns Bob's ticket.
func seedJane(t *testing.T, desk *ticketkit.Desk, st storage.Store) *ticket.Ticket {
	t.Helper()
	ctx := t.Context()
	jane := ticket.Customer{ID: "C-1", Name: "Jane Secret", Email: "jane@secret.example", Mobile: "+33612345678"}
	var mine []*ticket.Ticket
	for i := range 2 {
		tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "Jane Secret's kettle", Description: "call +33612345678",
			Customer: jane, Contacts: []ticket.Contact{{Name: "Jane Secret", Email: "jane@secret.example"}}})
		_, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: fmt.Sprintf("Dear Jane Secret (%d)", i),
			Attachments: []ticketkit.AttachmentInput{{Name: "jane.pdf", Content: strings.NewReader("scan")}}})
		require.NoError(t, err)
		mine = append(mine, tk)
	}
	bob := mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "Bob's pot", Customer: ticket.Customer{ID: "C-2", Name: "Bob", Email: "bob@example.com"}})

	c := &ticket.Complaint{Ticket: *mine[1], Details: ticket.ComplaintDetails{IssuedAt: t0, RemedySought: ticket.RemedyKind("refund"),
		Accounting:  ticket.Accounting{Counterparty: "Jane Secret", Contract: "jane@secret.example"},
		Lines:       []ticket.ComplaintLine{{No: 1, Product: "K-1", Description: "Jane Secret's kettle", Note: "+33612345678"}},
		Comments:    []ticket.Comment{{Author: "agent-1", Text: "jane@secret.example called", At: t0}},
		Attachments: []ticket.ComplaintAttachment{{Attachment: ticket.Attachment{ID: ids.New(), Name: "receipt.pdf", Key: "complaint-blob"}}}}}
	require.NoError(t, st.(storage.ComplaintStore).ComplaintCreate(ctx, c))
	for _, w := range []*ticket.Watcher{
		{TenantID: "acme", TicketID: mine[0].ID, Kind: ticket.WatcherCC, Key: "jane.sister@example.com", CreatedAt: t0},
		{TenantID: "acme", TicketID: bob.ID, Kind: ticket.WatcherCC, Key: "jane@secret.example", CreatedAt: t0},
	} {
		require.NoError(t, st.(storage.WatcherStore).WatcherAdd(ctx, w))
	}
	require.NoError(t, st.(storage.RatingStore).RatingAdd(ctx, &ticket.Rating{TenantID: "acme", TicketID: mine[0].ID, Score: 2,
		Comment: "I am Jane Secret and I am cross", CustomerID: "C-1", CreatedAt: t0}))
	require.NoError(t, st.(storage.TimeEntryStore).TimeEntryAdd(ctx, &ticket.TimeEntry{ID: ids.New(), TenantID: "acme", TicketID: mine[0].ID,
		AgentID: "agent-1", Duration: time.Hour, Note: "phoned +33612345678", Date: t0, CustomerID: "C-1", CreatedAt: t0}))
	is := st.(storage.IdempotencyStore)
	for key, body := range map[string]string{"k-jane": `{"customer":{"email":"JANE@secret.example"}}`, "k-bob": `{"customer":{"email":"bob@example.com"}}`} {
		_, err := is.IdempotencyClaim(ctx, storage.IdempotencyClaimParams{TenantID: "acme", Key: key, RequestHash: "h", At: t0, ExpiresAt: t0.Add(24 * time.Hour)})
		require.NoError(t, err)
		require.NoError(t, is.IdempotencyComplete(ctx, storage.IdempotencyCompleteParams{TenantID: "acme", Key: key, At: t0, Status: 201, Response: []byte(body)}))
	}
	return bob
}

// TestEraseCustomerLeavesNothing erases a customer whose data is
// everywhere, then reads every text column of every table of the
// database (listed from its catalog) for her email, name and mobile.
func TestEraseCustomerLeavesNothing(t *testing.T) {
	t.Parallel()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db := b.Open(t)
			store, err := bunstore.New(db, bunstore.Config{})
			require.NoError(t, err)
			require.NoError(t, store.Migrate(ctx))
			desk, err := ticketkit.New(ticketkit.Config{Store: store, Clock: clock.NewFake(t0), Blobs: blob.NewMemory(blob.Config{MaxSize: 1024})})
			require.NoError(t, err)
			seedJane(t, desk, store)
			require.NotEmpty(t, findTexts(t, b.Name, db, janeTexts), "the scan finds the seeded data")

			res, err := desk.EraseCustomer(ctx, admin, ticketkit.EraseCustomerParams{CustomerID: "C-1", Reason: "DSR-2"})
			require.NoError(t, err)
			require.Equal(t, 1, res.Complaints)
			require.Equal(t, storage.CustomerTracesResult{Watchers: 2, Ratings: 1, TimeEntries: 1, Idempotency: 1}, res.Traces)
			require.Contains(t, res.BlobKeys, "complaint-blob")
			require.Empty(t, findTexts(t, b.Name, db, janeTexts), "nothing of the customer is left in any column")
			require.NotEmpty(t, findTexts(t, b.Name, db, []string{"bob@example.com"}), "the other customer's data stays")
		})
	}
}

// TestEraseCustomerTraces_Memory checks the same erasure on the memory
// store through its reads.
func TestEraseCustomerTraces_Memory(t *testing.T) {
	t.Parallel()
	desk, bundle := setupDesk(t, memoryBackend(), func(c *ticketkit.Config) { c.Notifier = nil })
	ctx := t.Context()
	bob := seedJane(t, desk, bundle.store)
	res, err := desk.EraseCustomer(ctx, admin, ticketkit.EraseCustomerParams{CustomerID: "C-1"})
	require.NoError(t, err)
	require.Equal(t, 1, res.Complaints)
	require.Equal(t, storage.CustomerTracesResult{Watchers: 2, Ratings: 1, TimeEntries: 1, Idempotency: 1}, res.Traces)
	ws, err := bundle.store.(storage.WatcherStore).WatcherList(ctx, storage.WatcherListParams{TenantID: "acme", TicketIDs: []string{bob.ID}})
	require.NoError(t, err)
	require.Empty(t, ws, "her address is no longer CC on Bob's ticket")
	list, err := bundle.store.(storage.ComplaintStore).ComplaintList(ctx, storage.ComplaintListParams{ComplaintFilter: storage.ComplaintFilter{TenantID: "acme"}})
	require.NoError(t, err)
	require.Len(t, list.Complaints, 1)
	d := list.Complaints[0].Details
	require.Equal(t, []any{"", "", "", ticketkit.ErasedSubject, 0}, []any{d.Accounting.Counterparty, d.Lines[0].Description, d.Lines[0].Note, d.Comments[0].Text, len(d.Attachments)})
	require.Equal(t, "K-1", d.Lines[0].Product, "products stay, for statistics")
}

// TestEraseCustomerTx_HostRollsBack: a host that rolls back its own
// transaction around EraseCustomerTx erases nothing and leaves no
// tombstone.
func TestEraseCustomerTx_HostRollsBack(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		desk, bundle := setupDesk(t, b, func(c *ticketkit.Config) { c.Notifier = nil })
		ctx := t.Context()
		seedJane(t, desk, bundle.store)
		errHost := fmt.Errorf("host changed its mind")
		err := bundle.store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			res, err := desk.EraseCustomerTx(ctx, tx, admin, ticketkit.EraseCustomerParams{CustomerID: "C-1"})
			require.NoError(t, err)
			require.Equal(t, 2, res.Erasure.Tickets)
			return errHost
		})
		require.ErrorIs(t, err, errHost)
		tombs, err := desk.Erasures(ctx, admin, "C-1")
		require.NoError(t, err)
		require.Empty(t, tombs)
		got, err := desk.Search(ctx, agent, ticketkit.SearchParams{CustomerEmail: "jane@secret.example"})
		require.NoError(t, err)
		require.Len(t, got.Tickets, 2, "her tickets are intact")
		for _, tk := range got.Tickets {
			require.Equal(t, "Jane Secret", tk.Customer.Name)
		}
		ws, err := bundle.store.(storage.WatcherStore).WatcherList(ctx, storage.WatcherListParams{TenantID: "acme", TicketIDs: []string{got.Tickets[0].ID, got.Tickets[1].ID}})
		require.NoError(t, err)
		require.Len(t, ws, 1, "the CC watcher stays")
		r, err := bundle.store.(storage.RatingStore).RatingGet(ctx, storage.RatingGetParams{TenantID: "acme", TicketID: ws[0].TicketID})
		require.NoError(t, err)
		require.Contains(t, r.Comment, "Jane Secret")
	})
}

// findTexts returns "table.column" for every text column of every table
// of db's current schema that holds one of texts, case-insensitively.
func findTexts(t *testing.T, backend string, db *bun.DB, texts []string) []string {
	t.Helper()
	ctx := context.Background()
	type col struct{ Table, Column string }
	var cols []col
	switch backend {
	case "postgres":
		require.NoError(t, db.NewRaw(`SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
			WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'bytea')`).Scan(ctx, &cols))
	case "mysql":
		require.NoError(t, db.NewRaw("SELECT table_name AS `table`, column_name AS `column` FROM information_schema.columns"+
			" WHERE table_schema = database() AND data_type IN ('text', 'mediumtext', 'longtext', 'varchar', 'json', 'blob', 'mediumblob', 'longblob', 'varbinary')").Scan(ctx, &cols))
	default:
		var tables []string
		require.NoError(t, db.NewRaw(`SELECT name FROM sqlite_master WHERE type = 'table'`).Scan(ctx, &tables))
		for _, tb := range tables {
			var names []string
			require.NoError(t, db.NewRaw(`SELECT name FROM pragma_table_info(?)`, tb).Scan(ctx, &names))
			for _, n := range names {
				cols = append(cols, col{tb, n})
			}
		}
	}
	require.NotEmpty(t, cols)
	var found []string
	for _, c := range cols {
		var expr string
		switch {
		case backend == "postgres":
			expr = "lower(?::text)"
			var typ string
			require.NoError(t, db.NewRaw(`SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?`, c.Table, c.Column).Scan(ctx, &typ))
			if typ == "bytea" {
				expr = "lower(convert_from(?, 'UTF8'))"
			}
		case backend == "mysql":
			expr = "LOWER(CONVERT(? USING utf8mb4))"
		default:
			expr = "lower(CAST(? AS TEXT))"
		}
		for _, text := range texts {
			var n int
			err := db.NewRaw("SELECT count(*) FROM ? WHERE "+strings.Replace(expr, "?", "?", 1)+" LIKE ?",
				bun.Ident(c.Table), bun.Ident(c.Column), "%"+strings.ToLower(text)+"%").Scan(ctx, &n)
			require.NoError(t, err, "%s.%s", c.Table, c.Column)
			if n > 0 {
				found = append(found, fmt.Sprintf("%s.%s holds %q", c.Table, c.Column, text))
			}
		}
	}
	return found
}
