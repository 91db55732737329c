package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// Template variants. A variant is a different wording of one event kind
// for a particular situation; the default variant is "".
const (
	// VariantDefault is the wording used when no other variant applies.
	VariantDefault = ""
	// VariantCollect is the wording of [KindClosed] for a ticket about a
	// product in service, which the customer now collects (see
	// [CollectVariant]).
	VariantCollect = "collect"
)

// TagInService is the ticket tag that marks a product left with the
// host for service (repair, maintenance); see [CollectVariant].
const TagInService = "in_service"

// CollectVariant reports whether the closing of t should use the
// [VariantCollect] wording, telling the customer to come and collect
// their product. It does when t concerns a product in service: t has a
// reference of kind [ticket.RefProduct] or [ticket.RefSerial] and the
// tag [TagInService].
func CollectVariant(t *ticket.Ticket) bool {
	if t == nil || !slices.Contains(t.Tags, TagInService) {
		return false
	}
	_, product := t.Reference(ticket.RefProduct)
	_, serial := t.Reference(ticket.RefSerial)
	return product || serial
}

// Variant returns the template variant of e: [VariantCollect] for a
// [KindClosed] event of a ticket [CollectVariant] accepts, otherwise
// [VariantDefault].
func Variant(e Event) string {
	if e.Kind == KindClosed && CollectVariant(e.Ticket) {
		return VariantCollect
	}
	return VariantDefault
}

// Rendered is a notification written out for one recipient.
type Rendered struct {
	// Subject is one line of text.
	Subject string
	// Text is the plain-text body.
	Text string
	// HTML is the HTML body; empty when the template has none.
	HTML string
}

//go:embed templates/*/*.tmpl
var defaultFS embed.FS

// Templates write notifications: for each event kind, variant and
// locale, a subject and a plain-text body (text/template) and an HTML
// body (html/template), executed with a [TemplateData]. A template
// that names a field TemplateData does not have is refused when it is
// set, not when it is sent.
//
// Every locale has a layout whose named templates the others may call:
// "facts" (the ticket's number, subject, opening, customer, order,
// status, priority and last update) and "footer" in text, and "begin",
// "facts" and "end" in HTML. Templates of a locale without a layout use
// the layout of its parent locale, then of "en".
//
// Render looks a template up by the recipient's locale, then its parent
// locales, then "en" ("fr-CA", "fr", "en"); in each locale it tries the
// event's variant, then the default variant. Locales compare
// case-insensitively and "_" counts as "-".
//
// Templates are safe for concurrent use; Override and SetLocation are
// meant for setup time.
type Templates struct {
	mu      sync.RWMutex
	sets    map[templateKey]*templateSet
	layouts map[string]*templateSet
	loc     *time.Location
}

type templateKey struct {
	kind    Kind
	variant string
	locale  string
}

type templateSet struct {
	subject *texttemplate.Template
	text    *texttemplate.Template
	html    *htmltemplate.Template // nil: no HTML body
}

// layoutName is the file name of a locale's layout templates.
const layoutName = "layout"

// DefaultTemplates returns ticketkit's built-in templates in English
// ("en") and French ("fr") for every event kind, with times shown in
// UTC. Each call returns a new set the caller may change.
func DefaultTemplates() *Templates {
	t, err := loadTemplates(defaultFS, "templates")
	if err != nil {
		panic(err) // the embedded templates are covered by tests
	}
	return t
}

