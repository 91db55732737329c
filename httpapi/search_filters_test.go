package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
)

// TestSearchFiltersOverTheWire lists the tickets about one order with GET /tickets?ref=kind:id on every store: repeated
// parameters match any, an ID keeps its colons and commas, a customer
// gets their own tickets only, and malformed or hostile values are
// answered 400 naming the parameter. GET /tickets?tag= does the same for
// tags, staff only, and ?updated_since= lists the tickets changed since a
// time, by updated_at.
func TestSearchFiltersOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, store)
			open := func(customer, refs string, tags ...string) string {
				t.Helper()
				tagsJSON, err := json.Marshal(tags)
				require.NoError(t, err)
				status, _, body := s.call(agent, http.MethodPost, "/tickets",
					`{"subject":"Kettle","customer":{"id":"`+customer+`"},"references":[`+refs+`],"tags":`+string(tagsJSON)+`}`, "")
				require.Equal(t, http.StatusCreated, status, body)
				var tk apiTicket
				require.NoError(t, json.Unmarshal([]byte(body), &tk))
				return tk.Number
			}
			mine := open("C-ADA", `{"kind":"order","id":"SO-1"}`, "vip")
			theirs := open("C-BOB", `{"kind":"order","id":"SO-1"},{"kind":"serial","id":"urn:sn:1,2"}`, "a,b")
			other := open("C-ADA", `{"kind":"order","id":"SO-2"}`)
			open("C-ADA", "")

			list := func(as actorT, query string) []string {
				t.Helper()
				status, _, body := s.call(as, http.MethodGet, "/tickets?"+query, "", "")
				require.Equal(t, http.StatusOK, status, body)
				var page struct {
					Tickets []apiTicket `json:"tickets"`
				}
				require.NoError(t, json.Unmarshal([]byte(body), &page))
				var out []string
				for _, tk := range page.Tickets {
					out = append(out, tk.Number)
				}
				return out
			}
			require.ElementsMatch(t, []string{mine, theirs}, list(agent, "ref=order:SO-1"))
			require.ElementsMatch(t, []string{mine, theirs, other}, list(agent, "ref=order:SO-1&ref=order:SO-2"))
			require.Equal(t, []string{theirs}, list(agent, "ref="+url.QueryEscape("serial:urn:sn:1,2")))
			require.Empty(t, list(agent, "ref="+url.QueryEscape("serial:urn:sn:1")))
			require.Equal(t, []string{mine}, list(ada, "ref=order:SO-1"), "a customer sees their own tickets only")
			require.ElementsMatch(t, []string{mine, theirs}, list(agent, "tag=vip&tag="+url.QueryEscape("a,b")))
			require.Empty(t, list(agent, "tag=a"), "a value is one tag, commas included")
			require.Equal(t, []string{theirs}, list(agent, "tag="+url.QueryEscape("a,b")+"&ref=order:SO-1"))
			// Incremental sync: every ticket changed since a time, oldest
			// change first (their creation, a moment apart).
			status, _, body := s.call(agent, http.MethodGet, "/tickets?sort=updated_at&limit=1&ref=order:SO-1", "", "")
			require.Equal(t, http.StatusOK, status, body)
			var first struct {
				Tickets []struct {
					UpdatedAt string `json:"updated_at"`
				} `json:"tickets"`
			}
			require.NoError(t, json.Unmarshal([]byte(body), &first))
			require.Len(t, first.Tickets, 1)
			since := url.QueryEscape(first.Tickets[0].UpdatedAt)
			require.Equal(t, []string{mine, theirs, other}, list(agent, "sort=updated_at&updated_since="+since+"&ref=order:SO-1&ref=order:SO-2"))
			require.Equal(t, []string{mine, other}, list(ada, "sort=updated_at&updated_since="+since+"&ref=order:SO-1&ref=order:SO-2"))

			for _, c := range []struct {
				as                 actorT
				query, field, rule string
			}{
				{agent, strings.Repeat("ref=order:X&", 101), "ref", "max"},
				{agent, strings.Repeat("tag=x&", 101), "tag", "max"},
				{agent, "tag=v%00", "tag[0]", "nul"},
				{agent, "tag=" + strings.Repeat("x", 51), "tag[0]", "max"},
				{ada, "tag=vip", "tag", "forbidden"},
				{ada, "ref=order:SO%00", "ref[0].id", "nul"},
				{agent, "ref=SO-1", "ref[0]", "format"},
				{agent, "ref=order:SO-1&ref=", "ref[1]", "format"},
				{agent, "ref=parcel:P-1", "ref[0].kind", "refkind"},
				{agent, "ref=order:", "ref[0].id", "required"},
				{agent, "ref=order:SO%00", "ref[0].id", "nul"},
				{agent, "ref=order:%FF", "ref[0].id", "utf8"},
				{agent, "ref=order:" + strings.Repeat("x", 201), "ref[0].id", "max"},
				{agent, "updated_since=yesterday", "updated_since", "datetime"},
				{agent, "updated_since=0000-01-01T00:00:00Z", "updated_since", "time_range"},
				{agent, "updated_since=2026-01-01T00:00:00Z&updated_since=2026-01-02T00:00:00Z", "updated_since", "repeated"},
			} {
				status, e, body := s.call(c.as, http.MethodGet, "/tickets?"+c.query, "", "")
				require.Equal(t, http.StatusBadRequest, status, "%s: %s", c.query[:min(len(c.query), 40)], body)
				require.NotEmpty(t, e.Errors, body)
				require.Equal(t, c.field, e.Errors[0].Field, body)
				require.Equal(t, c.rule, e.Errors[0].Rule, body)
			}
		})
	}
}
