package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
)

// labelled is what TestLabelsNextToCodes reads of a ticket.
type labelled struct {
	ID              string `json:"id"`
	Status          string `json:"status"`
	StatusLabel     string `json:"status_label"`
	Priority        string `json:"priority"`
	PriorityLabel   string `json:"priority_label"`
	Department      string `json:"department"`
	DepartmentLabel string `json:"department_label"`
	Channel         string `json:"channel"`
	ChannelLabel    string `json:"channel_label"`
}

// TestLabelsNextToCodes checks, on every store, that tickets, ticket
// lists and history lines carry next to each code its label in the
// reader's language (Accept-Language), in English and French, for staff
// and customers alike.
func TestLabelsNextToCodes(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, store)
			status, _, body := s.call(agent, http.MethodPost, "/tickets",
				`{"subject":"Kettle","department":"service","channel":"manual","customer":{"id":"C-ADA"}}`, "")
			require.Equal(t, http.StatusCreated, status, body)
			var tk labelled
			require.NoError(t, json.Unmarshal([]byte(body), &tk))
			require.Equal(t, labelled{ID: tk.ID, Status: "open", StatusLabel: "Open", Priority: "normal", PriorityLabel: "Normal",
				Department: "service", DepartmentLabel: "After-sales service", Channel: "manual", ChannelLabel: "Manual entry"}, tk)
			status, _, body = s.call(agent, http.MethodPost, "/tickets/"+tk.ID+"/transitions", `{"to":"in_progress"}`, "")
			require.Equal(t, http.StatusOK, status, body)
			status, _, body = s.call(agent, http.MethodPost, "/tickets/"+tk.ID+"/messages", `{"body":"On it.","type":"problem"}`, "")
			require.Equal(t, http.StatusCreated, status, body)
			require.Contains(t, body, `"type_label":"Problem"`)

			for _, tc := range []struct {
				lang string
				want labelled
				// old and new are the labels of the status line, kind the
				// message type's.
				old, new, kind string
			}{
				{"en", labelled{StatusLabel: "In progress", PriorityLabel: "Normal", DepartmentLabel: "After-sales service", ChannelLabel: "Manual entry"}, "Open", "In progress", "Problem"},
				{"fr-FR,fr;q=0.9", labelled{StatusLabel: "En cours", PriorityLabel: "Normale", DepartmentLabel: "SAV", ChannelLabel: "Saisie manuelle"}, "Ouvert", "En cours", "Problème"},
			} {
				for _, as := range []actorT{agent, ada} {
					var got labelled
					res := s.getLang(t, as, "/tickets/"+tk.ID, tc.lang)
					require.Contains(t, res.Header.Values("Vary"), "Accept-Language")
					decodeBody(t, res, &got)
					requireLabels(t, tc.want, got, tc.lang)

					var page struct {
						Tickets []labelled `json:"tickets"`
					}
					decodeBody(t, s.getLang(t, as, "/tickets", tc.lang), &page)
					require.Len(t, page.Tickets, 1)
					requireLabels(t, tc.want, page.Tickets[0], tc.lang)

					var history struct {
						Events []struct {
							Field    string `json:"field"`
							Old      string `json:"old"`
							New      string `json:"new"`
							OldLabel string `json:"old_label"`
							NewLabel string `json:"new_label"`
						} `json:"events"`
					}
					decodeBody(t, s.getLang(t, as, "/tickets/"+tk.ID+"/history", tc.lang), &history)
					var line []string
					for _, e := range history.Events {
						if e.Field == "status" {
							line = []string{e.Old, e.OldLabel, e.New, e.NewLabel}
						}
					}
					require.Equal(t, []string{"open", tc.old, "in_progress", tc.new}, line, "%s as %s", tc.lang, as.Role)

					var msgs struct {
						Messages []struct {
							Type      string `json:"type"`
							TypeLabel string `json:"type_label"`
						} `json:"messages"`
					}
					decodeBody(t, s.getLang(t, as, "/tickets/"+tk.ID+"/messages", tc.lang), &msgs)
					require.Len(t, msgs.Messages, 1)
					require.Equal(t, "problem", msgs.Messages[0].Type)
					require.Equal(t, tc.kind, msgs.Messages[0].TypeLabel, tc.lang)
				}
			}
		})
	}
}

func requireLabels(t *testing.T, want, got labelled, lang string) {
	t.Helper()
	require.Equal(t, want, labelled{StatusLabel: got.StatusLabel, PriorityLabel: got.PriorityLabel,
		DepartmentLabel: got.DepartmentLabel, ChannelLabel: got.ChannelLabel}, lang)
	require.Equal(t, "in_progress", got.Status, "the code stays next to its label")
}

// getLang sends a GET as an actor with an Accept-Language header and
// requires 200.
func (s *server) getLang(t *testing.T, as actorT, path, lang string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+path, nil)
	require.NoError(t, err)
	setActor(req, as)
	req.Header.Set("Accept-Language", lang)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, path)
	return res
}

func decodeBody(t *testing.T, res *http.Response, v any) {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v), string(b))
}