// loadTemplates reads root/<locale>/<name>[.<variant>].<part>.tmpl files,
// where name is a kind without its "ticket." prefix, a complaint kind
// with "complaint_" for "complaint." (see templateKind), or "layout", and part
// is subject, text or html.
func loadTemplates(fsys fs.FS, root string) (*Templates, error) {
	t := &Templates{sets: make(map[templateKey]*templateSet), layouts: make(map[string]*templateSet), loc: time.UTC}
	dirs, err := fs.ReadDir(fsys, root)
	if err != nil {
		return nil, err
	}
	for _, dir := range dirs {
		locale := dir.Name()
		files, err := fs.ReadDir(fsys, path.Join(root, locale))
		if err != nil {
			return nil, err
		}
		sources := make(map[templateKey]map[string]string)
		for _, f := range files {
			b, err := fs.ReadFile(fsys, path.Join(root, locale, f.Name()))
			if err != nil {
				return nil, err
			}
			parts := strings.Split(strings.TrimSuffix(f.Name(), ".tmpl"), ".")
			if len(parts) < 2 || len(parts) > 3 {
				return nil, fmt.Errorf("notify: unexpected template file %s/%s", locale, f.Name())
			}
			key := templateKey{kind: templateKind(parts[0]), locale: normLocale(locale)}
			if parts[0] == layoutName {
				key.kind = layoutName
			}
			if len(parts) == 3 {
				key.variant = parts[1]
			}
			if sources[key] == nil {
				sources[key] = make(map[string]string)
			}
			sources[key][parts[len(parts)-1]] = string(b)
		}
		// Layouts first: the other templates of the locale build on them.
		for key, src := range sources {
			if key.kind != layoutName {
				continue
			}
			layout, err := parseLayout(src["text"], src["html"])
			if err != nil {
				return nil, fmt.Errorf("notify: layout of locale %q: %w", locale, err)
			}
			t.layouts[key.locale] = layout
		}
		for key, src := range sources {
			if key.kind == layoutName {
				continue
			}
			if err := t.Override(key.kind, key.variant, key.locale, src["subject"], src["text"], src["html"]); err != nil {
				return nil, err
			}
		}
	}
	return t, nil
}

func parseLayout(text, html string) (*templateSet, error) {
	tt, err := texttemplate.New(layoutName).Parse(text)
	if err != nil {
		return nil, err
	}
	ht, err := htmltemplate.New(layoutName).Parse(html)
	if err != nil {
		return nil, err
	}
	return &templateSet{text: tt, html: ht}, nil
}

// SetLocation sets the time zone the templates show times in. Default
// UTC.
func (t *Templates) SetLocation(loc *time.Location) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.loc = loc
}

// Override sets the templates of an event kind and variant in a locale,
// replacing any that were there. subject and text are text/template
// sources and html an html/template source, all executed with a
// [TemplateData]; they may call the named templates of the locale's
// layout (see [Templates]). subject and text are required; an empty html
// means messages of this kind have no HTML body. Parse errors name the
// kind, variant and locale.
func (t *Templates) Override(kind Kind, variant, locale string, subject, text, html string) error {
	where := fmt.Sprintf("%s template (variant %q, locale %q)", kind, variant, locale)
	switch {
	case !slices.Contains(Kinds(), kind):
		return fmt.Errorf("notify: %s: unknown event kind", where)
	case normLocale(locale) == "":
		return fmt.Errorf("notify: %s: a locale is required", where)
	case strings.TrimSpace(subject) == "":
		return fmt.Errorf("notify: %s: the subject is required", where)
	case strings.TrimSpace(text) == "":
		return fmt.Errorf("notify: %s: the text body is required", where)
	}
	locale = normLocale(locale)

	t.mu.Lock()
	defer t.mu.Unlock()
	layout := t.layoutFor(locale)
	set := &templateSet{}
	var err error
	if set.subject, err = parseText(layout, "subject", subject); err != nil {
		return fmt.Errorf("notify: %s: subject: %w", where, err)
	}
	if set.text, err = parseText(layout, "text", text); err != nil {
		return fmt.Errorf("notify: %s: text body: %w", where, err)
	}
	if strings.TrimSpace(html) != "" {
		if set.html, err = parseHTML(layout, html); err != nil {
			return fmt.Errorf("notify: %s: HTML body: %w", where, err)
		}
	}
	if err := set.checkFields(); err != nil {
		return fmt.Errorf("notify: %s: %w", where, err)
	}
	if t.sets == nil {
		t.sets = make(map[templateKey]*templateSet)
	}
	t.sets[templateKey{kind: kind, variant: variant, locale: locale}] = set
	return nil
}

// layoutFor returns the layout of locale or of its nearest parent, or
// nil.
func (t *Templates) layoutFor(locale string) *templateSet {
	for _, l := range localeChain(locale) {
		if layout, ok := t.layouts[l]; ok {
			return layout
		}
	}
	return nil
}

