package ticketkit_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var admin = ticketkit.Actor{ID: "dpo", Role: ticket.RoleAdmin, TenantID: "acme"}

// secrets are what the erased customer's data holds; none may be read
// back after the erasure.
var secrets = []string{"Jane", "Secret", "jane@secret.example", "+33612345678", "JSECRET", "PASSPORT", "passport.pdf", "Rue Cachée", "ORD-77"}

// requireNoSecret fails when s holds any of secrets, ignoring case.
func requireNoSecret(t *testing.T, what, s string) {
	t.Helper()
	for _, x := range secrets {
		require.NotContains(t, strings.ToLower(s), strings.ToLower(x), "%s holds %q", what, x)
	}
}

func TestDesk_EraseCustomer(t *testing.T) {
	t.Parallel()
	noNotifier := func(c *ticketkit.Config) { c.Notifier = nil }
	// seed opens two tickets of customer C-1, full of personal data, and
	// one of C-2.
	seed := func(t *testing.T, desk *ticketkit.Desk, st storage.Store) (erased []*ticket.Ticket, kept *ticket.Ticket) {
		t.Helper()
		ctx := t.Context()
		jane := ticket.Customer{ID: "C-1", Name: "Jane Secret", Email: "jane@secret.example", Mobile: "+33612345678"}
		for i := range 2 {
			tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "JSECRET kettle " + string(rune('A'+i)),
				Description: "Jane lives at Rue Cachée", Customer: jane,
				References: []ticket.Reference{{Kind: "order", ID: "ORD-77"}}})
			_, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "Dear Jane Secret, send your PASSPORT",
				Attachments: []ticketkit.AttachmentInput{{Name: "passport.pdf", Content: strings.NewReader("PASSPORT scan")}}})
			require.NoError(t, err)
			subject := "JSECRET kettle, Jane's second try"
			_, err = desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: tk.ID, Subject: &subject})
			require.NoError(t, err)
			tk = mustMove(t, desk, agent, tk.ID, "in_progress", "")
			require.NoError(t, st.(storage.InboundStore).InboundRecord(ctx, storage.InboundRecordParams{
				TenantID: tk.TenantID, Key: "<" + tk.ID + "@secret.example>", TicketID: tk.ID, At: t0}))
			erased = append(erased, tk)
		}
		kept = mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "Other kettle",
			Customer: ticket.Customer{ID: "C-2", Name: "Bob", Email: "bob@example.com"}})
		return erased, kept
	}

	// NothingOfTheCustomerCanBeReadBack: searches, tickets, messages,
	// history, outbox payloads and attachments of the erased customer
	// hold none of their data; statistics and the other customer's
	// ticket are intact; a tombstone says who erased how much.
	t.Run("NothingOfTheCustomerCanBeReadBack", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, bundle := setupDesk(t, b, noNotifier)
			ctx := t.Context()
			erased, kept := seed(t, desk, bundle.store)
			var keys []string
			for _, tk := range erased {
				page, err := desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: tk.ID})
				require.NoError(t, err)
				for _, m := range page.Messages {
					for _, a := range m.Attachments {
						keys = append(keys, a.Key)
					}
				}
			}
			require.Len(t, keys, 2)

			res, err := desk.EraseCustomer(ctx, admin, ticketkit.EraseCustomerParams{CustomerID: "C-1", Reason: "DSR-1"})
			require.NoError(t, err)
			e := res.Erasure
			require.Equal(t, []any{"acme", "C-1", "dpo", "admin", t0, "DSR-1", 2, 2, 2, 2}, []any{e.TenantID, e.CustomerID, e.ActorID, e.ActorRole, e.At, e.Reason, e.Tickets, e.Messages, e.Attachments, e.Inbound})
			require.Positive(t, e.Events)
			require.Positive(t, e.Outbox)
			tombs, err := desk.Erasures(ctx, admin, "C-1")
			require.NoError(t, err)
			require.Len(t, tombs, 1)
			require.Equal(t, e, *tombs[0])

			for _, p := range []ticketkit.SearchParams{{Text: "jsecret"}, {CustomerEmail: "jane@secret.example"},
				{CustomerMobile: "+33612345678"}, {Text: "kettle"}} {
				got, err := desk.Search(ctx, agent, p)
				require.NoError(t, err)
				for _, tk := range got.Tickets {
					require.Equal(t, kept.ID, tk.ID, "search %+v finds only the other customer", p)
				}
			}
			for i, tk := range erased {
				got, err := desk.Get(ctx, agent, tk.ID)
				require.NoError(t, err)
				raw, err := json.Marshal(got)
				require.NoError(t, err)
				requireNoSecret(t, "ticket", string(raw))
				require.Equal(t, ticketkit.ErasedSubject, got.Subject)
				require.Equal(t, "C-1", got.Customer.ID)
				require.Equal(t, []any{tk.Number, tk.Status, tk.Priority, tk.CreatedAt}, []any{got.Number, got.Status, got.Priority, got.CreatedAt}, "statistics stay")

				page, err := desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: tk.ID})
				require.NoError(t, err)
				require.Len(t, page.Messages, 1, "the message stays, its content goes")
				raw, err = json.Marshal(page.Messages)
				require.NoError(t, err)
				requireNoSecret(t, "messages", string(raw))

				hist, err := desk.History(ctx, agent, tk.ID)
				require.NoError(t, err)
				raw, err = json.Marshal(hist)
				require.NoError(t, err)
				requireNoSecret(t, "history", string(raw))
				require.Contains(t, fieldsOf(hist), ticket.FieldStatus)

				_, err = bundle.store.(storage.InboundStore).InboundGet(ctx, storage.InboundGetParams{TenantID: tk.TenantID, Key: "<" + tk.ID + "@secret.example>"})
				require.ErrorIs(t, err, storage.ErrNotFound)
				_, _, err = desk.OpenAttachment(ctx, agent, tk.ID, "any")
				require.ErrorIs(t, err, ticketkit.ErrNotFound)
				_, err = bundle.blobs.Open(ctx, keys[i])
				require.Error(t, err, "the attachment's content is deleted")
			}
			// Outbox: the erased tickets' entries are dead, their payloads
			// empty; the other ticket's are pending and whole.
			dead, err := bundle.store.OutboxDeadList(ctx, storage.OutboxDeadListParams{TenantID: "acme", Limit: storage.MaxLimit})
			require.NoError(t, err)
			require.Len(t, dead, e.Outbox)
			for _, d := range dead {
				requireNoSecret(t, "outbox payload", string(d.Payload))
			}
			pending := outboxEvents(t, bundle.store)
			require.NotEmpty(t, pending)
			for _, ev := range pending {
				require.Equal(t, kept.ID, ev.Ticket.ID)
			}
			got, err := desk.Get(ctx, agent, kept.ID)
			require.NoError(t, err)
			require.Equal(t, "Bob", got.Customer.Name)
		})
	})

	t.Run("OnlyAdminsMayErase", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setupDesk(t, memoryBackend(), noNotifier)
		erased, _ := seed(t, desk, bundle.store)
		for _, a := range []ticketkit.Actor{agent, super, customer} {
			_, err := desk.EraseCustomer(t.Context(), a, ticketkit.EraseCustomerParams{CustomerID: "C-1"})
			require.ErrorIs(t, err, ticketkit.ErrForbidden, "%s", a.Role)
		}
		_, err := desk.EraseCustomer(t.Context(), admin, ticketkit.EraseCustomerParams{})
		var v *ticketkit.ValidationError
		require.ErrorAs(t, err, &v)
		require.Equal(t, "customer_id", v.Fields[0].Field)
		got, err := desk.Get(t.Context(), agent, erased[0].ID)
		require.NoError(t, err)
		require.Equal(t, "Jane Secret", got.Customer.Name, "nothing erased")
	})

	t.Run("AnotherTenantsCustomerIsUntouched", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setupDesk(t, memoryBackend(), noNotifier)
		erased, _ := seed(t, desk, bundle.store)
		globexAdmin := ticketkit.Actor{ID: "dpo", Role: ticket.RoleAdmin, TenantID: "globex"}
		res, err := desk.EraseCustomer(t.Context(), globexAdmin, ticketkit.EraseCustomerParams{CustomerID: "C-1"})
		require.NoError(t, err)
		require.Zero(t, res.Erasure.Tickets)
		got, err := desk.Get(t.Context(), agent, erased[0].ID)
		require.NoError(t, err)
		require.Equal(t, "Jane Secret", got.Customer.Name)
	})

	t.Run("AStoreWithoutEraserIsUnsupported", func(t *testing.T) {
		t.Parallel()
		desk, err := ticketkit.New(ticketkit.Config{Store: struct{ storage.Store }{memoryBackend().Open(t)}})
		require.NoError(t, err)
		_, err = desk.EraseCustomer(t.Context(), admin, ticketkit.EraseCustomerParams{CustomerID: "C-1"})
		require.ErrorIs(t, err, ticketkit.ErrErasureUnsupported)
	})
}

