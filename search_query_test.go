package ticketkit_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestDesk_SearchQuery finds tickets by the words of their subject,
// description and messages on every backend; a customer's search never
// matches a word that only an internal note holds, where an agent's
// does.
func TestDesk_SearchQuery(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		desk, _ := setupDesk(t, b)
		mine := mustOpen(t, desk, customer, ticketkit.OpenParams{Subject: "Toaster sparks", Category: ticket.CategoryProblem,
			Description: "Bought in March; the crumb tray is bent."})
		theirs := mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "Toaster late", Category: ticket.CategoryProblem,
			Customer: ticket.Customer{ID: "C-2"}})
		_, err := desk.AddNote(ctx, agent, ticketkit.MessageParams{TicketID: mine.ID, Body: "Supplier batch recalled: quietly replace."})
		require.NoError(t, err)
		_, err = desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: mine.ID, Body: "A courier collects it on Monday."})
		require.NoError(t, err)

		search := func(a ticketkit.Actor, q string) []string {
			t.Helper()
			res, err := desk.Search(ctx, a, ticketkit.SearchParams{Query: q, Count: true})
			require.NoError(t, err)
			require.Equal(t, len(res.Tickets), *res.Total, "count and page agree")
			return numbers(res.Tickets)
		}
		require.ElementsMatch(t, []string{mine.Number, theirs.Number}, search(agent, "toaster"))
		require.Equal(t, []string{mine.Number}, search(customer, "TOASTER"), "a customer sees their own tickets only")
		require.Equal(t, []string{mine.Number}, search(customer, "crumb courier"), "description and reply")
		require.Equal(t, []string{mine.Number}, search(agent, "recalled"), "staff search internal notes")
		require.Empty(t, search(customer, "recalled"), "a customer never matches a word of an internal note")
		require.Empty(t, search(customer, "recalled toaster"))
		require.Empty(t, search(agent, "toast"), "whole words only")
	})
}

// A query over the limits, with no word or with bytes no store keeps is
// refused with a *ValidationError naming "query", before any store is
// asked; a store without storage.FullTextStore fails the search rather
// than ignore the query.
func TestDesk_SearchQueryRefused(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	desk, _ := setupMemoryDesk(t)
	for name, q := range map[string]string{
		"OneMegabyte":  strings.Repeat("kettle ", 1<<20/7),
		"OverTheLimit": strings.Repeat("a", storage.QueryMaxBytes+1),
		"TooManyWords": manyWords(storage.QueryMaxWords + 1),
		"NoWord":       `"*" - + ( ) ~`,
		"NUL":          "kettle\x00broken",
		"BadUTF8":      "kettle \xff",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := desk.Search(ctx, agent, ticketkit.SearchParams{Query: q})
			var ve *ticket.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, []string{"query"}, fieldNames(ve))
		})
	}
	_, err := desk.Search(ctx, agent, ticketkit.SearchParams{Query: strings.Repeat("é", storage.QueryMaxBytes/2)})
	require.NoError(t, err, "the limit is in bytes: two-byte letters up to it pass")
	_, err = desk.Search(ctx, agent, ticketkit.SearchParams{Query: manyWords(storage.QueryMaxWords) + " " + manyWords(storage.QueryMaxWords)})
	require.NoError(t, err, "a repeated word counts once")

	plain, err := ticketkit.New(ticketkit.Config{Store: struct{ storage.Store }{memory.New()}})
	require.NoError(t, err)
	_, err = plain.Search(ctx, agent, ticketkit.SearchParams{Query: "kettle"})
	require.ErrorIs(t, err, ticketkit.ErrFullTextUnsupported)
	require.ErrorIs(t, err, storage.ErrUnsupported)
	_, err = plain.SLAReport(ctx, agent, ticketkit.SLAReportParams{SearchParams: ticketkit.SearchParams{Query: "kettle"}})
	require.ErrorIs(t, err, ticketkit.ErrFullTextUnsupported, "reports do not ignore the query either")
	_, err = plain.Search(ctx, agent, ticketkit.SearchParams{})
	require.NoError(t, err, "without a query the store is enough")
}

// manyWords returns n distinct words separated by spaces.
func manyWords(n int) string {
	words := make([]string, n)
	for i := range words {
		words[i] = fmt.Sprintf("word%d", i)
	}
	return strings.Join(words, " ")
}
