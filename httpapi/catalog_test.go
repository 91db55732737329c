package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
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
	SortFields []string `json:"sort_fields"`
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
		{"AcceptLanguageSkipsUntranslated", "", "de, fr;q=0.5", "fr", "Ouvert", "Urgente"},
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
