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

// TestSearchQueryOverTheWire finds tickets by the words of their
// messages (?search=) on every store: an agent finds a word of an
// internal note, the customer does not; operators are plain text; a
// query over the limit is answered 400 naming "search".
func TestSearchQueryOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, store)
			status, _, body := s.call(agent, http.MethodPost, "/tickets", `{"subject":"Kettle","description":"The lid cracked","customer":{"id":"C-ADA"}}`, "")
			require.Equal(t, http.StatusCreated, status, body)
			var tk apiTicket
			require.NoError(t, json.Unmarshal([]byte(body), &tk))
			status, _, body = s.call(agent, http.MethodPost, "/tickets/"+tk.ID+"/messages", `{"kind":"note","body":"Warranty void: dropped"}`, "")
			require.Equal(t, http.StatusCreated, status, body)

			find := func(as actorT, q string) int {
				t.Helper()
				status, _, body := s.call(as, http.MethodGet, "/tickets?search="+url.QueryEscape(q), "", "")
				require.Equal(t, http.StatusOK, status, body)
				var p struct {
					Tickets []apiTicket `json:"tickets"`
				}
				require.NoError(t, json.Unmarshal([]byte(body), &p))
				return len(p.Tickets)
			}
			require.Equal(t, 1, find(agent, "warranty"))
			require.Equal(t, 0, find(ada, "warranty"), "a customer never matches an internal note's word")
			require.Equal(t, 1, find(ada, `"cracked" -lid`), "operators are plain text")
			require.Equal(t, 0, find(agent, "crack"), "whole words")
			status, _, body = s.call(ada, http.MethodGet, "/tickets?search=lid+crack&search_prefix=true", "", "")
			require.Equal(t, http.StatusOK, status, body)
			require.Contains(t, body, tk.ID, "the last word as a prefix")

			status, _, body = s.call(agent, http.MethodGet, "/tickets?search="+strings.Repeat("kettle+", 1000), "", "")
			require.Equal(t, http.StatusBadRequest, status, body)
			require.Contains(t, body, `"search"`)
		})
	}
}
