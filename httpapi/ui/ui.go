package ui

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// The defaults of [Config], which [Config.WithDefaults] fills in.
const (
	// DefaultAPIBase is the URL path the browser reaches the httpapi
	// handler under.
	DefaultAPIBase = "/api"
	// DefaultPrefix is the URL path the UI is mounted under.
	DefaultPrefix = "/"
	// DefaultTitle is the brand shown in the page's header and title.
	DefaultTitle = "Help desk"
)

// ContentSecurityPolicy is the Content-Security-Policy header the
// handler sends with every answer: scripts, styles, images and API calls
// from the page's own origin only, no inline script or style, no
// plug-ins, no framing. The page satisfies it; a host that serves the
// API from another origin must widen connect-src itself.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; " +
	"connect-src 'self'; font-src 'self'; manifest-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// Viewer is the signed-in person the page is for, as the host's
// authentication knows them.
type Viewer struct {
	// Role chooses the view: [ticket.RoleCustomer] gets the customer
	// portal, any other role the agent console. Required.
	Role ticket.Role
	// ID identifies the person; the console keeps its read markers
	// under it. Required.
	ID string
	// Name is shown in the page's header; ID when empty.
	Name string
	// Language, when one of Config.Languages, is the person's own
	// choice and wins over Accept-Language.
	Language string
}

// Config configures the handler [New] returns. Zero values mean the
// documented defaults.
type Config struct {
	// Viewer tells who the request is for. The host's authentication
	// runs before the handler (a middleware, a session lookup); Viewer
	// reads its result. An error is answered with 401 and no page.
	// Required.
	Viewer func(*http.Request) (Viewer, error)
	// APIBase is the URL path the browser calls the httpapi handler
	// under, such as "/api" (default [DefaultAPIBase]). Same origin:
	// the page sends the host's cookies and nothing else.
	APIBase string
	// Prefix is the URL path the handler is mounted under, such as
	// "/support/" (default [DefaultPrefix]). Mount the handler there
	// without stripping the prefix.
	Prefix string
	// Languages lists the UI languages offered, the first being the
	// fallback (default: every one of [Languages], English first). The
	// page's language is the Viewer's, else the best match of the
	// request's Accept-Language, else the first; API calls ask for
	// catalog labels in it.
	Languages []string
	// Title is the brand in the page's header and title (default
	// [DefaultTitle]).
	Title string
	// ExtraCSS is a stylesheet loaded after the UI's own, typically
	// setting the theme variables listed in the package documentation.
	ExtraCSS string
}

// Languages returns the languages the UI has strings for.
func Languages() []string {
	return slices.Sorted(func(yield func(string) bool) {
		for l := range messages {
			if !yield(l) {
				return
			}
		}
	})
}

// WithDefaults returns a copy of c with every zero field set to its
// documented default. [New] calls it.
func (c Config) WithDefaults() Config {
	c.APIBase = cmp.Or(c.APIBase, DefaultAPIBase)
	c.Prefix = cmp.Or(c.Prefix, DefaultPrefix)
	c.Title = cmp.Or(c.Title, DefaultTitle)
	if len(c.Languages) == 0 {
		c.Languages = []string{"en", "fr"}
	}
	return c
}

// validate reports every problem of a filled Config at once.
func (c Config) validate() error {
	var errs []error
	if c.Viewer == nil {
		errs = append(errs, errors.New("Config.Viewer is required"))
	}
	if !cleanPath(c.APIBase) || strings.HasSuffix(c.APIBase, "/") && c.APIBase != "/" {
		errs = append(errs, fmt.Errorf("Config.APIBase %q must be an absolute URL path such as /api, without a trailing slash", c.APIBase))
	}
	if !cleanPath(c.Prefix) || !strings.HasSuffix(c.Prefix, "/") {
		errs = append(errs, fmt.Errorf("Config.Prefix %q must be an absolute URL path ending in a slash, such as /support/", c.Prefix))
	}
	for i, l := range c.Languages {
		if _, ok := messages[l]; !ok {
			errs = append(errs, fmt.Errorf("Config.Languages[%d]: no UI strings for %q (have %s)", i, l, strings.Join(Languages(), ", ")))
		}
		if slices.Index(c.Languages, l) != i {
			errs = append(errs, fmt.Errorf("Config.Languages[%d]: %q is listed twice", i, l))
		}
	}
	if strings.ContainsAny(c.Title, "\x00\r\n") {
		errs = append(errs, errors.New("Config.Title must be one line"))
	}
	return errors.Join(errs...)
}

// cleanPath reports whether p is an absolute URL path with nothing a
// browser or a mux would rewrite.
func cleanPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return false
	}
	if strings.ContainsFunc(p, func(r rune) bool {
		return r <= ' ' || r == 0x7f || strings.ContainsRune(`"'<>\?#%`, r)
	}) {
		return false
	}
	trimmed := strings.TrimSuffix(p, "/")
	return trimmed == "" || path.Clean(trimmed) == trimmed
}

//go:embed assets
var assets embed.FS

// asset is one file the handler serves.
type asset struct {
	body        []byte
	contentType string
	etag        string
	immutable   bool // its URL holds its hash
}

// handler serves the page and its assets.
type handler struct {
	cfg    Config
	page   *template.Template
	assets map[string]*asset // by path below Prefix
	urls   map[string]string // logical name ("app.js", "i18n.fr.json") to URL path
}

