package ui_test

import (
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/httpapi/ui"
	"github.com/ticketkit/ticketkit/ticket"
)

// viewers is a Viewer func that reads the test's X-Test-User header:
// "agent", "customer" or "customer-fr"; anything else is refused.
func viewers(r *http.Request) (ui.Viewer, error) {
	switch r.Header.Get("X-Test-User") {
	case "agent":
		return ui.Viewer{Role: ticket.RoleAgent, ID: "ann", Name: `Ann <script>alert(1)</script>`}, nil
	case "customer":
		return ui.Viewer{Role: ticket.RoleCustomer, ID: "jane", Name: "Jane"}, nil
	case "nameless":
		return ui.Viewer{Role: ticket.RoleAgent}, nil
	case "roleless":
		return ui.Viewer{ID: "x"}, nil
	case "customer-fr":
		return ui.Viewer{Role: ticket.RoleCustomer, ID: "jane", Name: "Jane", Language: "fr"}, nil
	}
	return ui.Viewer{}, errors.New("not signed in")
}

func newUI(t *testing.T, cfg ui.Config) http.Handler {
	t.Helper()
	if cfg.Viewer == nil {
		cfg.Viewer = viewers
	}
	h, err := ui.New(cfg)
	require.NoError(t, err)
	return h
}

type answer struct {
	code int
	hdr  http.Header
	body string
}

func do(t *testing.T, h http.Handler, method, target string, hdr map[string]string) answer {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	b, err := io.ReadAll(w.Result().Body)
	require.NoError(t, err)
	return answer{code: w.Code, hdr: w.Result().Header, body: string(b)}
}

var assetRef = regexp.MustCompile(`(?:src|href)="(/[^"]+)"|data-(?:strings|icons)="(/[^"]+)"`)

// refs returns the same-origin URLs the page refers to.
func refs(page string) []string {
	var out []string
	for _, m := range assetRef.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1]+m[2])
	}
	return out
}