// checkFields checks the fields each part of set names (see
// checkFields).
func (s *templateSet) checkFields() error {
	if err := checkFields(s.subject.Tree); err != nil {
		return fmt.Errorf("subject: %w", err)
	}
	if err := checkFields(s.text.Tree); err != nil {
		return fmt.Errorf("text body: %w", err)
	}
	if s.html != nil {
		if err := checkFields(s.html.Tree); err != nil {
			return fmt.Errorf("HTML body: %w", err)
		}
	}
	return nil
}

func parseText(layout *templateSet, name, src string) (*texttemplate.Template, error) {
	if layout == nil {
		return texttemplate.New(name).Parse(src)
	}
	c, err := layout.text.Clone()
	if err != nil {
		return nil, err
	}
	return c.New(name).Parse(src)
}

func parseHTML(layout *templateSet, src string) (*htmltemplate.Template, error) {
	if layout == nil {
		return htmltemplate.New("html").Parse(src)
	}
	c, err := layout.html.Clone()
	if err != nil {
		return nil, err
	}
	return c.New("html").Parse(src)
}

// Render writes e for recipient r, with the labels of catalog c (nil
// shows codes). It picks the template of e's kind and [Variant] in r's
// locale as described at [Templates].
func (t *Templates) Render(e Event, r Recipient, c *ticket.Catalog) (Rendered, error) {
	if e.Ticket == nil {
		return Rendered{}, fmt.Errorf("notify: render %s event %s: the event has no ticket", e.Kind, e.ID)
	}
	locale := strings.TrimSpace(r.Locale)
	if locale == "" {
		locale = "en"
	}
	variant := Variant(e)

	t.mu.RLock()
	set, found := t.lookup(e.Kind, variant, normLocale(locale))
	loc := t.loc
	t.mu.RUnlock()
	if set == nil {
		return Rendered{}, fmt.Errorf("notify: no %s template for locale %q", e.Kind, locale)
	}

	data := newTemplateData(e, r, c, locale, found.variant, loc)
	where := fmt.Sprintf("%s template (variant %q, locale %q)", e.Kind, found.variant, found.locale)
	var out Rendered
	var buf bytes.Buffer
	if err := set.subject.Execute(&buf, data); err != nil {
		return Rendered{}, fmt.Errorf("notify: %s: subject: %w", where, err)
	}
	out.Subject = oneLine(buf.String())
	buf.Reset()
	if err := set.text.Execute(&buf, data); err != nil {
		return Rendered{}, fmt.Errorf("notify: %s: text body: %w", where, err)
	}
	out.Text = buf.String()
	if set.html != nil {
		buf.Reset()
		if err := set.html.Execute(&buf, data); err != nil {
			return Rendered{}, fmt.Errorf("notify: %s: HTML body: %w", where, err)
		}
		out.HTML = buf.String()
	}
	return out, nil
}

// lookup finds the templates of kind for variant and locale, falling
// back through the locale's parents and "en", and to the default
// variant within each locale. It returns the key it found them under.
func (t *Templates) lookup(kind Kind, variant, locale string) (*templateSet, templateKey) {
	for _, l := range localeChain(locale) {
		for _, v := range []string{variant, VariantDefault} {
			key := templateKey{kind: kind, variant: v, locale: l}
			if set, ok := t.sets[key]; ok {
				return set, key
			}
			if v == VariantDefault {
				break
			}
		}
	}
	return nil, templateKey{}
}

// normLocale returns locale in lower case with "-" separators.
func normLocale(locale string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(locale), "_", "-"))
}

// localeChain returns locale, its parents and "en": "fr-ca", "fr", "en".
func localeChain(locale string) []string {
	var chain []string
	for locale != "" {
		chain = append(chain, locale)
		i := strings.LastIndex(locale, "-")
		if i < 0 {
			break
		}
		locale = locale[:i]
	}
	if !slices.Contains(chain, "en") {
		chain = append(chain, "en")
	}
	return chain
}

// oneLine folds s into one line of single spaces, so that a template
// cannot break the Subject header.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
