package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
)

// TestSearchSortsAndCountsOverTheWire sorts GET /tickets by status in
// the catalog's order ("closed" after "open") and by SLA due time, finds
// tickets by the start of their number (?number_prefix=), and counts
// them (?count=true) on every store; a bad sort is answered 400.
func TestSearchSortsAndCountsOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, store)
			var numbers []string
			var ids []string
			for range 3 {
				status, _, body := s.call(agent, http.MethodPost, "/tickets", `{"subject":"Kettle","customer":{"id":"C-ADA"}}`, "")
				require.Equal(t, http.StatusCreated, status, body)
				var tk apiTicket
				require.NoError(t, json.Unmarshal([]byte(body), &tk))
				numbers, ids = append(numbers, tk.Number), append(ids, tk.ID)
			}
			status, _, body := s.call(agent, http.MethodPost, "/tickets/"+ids[0]+"/transitions", `{"to":"closed","reason":"done"}`, "")
			require.Equal(t, http.StatusOK, status, body)

			type page struct {
				Tickets []apiTicket `json:"tickets"`
				Total   *int        `json:"total"`
				Capped  bool        `json:"total_capped"`
			}
			get := func(query string) page {
				t.Helper()
				status, _, body := s.call(agent, http.MethodGet, "/tickets?"+query, "", "")
				require.Equal(t, http.StatusOK, status, body)
				var p page
				require.NoError(t, json.Unmarshal([]byte(body), &p))
				return p
			}
			var order []string
			for _, tk := range get("sort=status").Tickets {
				order = append(order, tk.Number)
			}
			require.Equal(t, []string{numbers[1], numbers[2], numbers[0]}, order, "open before closed, as the catalog lists them")
			require.Len(t, get("sort=sla_due").Tickets, 3)

			p := get("number_prefix=" + url.QueryEscape(numbers[2]) + "&count=true")
			require.Len(t, p.Tickets, 1)
			require.Equal(t, numbers[2], p.Tickets[0].Number)
			require.NotNil(t, p.Total)
			require.Equal(t, 1, *p.Total)
			p = get("count=true&limit=1")
			require.Len(t, p.Tickets, 1)
			require.Equal(t, 3, *p.Total, "the count covers every page")
			require.False(t, p.Capped)
			require.Nil(t, get("limit=1").Total, "no count unless asked")

			status, _, body = s.call(agent, http.MethodGet, "/tickets?sort=alphabet", "", "")
			require.Equal(t, http.StatusBadRequest, status, body)
			require.Contains(t, body, "sort")
		})
	}
}