func TestHandler_Page(t *testing.T) {
	t.Parallel()
	h := newUI(t, ui.Config{Prefix: "/support/", APIBase: "/shop/api", Title: "Acme & Co support", ExtraCSS: ":root { --tk-accent: #7a1f5c; }"})

	t.Run("RefusesAnUnknownViewer", func(t *testing.T) {
		t.Parallel()
		for _, user := range []string{"", "mallory", "nameless", "roleless"} {
			a := do(t, h, http.MethodGet, "/support/", map[string]string{"X-Test-User": user})
			require.Equal(t, http.StatusUnauthorized, a.code, user)
			require.NotContains(t, a.body, "<script", user)
		}
	})

	t.Run("AgentGetsTheConsole", func(t *testing.T) {
		t.Parallel()
		a := do(t, h, http.MethodGet, "/support/", map[string]string{"X-Test-User": "agent"})
		require.Equal(t, http.StatusOK, a.code)
		require.Equal(t, "text/html; charset=utf-8", a.hdr.Get("Content-Type"))
		require.Equal(t, ui.ContentSecurityPolicy, a.hdr.Get("Content-Security-Policy"))
		require.Equal(t, "nosniff", a.hdr.Get("X-Content-Type-Options"))
		require.Equal(t, "no-store", a.hdr.Get("Cache-Control"), "the page names its viewer")
		require.Contains(t, a.body, `data-role="agent"`)
		require.Contains(t, a.body, `data-api="/shop/api"`)
		require.Contains(t, a.body, "Acme &amp; Co support")
		require.Contains(t, a.body, "Ann &lt;script&gt;alert(1)&lt;/script&gt;", "the viewer's name is escaped")
		require.Contains(t, a.body, `<html lang="en">`)
		require.Contains(t, a.body, "Ticket console")
	})

	t.Run("NoInlineScriptOrStyle", func(t *testing.T) {
		t.Parallel()
		a := do(t, h, http.MethodGet, "/support/", map[string]string{"X-Test-User": "customer"})
		require.Equal(t, http.StatusOK, a.code)
		for _, m := range regexp.MustCompile(`(?i)<script[^>]*>`).FindAllString(a.body, -1) {
			require.Regexp(t, `src="/support/assets/app\.[0-9a-f]{16}\.js"`, m, "every script is a same-origin file: %s", m)
		}
		require.NotRegexp(t, `(?i)<style|\sstyle=|\son[a-z]+=|javascript:`, a.body)
		require.NotContains(t, a.body, "://", "nothing is loaded from elsewhere")
		js := do(t, h, http.MethodGet, refs(a.body)[slices.IndexFunc(refs(a.body), func(s string) bool { return strings.HasSuffix(s, ".js") })], nil)
		require.NotRegexp(t, `innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function|setAttribute\('style'`, js.body)
	})

	t.Run("ServesEveryAssetItRefersTo", func(t *testing.T) {
		t.Parallel()
		a := do(t, h, http.MethodGet, "/support/", map[string]string{"X-Test-User": "customer"})
		types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".json": "application/json"}
		seen := map[string]bool{}
		for _, u := range refs(a.body) {
			if strings.HasSuffix(u, "/") {
				continue // the icon folder
			}
			got := do(t, h, http.MethodGet, u, nil)
			require.Equal(t, http.StatusOK, got.code, u)
			ext := u[strings.LastIndex(u, "."):]
			require.Equal(t, types[ext], got.hdr.Get("Content-Type"), u)
			require.Equal(t, "public, max-age=31536000, immutable", got.hdr.Get("Cache-Control"), u)
			require.NotEmpty(t, got.hdr.Get("ETag"), u)
			require.Equal(t, ui.ContentSecurityPolicy, got.hdr.Get("Content-Security-Policy"))
			again := do(t, h, http.MethodGet, u, map[string]string{"If-None-Match": got.hdr.Get("ETag")})
			require.Equal(t, http.StatusNotModified, again.code, u)
			seen[ext] = true
		}
		require.Len(t, seen, 3, "a script, two stylesheets (the UI's and the theme) and the strings")
		theme := regexp.MustCompile(`/support/assets/theme\.[0-9a-f]{16}\.css`).FindString(a.body)
		require.NotEmpty(t, theme, "Config.ExtraCSS is linked")
		require.Contains(t, do(t, h, http.MethodGet, theme, nil).body, "--tk-accent: #7a1f5c")
	})

	t.Run("IconsRevalidateByETag", func(t *testing.T) {
		t.Parallel()
		for _, l := range ticket.DefaultCatalog().Statuses() {
			a := do(t, h, http.MethodGet, "/support/assets/icons/"+l.Label.Icon+".svg", nil)
			require.Equal(t, http.StatusOK, a.code, l.Label.Icon)
			require.Equal(t, "image/svg+xml", a.hdr.Get("Content-Type"))
			require.Equal(t, "no-cache", a.hdr.Get("Cache-Control"))
			require.Contains(t, a.body, "<svg")
			require.Equal(t, http.StatusNotModified, do(t, h, http.MethodGet, "/support/assets/icons/"+l.Label.Icon+".svg",
				map[string]string{"If-None-Match": a.hdr.Get("ETag")}).code)
		}
		for _, p := range ticket.DefaultCatalog().Priorities() {
			require.Equal(t, http.StatusOK, do(t, h, http.MethodGet, "/support/assets/icons/"+p.Label.Icon+".svg", nil).code, p.Label.Icon)
		}
	})

	t.Run("UnknownPathsAnd404NoListing", func(t *testing.T) {
		t.Parallel()
		for _, p := range []string{
			"/support/assets/", "/support/assets/icons/", "/support/assets/app.js", "/support/assets/app.0000000000000000.js",
			"/support/assets/index.html", "/support/assets/../ui.go", "/support/assets/icons/nope.svg", "/support/x",
			"/support/tickets/1", "/elsewhere/", "/", "/support",
		} {
			a := do(t, h, http.MethodGet, p, map[string]string{"X-Test-User": "agent"})
			require.Equal(t, http.StatusNotFound, a.code, p)
			require.NotContains(t, a.body, "<a href", p)
		}
	})

	t.Run("OnlyGetAndHead", func(t *testing.T) {
		t.Parallel()
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
			a := do(t, h, m, "/support/", map[string]string{"X-Test-User": "agent"})
			require.Equal(t, http.StatusMethodNotAllowed, a.code, m)
			require.Equal(t, "GET, HEAD", a.hdr.Get("Allow"))
		}
		a := do(t, h, http.MethodHead, "/support/", map[string]string{"X-Test-User": "agent"})
		require.Equal(t, http.StatusOK, a.code)
		require.Empty(t, a.body)
	})
}

