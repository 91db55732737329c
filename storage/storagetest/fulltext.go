package storagetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// fullText tests TicketFilter.Query of the optional
// [storage.FullTextStore] (see Features.FullText). Words are three
// letters or more and no stop word, which every backend indexes
// (MySQL's FULLTEXT leaves shorter ones and stop words out).
func (s suite) fullText(t *testing.T) {
	ctx := context.Background()
	// seed stores a ticket per text place: subject, description, a
	// customer's message, an agent's reply, an internal note; and one
	// ticket of another tenant holding every word.
	type seeded struct{ subject, description, message, reply, note, other *ticket.Ticket }
	seed := func(t *testing.T, st storage.Store) seeded {
		t.Helper()
		sd := seeded{
			subject:     newTicket(tenantA, func(tk *ticket.Ticket) { tk.Subject = "Kettle whistles loudly" }),
			description: newTicket(tenantA, func(tk *ticket.Ticket) { tk.Description = "The KETTLE's lid cracked; order 7781." }),
			message:     newTicket(tenantA),
			reply:       newTicket(tenantA),
			note:        newTicket(tenantA),
			other: newTicket(tenantB, func(tk *ticket.Ticket) {
				tk.Subject = "kettle toaster refund"
				tk.Description = "secretword whistles cracked 7781"
			}),
		}
		body := func(tk *ticket.Ticket, kind ticket.MessageKind, text string) *ticket.Message {
			m := newMessage(tk, kind, time.Minute)
			m.Body = text
			return m
		}
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			mustCreate(t, tx, sd.subject, sd.description, sd.message, sd.reply, sd.note, sd.other)
			for _, m := range []*ticket.Message{
				body(sd.message, ticket.MessageCustomer, "My toaster burns bread (model X-200)."),
				body(sd.reply, ticket.MessageReply, "A refund of the toaster is on its way."),
				body(sd.note, ticket.MessageNote, "Internal: customer is a secretword reseller, refund denied."),
			} {
				if err := tx.MessageCreate(ctx, m); err != nil {
					return err
				}
			}
			return nil
		}))
		return sd
	}
	find := func(t *testing.T, st storage.Store, f storage.TicketFilter) []string {
		t.Helper()
		if f.TenantID == "" {
			f.TenantID = tenantA
		}
		res, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: f, Limit: storage.MaxLimit})
		require.NoError(t, err)
		var got []string
		for _, tk := range res.Tickets {
			got = append(got, tk.ID)
		}
		if c, ok := st.(storage.TicketCounter); ok {
			n, err := c.TicketCount(ctx, storage.TicketCountParams{TicketFilter: f, Max: 100})
			require.NoError(t, err)
			require.Equal(t, len(got), n, "the count agrees with the list")
		}
		slices.Sort(got)
		return got
	}
	ids := func(tks ...*ticket.Ticket) []string {
		var out []string
		for _, tk := range tks {
			out = append(out, tk.ID)
		}
		slices.Sort(out)
		return out
	}
	t.Run("FindsWholeWordsInSubjectDescriptionAndMessagesIgnoringCase", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		sd := seed(t, st)
		require.Equal(t, ids(sd.subject, sd.description), find(t, st, storage.TicketFilter{Query: "KETTLE"}))
		require.Equal(t, ids(sd.message, sd.reply), find(t, st, storage.TicketFilter{Query: "toaster"}))
		require.Equal(t, ids(sd.description), find(t, st, storage.TicketFilter{Query: "7781"}))
		require.Equal(t, ids(sd.message), find(t, st, storage.TicketFilter{Query: "bread toaster"}), "every word must occur")
		require.Empty(t, find(t, st, storage.TicketFilter{Query: "kett"}), "whole words, not substrings")
		require.Empty(t, find(t, st, storage.TicketFilter{Query: "kettle toaster"}), "no ticket holds both")
	})
	t.Run("WordsMayComeFromDifferentPlacesOfOneTicket", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		sd := seed(t, st)
		require.Equal(t, ids(sd.message), find(t, st, storage.TicketFilter{Query: "espresso bread"}), "subject and message")
		require.Equal(t, ids(sd.note), find(t, st, storage.TicketFilter{Query: "coffee denied"}), "description and note")
	})
	t.Run("PublicSearchesLeaveInternalNotesOut", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		sd := seed(t, st)
		require.Equal(t, ids(sd.note), find(t, st, storage.TicketFilter{Query: "secretword"}))
		require.Empty(t, find(t, st, storage.TicketFilter{Query: "secretword", QueryPublic: true}))
		require.Equal(t, ids(sd.reply), find(t, st, storage.TicketFilter{Query: "refund", QueryPublic: true}))
		require.Equal(t, ids(sd.reply, sd.note), find(t, st, storage.TicketFilter{Query: "refund"}))
	})
	t.Run("StaysInTheTenantAndCombinesWithOtherFilters", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		sd := seed(t, st)
		require.Equal(t, ids(sd.other), find(t, st, storage.TicketFilter{TenantID: tenantB, Query: "kettle secretword"}))
		require.Empty(t, find(t, st, storage.TicketFilter{Query: "kettle", Statuses: []string{"closed"}}))
		require.Equal(t, ids(sd.subject), find(t, st, storage.TicketFilter{Query: "kettle", Number: sd.subject.Number}))
	})
	t.Run("FollowsUpdatesAndRollbacks", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		sd := seed(t, st)
		tk := sd.subject
		tk.Subject, tk.Description = "Grinder jammed", "beans stuck"
		tk.UpdatedAt = at(time.Hour)
		require.NoError(t, st.TicketUpdate(ctx, tk))
		require.Equal(t, ids(sd.description), find(t, st, storage.TicketFilter{Query: "kettle"}), "the old subject's words are gone")
		require.Equal(t, ids(tk), find(t, st, storage.TicketFilter{Query: "grinder beans"}))

		rolled := newTicket(tenantA, func(tk *ticket.Ticket) { tk.Subject = "Rolledback blender" })
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			mustCreate(t, tx, rolled)
			m := newMessage(sd.message, ticket.MessageCustomer, time.Hour)
			m.Body = "rolledback message"
			require.NoError(t, tx.MessageCreate(ctx, m))
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		require.Empty(t, find(t, st, storage.TicketFilter{Query: "rolledback"}), "a rolled back write leaves no word behind")
	})
	t.Run("PrefixMatchesTheLastWordOnly", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		sd := seed(t, st)
		require.Equal(t, ids(sd.subject, sd.description), find(t, st, storage.TicketFilter{Query: "KETT", QueryPrefix: true}))
		require.Equal(t, ids(sd.subject), find(t, st, storage.TicketFilter{Query: "kettle whist", QueryPrefix: true}))
		require.Empty(t, find(t, st, storage.TicketFilter{Query: "kett whistles", QueryPrefix: true}), "only the last word")
		require.Empty(t, find(t, st, storage.TicketFilter{Query: "kett"}), "no prefix unless asked")
		require.Equal(t, ids(sd.message, sd.reply), find(t, st, storage.TicketFilter{Query: "toast*", QueryPrefix: true}))
		require.Empty(t, find(t, st, storage.TicketFilter{Query: "secretw", QueryPrefix: true, QueryPublic: true}))
	})
	t.Run("LongBodiesAndOddLettersAreIndexed", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		sd := seed(t, st)
		// The longest body the Desk accepts (100,000 characters), of
		// distinct words and 4-byte characters, then words in other
		// scripts.
		var b strings.Builder
		for i := 0; b.Len() < 90_000; i++ {
			fmt.Fprintf(&b, "w%d 😀 ", i)
		}
		b.WriteString("Größe überprüfen 東京駅 naïve lastword")
		m := newMessage(sd.message, ticket.MessageCustomer, time.Hour)
		m.Body = b.String()
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error { return tx.MessageCreate(ctx, m) }))
		require.Equal(t, ids(sd.message), find(t, st, storage.TicketFilter{Query: "w1234 lastword"}))
		require.Equal(t, ids(sd.message), find(t, st, storage.TicketFilter{Query: "größe ÜBERPRÜFEN"}))
		require.Equal(t, ids(sd.message), find(t, st, storage.TicketFilter{Query: "東京駅"}))
		require.Equal(t, ids(sd.message), find(t, st, storage.TicketFilter{Query: "naïve"}))
	})
	t.Run("OperatorsAndSQLAreLiteralText", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		sd := seed(t, st)
		for _, q := range []string{
			`"kettle`, `kettle*`, `"kettle"*`, `+kettle`, `(kettle`, `kettle)`, `kettle\`, `kettle%`, `kettle_`,
			`{kettle}`, `kettle:`, `kettle^`, `kettle~`, `@kettle`, `'kettle'`, `kettle;`, "kettle\t\n",
		} {
			require.Equal(t, ids(sd.subject, sd.description), find(t, st, storage.TicketFilter{Query: q}), "query %q", q)
		}
		require.Equal(t, ids(sd.subject), find(t, st, storage.TicketFilter{Query: "-whistles kettle"}), "- does not exclude")
		for _, q := range []string{
			"kettle NEAR toaster", "kettle AND toaster", `kettle" OR "toaster`, "NEAR(kettle toaster)",
			"kettle'; DROP TABLE tickets; --", `kettle" -"toaster`,
		} {
			require.Empty(t, find(t, st, storage.TicketFilter{Query: q}), "query %q: no ticket holds every word", q)
		}
		require.Empty(t, find(t, st, storage.TicketFilter{Query: strings.Repeat("*", 10)}), "no word finds nothing")
		require.Len(t, find(t, st, storage.TicketFilter{}), 5, "the tables are still there")
	})
}