// New fills cfg's defaults, validates it (reporting every problem at
// once) and returns the handler of the agent console and customer
// portal. Mount it at cfg.Prefix behind the host's authentication, next
// to the httpapi handler at cfg.APIBase:
//
//	mux.Handle("/support/", requireLogin(uiHandler))
//
// It serves the page at the prefix itself, its hashed assets (cached for
// a year, immutable) and its icons (revalidated by ETag) below
// prefix+"assets/", and answers 404 to every other path and 405 to
// methods other than GET and HEAD.
func New(cfg Config) (http.Handler, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("ui: invalid Config: %w", err)
	}
	h := &handler{cfg: cfg, assets: map[string]*asset{}, urls: map[string]string{}}
	add := func(name string, body []byte, contentType string, hashed bool) {
		sum := sha256.Sum256(body)
		tag := hex.EncodeToString(sum[:8])
		p := "assets/" + name
		if hashed {
			ext := path.Ext(name)
			p = "assets/" + strings.TrimSuffix(name, ext) + "." + tag + ext
		}
		h.assets[p] = &asset{body: body, contentType: contentType, etag: `"` + tag + `"`, immutable: hashed}
		h.urls[name] = cfg.Prefix + p
	}
	for _, f := range []struct{ name, contentType string }{
		{"app.js", "text/javascript; charset=utf-8"},
		{"style.css", "text/css; charset=utf-8"},
	} {
		body, err := assets.ReadFile("assets/" + f.name)
		if err != nil {
			return nil, err
		}
		add(f.name, body, f.contentType, true)
	}
	if cfg.ExtraCSS != "" {
		add("theme.css", []byte(cfg.ExtraCSS), "text/css; charset=utf-8", true)
	}
	for _, l := range cfg.Languages {
		body, err := json.Marshal(messages[l])
		if err != nil {
			return nil, err
		}
		add("i18n."+l+".json", body, "application/json", true)
	}
	icons, err := fs.Glob(assets, "assets/icons/*.svg")
	if err != nil {
		return nil, err
	}
	for _, name := range icons {
		body, err := assets.ReadFile(name)
		if err != nil {
			return nil, err
		}
		add(strings.TrimPrefix(name, "assets/"), body, "image/svg+xml", false)
	}
	page, err := template.ParseFS(assets, "assets/index.html")
	if err != nil {
		return nil, err
	}
	h.page = page
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", ContentSecurityPolicy)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "same-origin")
	hdr.Set("Cross-Origin-Opener-Policy", "same-origin")
	rest, ok := strings.CutPrefix(r.URL.Path, h.cfg.Prefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if rest == "" {
		h.servePage(w, r)
		return
	}
	a, ok := h.assets[rest]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hdr.Set("Content-Type", a.contentType)
	hdr.Set("ETag", a.etag)
	if a.immutable {
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hdr.Set("Cache-Control", "no-cache")
	}
	// ServeContent answers If-None-Match with 304 and ranges alike; the
	// zero modification time leaves Last-Modified out.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}

// maxLanguageTags is how many tags of an Accept-Language header are read.
const maxLanguageTags = 20

// pageData is what index.html is rendered with.
type pageData struct {
	Lang, Title, APIBase, Prefix, Role, ViewerID, ViewerName string
	Icons, Strings                                           string
	Script, Style, Theme                                     string
	T                                                        map[string]string
}

// servePage renders the page for the request's viewer in its language.
func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Add("Vary", "Accept-Language")
	hdr.Add("Vary", "Cookie")
	v, err := h.cfg.Viewer(r)
	if err != nil || v.ID == "" || v.Role == "" {
		http.Error(w, "sign in to use the help desk", http.StatusUnauthorized)
		return
	}
	lang := h.language(v.Language, r.Header.Get("Accept-Language"))
	role := "agent"
	if v.Role == ticket.RoleCustomer {
		role = "customer"
	}
	d := pageData{
		Lang: lang, Title: h.cfg.Title, APIBase: h.cfg.APIBase, Prefix: h.cfg.Prefix, Role: role,
		ViewerID: v.ID, ViewerName: cmp.Or(v.Name, v.ID),
		Icons:   h.cfg.Prefix + "assets/icons/",
		Strings: h.urls["i18n."+lang+".json"],
		Script:  h.urls["app.js"], Style: h.urls["style.css"], Theme: h.urls["theme.css"],
		T: messages[lang],
	}
	var buf bytes.Buffer
	if err := h.page.Execute(&buf, d); err != nil {
		http.Error(w, "cannot render the page", http.StatusInternalServerError)
		return
	}
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(buf.Bytes())
}

// language picks the page's language: the viewer's own when offered,
// else the best offered match of an Accept-Language header (a tag or
// its primary language, by q-value), else the first offered.
func (h *handler) language(own, acceptLanguage string) string {
	if slices.Contains(h.cfg.Languages, own) {
		return own
	}
	best, bestQ := "", 0.0
	parts := strings.Split(acceptLanguage, ",")
	if len(parts) > maxLanguageTags {
		parts = parts[:maxLanguageTags] // enough preferences for anyone
	}
	for _, part := range parts {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if slices.Contains(h.cfg.Languages, primary) && q > bestQ {
			best, bestQ = primary, q
		}
	}
	return cmp.Or(best, h.cfg.Languages[0])
}
