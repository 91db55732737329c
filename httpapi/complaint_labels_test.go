package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// complaintLabelled is what TestComplaintLabelsNextToCodes reads of a
// complaint.
type complaintLabelled struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	StatusLabel   string `json:"status_label"`
	PriorityLabel string `json:"priority_label"`
	CategoryLabel string `json:"category_label"`
	Reason        string `json:"reason"`
	ReasonLabel   string `json:"reason_label"`
	Details       struct {
		Severity string `json:"severity"`
	} `json:"complaint"`
}

// frenchComplaintCatalog is the default complaint catalog with French
// labels for its registered status, normal priority, defect category
// and reason CR01.
func frenchComplaintCatalog(t *testing.T) *ticket.Catalog {
	t.Helper()
	spec := ticket.ComplaintCatalogSpec()
	fr := map[string]string{ticket.StatusRegistered: "Enregistrée", ticket.PriorityNormal: "Normale",
		ticket.CategoryDefect: "Produit défectueux", "CR01": "Retard de livraison"}
	withFrench(spec.Statuses, fr, func(x *ticket.Status) (string, *ticket.Label) { return x.Code, &x.Label })
	withFrench(spec.Priorities, fr, func(x *ticket.Priority) (string, *ticket.Label) { return x.Code, &x.Label })
	withFrench(spec.Categories, fr, func(x *ticket.Category) (string, *ticket.Label) { return x.Code, &x.Label })
	withFrench(spec.Reasons, fr, func(x *ticket.ReasonCode) (string, *ticket.Label) { return x.Code, &x.Label })
	c, err := ticket.NewCatalog(spec)
	require.NoError(t, err)
	return c
}

// withFrench gives each entry of es whose code fr holds that French
// text; entry returns an entry's code and label.
func withFrench[T any](es []T, fr map[string]string, entry func(*T) (string, *ticket.Label)) {
	for i := range es {
		if code, l := entry(&es[i]); fr[code] != "" {
			l.Translations = map[string]string{"fr": fr[code]}
		}
	}
}

// TestComplaintLabelsNextToCodes checks, on every store, that complaint
// answers (open, GET, a change, the journal) carry the labels of their
// codes from the complaint catalog, reason_label included, in English
// and French, for staff and for the customer, whose view still hides
// the help desk's assessment; that the ETag of a labelled complaint
// works; and that a complaint without a reason has no reason_label.
func TestComplaintLabelsNextToCodes(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			m, err := workflow.DefaultComplaint(frenchComplaintCatalog(t), workflow.ComplaintRules{})
			require.NoError(t, err)
			desk, err := ticketkit.New(ticketkit.Config{Store: store.Open(t), Catalog: testCatalog(t),
				Complaints: &ticketkit.ComplaintConfig{Workflow: m}})
			require.NoError(t, err)
			api, err := httpapi.New(httpapi.Config{Desk: desk, Authenticate: headerAuth})
			require.NoError(t, err)
			srv := httptest.NewServer(api)
			t.Cleanup(srv.Close)
			s := &server{t: t, url: srv.URL}

			c := ok[complaintLabelled](s, http.StatusCreated, agent, http.MethodPost, "/complaints",
				`{"subject":"Late kettle","category":"defect","reason":"CR01","remedy_sought":"credit_note","severity":"high","customer":{"id":"C-ADA"}}`)
			require.Equal(t, "registered", c.Status)
			require.Equal(t, []string{"Registered", "Normal", "Defective product", "CR01", "Late delivery"},
				[]string{c.StatusLabel, c.PriorityLabel, c.CategoryLabel, c.Reason, c.ReasonLabel}, "the complaint catalog's texts")
			bare := ok[complaintLabelled](s, http.StatusCreated, agent, http.MethodPost, "/complaints",
				`{"subject":"No reason yet","remedy_sought":"credit_note","customer":{"id":"C-BOB"}}`)
			require.Empty(t, bare.ReasonLabel, "no reason, no label")
			require.Equal(t, "Registered", bare.StatusLabel)

			for _, tc := range []struct {
				lang string
				want []string
			}{
				{"en", []string{"Registered", "Normal", "Defective product", "Late delivery"}},
				{"fr-FR,fr;q=0.9", []string{"Enregistrée", "Normale", "Produit défectueux", "Retard de livraison"}},
			} {
				for _, as := range []actorT{agent, ada} {
					labels := func(x complaintLabelled) []string {
						return []string{x.StatusLabel, x.PriorityLabel, x.CategoryLabel, x.ReasonLabel}
					}
					res := s.getLang(t, as, "/complaints/"+c.ID, tc.lang)
					require.Contains(t, res.Header.Values("Vary"), "Accept-Language")
					tag := res.Header.Get("ETag")
					require.NotEmpty(t, tag, "a labelled complaint keeps its ETag")
					var got complaintLabelled
					decodeBody(t, res, &got)
					require.Equal(t, tc.want, labels(got), "%s as %s", tc.lang, as.Role)
					if as.Role == ticket.RoleCustomer {
						require.Empty(t, got.Details.Severity, "the customer's view still hides the assessment")
					} else {
						require.Equal(t, "high", got.Details.Severity)
					}

					req, err := http.NewRequest(http.MethodGet, s.url+"/complaints/"+c.ID, nil)
					require.NoError(t, err)
					setActor(req, as)
					req.Header.Set("If-None-Match", tag)
					notMod, err := http.DefaultClient.Do(req)
					require.NoError(t, err)
					require.NoError(t, notMod.Body.Close())
					require.Equal(t, http.StatusNotModified, notMod.StatusCode)

					var page struct {
						Complaints []complaintLabelled `json:"complaints"`
					}
					decodeBody(t, s.getLang(t, as, "/complaints?reason=CR01", tc.lang), &page)
					require.Len(t, page.Complaints, 1)
					require.Equal(t, tc.want, labels(page.Complaints[0]), "journal, %s as %s", tc.lang, as.Role)
				}
			}

			status, _, body := s.call(agent, http.MethodPatch, "/complaints/"+c.ID, `{"priority":"high"}`, "")
			require.Equal(t, http.StatusOK, status, body)
			require.Contains(t, body, `"priority_label":"High"`, "a change answers with labels too")
			require.Contains(t, body, `"reason_label":"Late delivery"`)
		})
	}
}
