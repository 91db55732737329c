package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
)

type apiCatalog struct {
	Locale   string `json:"locale"`
	Statuses []struct {
		Code     string `json:"code"`
		Label    string `json:"label"`
		Category string `json:"category"`
		Initial  bool   `json:"initial"`
		Terminal bool   `json:"terminal"`
	} `json:"statuses"`
	Priorities []struct {
		Code    string `json:"code"`
		Label   string `json:"label"`
		Icon    string `json:"icon"`
		Color   string `json:"color"`
		Rank    int    `json:"rank"`
		Default bool   `json:"default"`
	} `json:"priorities"`
	Categories []struct {
		Code      string `json:"code"`
		Label     string `json:"label"`
		Complaint bool   `json:"complaint"`
	} `json:"categories"`
	Departments []struct {
		Code  string `json:"code"`
		Label string `json:"label"`
		Email string `json:"email"`
	} `json:"departments"`
	Fields []struct {
		Key string `json:"key"`
	} `json:"fields"`
	SortFields []string `json:"sort_fields"`
}

// TestCatalogHidesInternalFieldsFromCustomers checks that a customer's
// catalog, and the tickets a customer reads, leave out the custom fields
// marked internal, and the other internals of a ticket.
func TestCatalogHidesInternalFieldsFromCustomers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	keys := func(as *ticketkit.Actor) []string {
		w := e.do(request{as: as, method: http.MethodGet, path: "/catalog"})
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		var out []string
		for _, f := range decode[apiCatalog](t, w).Fields {
			out = append(out, f.Key)
		}
		return out
	}
	require.Equal(t, []string{"store"}, keys(&ada))
	require.Equal(t, []string{"store", "margin"}, keys(&agent))

	w := e.do(request{as: &agent, method: http.MethodPost, path: "/tickets", body: strings.NewReader(`{"subject":"Kettle","customer":{"id":"C-ADA"},
		"assignee":"agent-7","tags":["vip"],"fields":{"store":"Lyon","margin":"12.5"}}`), contentType: "application/json"})
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	id := decode[apiTicket](t, w).ID
	w = e.do(request{as: &ada, method: http.MethodGet, path: "/tickets/" + id})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	body := w.Body.String()
	require.Contains(t, body, `"store":"Lyon"`)
	for _, internal := range []string{"margin", "agent-7", "vip", `"sla"`} {
		require.NotContains(t, body, internal)
	}
}

func TestCatalog(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name           string
		query          string
		acceptLanguage string
		locale         string
		open, urgent   string
	}{
		{"CatalogText", "", "", "", "Open", "Urgent"},
		{"QueryLocale", "?locale=fr", "", "fr", "Ouvert", "Urgente"},
		{"QueryRegionFallsBack", "?locale=fr-CA", "", "fr", "Ouvert", "Urgente"},
		{"QueryWinsOverHeader", "?locale=en", "fr", "", "Open", "Urgent"},
		{"AcceptLanguage", "", "fr-FR,fr;q=0.9,en;q=0.8", "fr", "Ouvert", "Urgente"},
		{"AcceptLanguageSkipsUntranslated", "", "es, fr;q=0.5", "fr", "Ouvert", "Urgente"},
		{"AcceptLanguageZeroWeight", "", "fr;q=0, en", "", "Open", "Urgent"},
		{"AcceptLanguageGarbage", "", ";;;q=abc,<x>,*", "", "Open", "Urgent"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := request{as: &ada, method: http.MethodGet, path: "/catalog" + tc.query}
			if tc.acceptLanguage != "" {
				req.header = http.Header{"Accept-Language": {tc.acceptLanguage}}
			}
			w := e.do(req)
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			require.Contains(t, w.Header().Values("Vary"), "Accept-Language")
			c := decode[apiCatalog](t, w)
			require.Equal(t, tc.locale, c.Locale)
			require.Equal(t, "open", c.Statuses[0].Code)
			require.Equal(t, tc.open, c.Statuses[0].Label)
			require.True(t, c.Statuses[0].Initial)
			require.Equal(t, "new", c.Statuses[0].Category)
			last := c.Priorities[len(c.Priorities)-1]
			require.Equal(t, tc.urgent, last.Label)
			require.Equal(t, "flame", last.Icon)
			require.Equal(t, "#d32f2f", last.Color)
			require.Equal(t, 3, last.Rank)
		})
	}

	t.Run("DisplayHints", func(t *testing.T) {
		t.Parallel()
		c := decode[apiCatalog](t, e.get(agent, "/catalog"))
		var codes []string
		for _, p := range c.Priorities {
			codes = append(codes, p.Code)
			require.Equal(t, p.Code == "normal", p.Default)
		}
		require.Equal(t, []string{"low", "normal", "high", "urgent"}, codes)
		require.True(t, c.Statuses[len(c.Statuses)-1].Terminal)
		require.True(t, c.Categories[2].Complaint)
		require.Equal(t, "service", c.Departments[0].Code)
		require.Empty(t, c.Departments[0].Email, "internal addresses are not published")
		require.Contains(t, c.SortFields, "priority")
	})

	t.Run("NeedsAuthentication", func(t *testing.T) {
		t.Parallel()
		requireError(t, e.do(request{method: http.MethodGet, path: "/catalog"}), http.StatusUnauthorized, "unauthenticated")
	})
}