func TestHandler_Language(t *testing.T) {
	t.Parallel()
	both := newUI(t, ui.Config{})
	frFirst := newUI(t, ui.Config{Languages: []string{"fr", "en"}})
	enOnly := newUI(t, ui.Config{Languages: []string{"en"}})
	for _, tc := range []struct {
		name   string
		h      http.Handler
		user   string
		accept string
		want   string
	}{
		{"DefaultIsFirst", both, "customer", "", "en"},
		{"DefaultIsFirstFr", frFirst, "customer", "", "fr"},
		{"AcceptLanguage", both, "customer", "fr-CA,fr;q=0.9,en;q=0.5", "fr"},
		{"QValuesWin", both, "customer", "en;q=0.4, fr;q=0.8", "fr"},
		{"UnofferedFallsBack", enOnly, "customer", "fr", "en"},
		{"UnknownFallsBack", both, "customer", "de, ja;q=0.5", "en"},
		{"HostileHeader", both, "customer", strings.Repeat("x;q=abc,", 500) + "fr", "en"},
		{"MalformedQIgnored", both, "customer", "fr;q=0.9x, en;q=0.5", "en"},
		{"ZeroQRefuses", both, "customer", "fr;q=0", "en"},
		{"ViewerWins", both, "customer-fr", "en", "fr"},
		{"ViewerNotOffered", enOnly, "customer-fr", "", "en"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := do(t, tc.h, http.MethodGet, "/", map[string]string{"X-Test-User": tc.user, "Accept-Language": tc.accept})
			require.Equal(t, http.StatusOK, a.code)
			require.Contains(t, a.body, `<html lang="`+tc.want+`">`)
			require.Contains(t, a.body, `data-lang="`+tc.want+`"`)
			require.Regexp(t, `data-strings="/assets/i18n\.`+tc.want+`\.[0-9a-f]{16}\.json"`, a.body)
			require.Contains(t, a.hdr.Values("Vary"), "Accept-Language")
		})
	}
	a := do(t, both, http.MethodGet, "/", map[string]string{"X-Test-User": "customer", "Accept-Language": "fr"})
	require.Contains(t, a.body, "Ouvrir un ticket", "the page's own text is in French")
}

// TestMessages checks that every language has every key, that each key
// the page and the script use exists, and that each message keeps the
// placeholders of the English one.
func TestMessages(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"en", "fr"}, ui.Languages())
	h := newUI(t, ui.Config{})
	strs := map[string]map[string]string{}
	for _, l := range ui.Languages() {
		page := do(t, h, http.MethodGet, "/", map[string]string{"X-Test-User": "customer", "Accept-Language": l})
		u := regexp.MustCompile(`data-strings="([^"]+)"`).FindStringSubmatch(page.body)[1]
		strs[l] = decodeStrings(t, do(t, h, http.MethodGet, u, nil).body)
	}
	en := slices.Sorted(maps.Keys(strs["en"]))
	placeholders := regexp.MustCompile(`\{\d\}`)
	for l, m := range strs {
		require.Equal(t, en, slices.Sorted(maps.Keys(m)), "%s has the keys of en", l)
		for k, v := range m {
			require.NotEmpty(t, strings.TrimSpace(v), "%s %s", l, k)
			require.ElementsMatch(t, placeholders.FindAllString(strs["en"][k], -1), placeholders.FindAllString(v, -1), "%s %s", l, k)
		}
	}
	page := do(t, h, http.MethodGet, "/", map[string]string{"X-Test-User": "agent"})
	js := do(t, h, http.MethodGet, regexp.MustCompile(`src="([^"]+\.js)"`).FindStringSubmatch(page.body)[1], nil).body
	for _, m := range regexp.MustCompile(`\bT\('([a-z_]+)'[,)]`).FindAllStringSubmatch(js, -1) {
		require.Contains(t, strs["en"], m[1], "app.js uses the string %q", m[1])
	}
	require.NotContains(t, page.body, "<no value>", "every string the page uses exists")
}

func TestNew_Config(t *testing.T) {
	t.Parallel()
	_, err := ui.New(ui.Config{
		APIBase:   "api/",
		Prefix:    "/support",
		Languages: []string{"en", "de", "en"},
		Title:     "two\nlines",
	})
	require.Error(t, err)
	for _, want := range []string{"Config.Viewer", "Config.APIBase", "Config.Prefix", `Config.Languages[1]: no UI strings for "de"`,
		`Config.Languages[2]: "en" is listed twice`, "Config.Title"} {
		require.ErrorContains(t, err, want)
	}
	for _, bad := range []string{"//evil.example/", "/a/../b/", "/a b/", `/"x/`, "/a?b/", "/%2e/"} {
		_, err := ui.New(ui.Config{Viewer: viewers, Prefix: bad})
		require.ErrorContains(t, err, "Config.Prefix", bad)
	}
	c := ui.Config{}.WithDefaults()
	require.Equal(t, ui.DefaultAPIBase, c.APIBase)
	require.Equal(t, ui.DefaultPrefix, c.Prefix)
	require.Equal(t, ui.DefaultTitle, c.Title)
	require.Equal(t, []string{"en", "fr"}, c.Languages)
}