func TestDesk_ExportCustomer(t *testing.T) {
	t.Parallel()
	// ExportsEveryTicketMessageFileAndHistoryLineAsJSON, of that customer
	// only; after an erasure the export holds none of the data.
	t.Run("ExportsEveryTicketMessageFileAndHistoryLineAsJSON", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, _ := setupDesk(t, b, func(c *ticketkit.Config) { c.Notifier = nil })
			ctx := t.Context()
			jane := ticket.Customer{ID: "C-1", Name: "Jane Secret", Email: "jane@secret.example"}
			var opened []string
			for range 2 {
				tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "JSECRET kettle", Customer: jane})
				_, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "Dear Jane",
					Attachments: []ticketkit.AttachmentInput{{Name: "passport.pdf", ContentType: "application/pdf", Content: strings.NewReader("PASSPORT scan")}}})
				require.NoError(t, err)
				opened = append(opened, tk.ID)
			}
			mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "Other", Customer: ticket.Customer{ID: "C-2", Name: "Bob"}})

			exp, err := desk.ExportCustomer(ctx, admin, ticketkit.ExportCustomerParams{CustomerID: "C-1"})
			require.NoError(t, err)
			raw, err := json.Marshal(exp)
			require.NoError(t, err)
			var back ticketkit.CustomerExport
			require.NoError(t, json.Unmarshal(raw, &back))
			require.Equal(t, "C-1", back.CustomerID)
			require.Equal(t, t0, back.ExportedAt)
			var got []string
			for _, et := range back.Tickets {
				got = append(got, et.Ticket.ID)
				require.Equal(t, "Jane Secret", et.Ticket.Customer.Name)
				require.Len(t, et.Messages, 1)
				require.Equal(t, "Dear Jane", et.Messages[0].Body)
				require.Len(t, et.Messages[0].Files, 1)
				f := et.Messages[0].Files[0]
				require.Equal(t, []any{"passport.pdf", "application/pdf", "PASSPORT scan"}, []any{f.Name, f.ContentType, string(f.Content)})
				require.Contains(t, fieldsOf(et.History), ticket.FieldCreated)
			}
			require.ElementsMatch(t, opened, got, "the customer's tickets only")

			_, err = desk.EraseCustomer(ctx, admin, ticketkit.EraseCustomerParams{CustomerID: "C-1"})
			require.NoError(t, err)
			exp, err = desk.ExportCustomer(ctx, admin, ticketkit.ExportCustomerParams{CustomerID: "C-1"})
			require.NoError(t, err)
			require.Len(t, exp.Tickets, 2, "the tickets stay, for statistics")
			raw, err = json.Marshal(exp.Tickets)
			require.NoError(t, err)
			requireNoSecret(t, "export after erasure", string(raw))
		})
	})
	t.Run("OnlyAdminsMayExport", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupDesk(t, memoryBackend())
		for _, a := range []ticketkit.Actor{agent, customer} {
			_, err := desk.ExportCustomer(t.Context(), a, ticketkit.ExportCustomerParams{CustomerID: "C-1"})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
		}
	})
}
