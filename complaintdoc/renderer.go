package complaintdoc

import (
	"cmp"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// LocaleDefault is the locale of Config.Locale when none is given.
const LocaleDefault = "en"

// LayoutFile is the name of the template file a host's Config.Templates
// may hold to restyle every kind of document: it may redefine the
// templates "style", "header", "section" and "footer" of the default
// layout (see templates/layout.html.tmpl).
const LayoutFile = "layout.html.tmpl"

// Config configures a [Renderer]. The zero value prints the documents of
// the default complaint catalog in English, with dates in UTC and the
// default templates.
type Config struct {
	// Catalog gives the labels of statuses, priorities, categories and
	// reasons, with their translations. Default:
	// ticket.ComplaintCatalog().
	Catalog *ticket.Catalog
	// Locale is the locale of documents built without one. Default:
	// [LocaleDefault].
	Locale string
	// Location is the time zone dates are printed in. Default: time.UTC.
	Location *time.Location
	// Labels replace or add captions, by the keys of [DefaultLabels],
	// such as a German translation of each.
	Labels map[string]ticket.Label
	// Templates holds the host's HTML templates (html/template), read
	// once by [New]: [LayoutFile], and per kind a file named after it,
	// "complaint.html.tmpl", "acknowledgement.html.tmpl" or
	// "report_8d.html.tmpl", executed with the *[Document]. A kind
	// without a file of its own prints with the layout. The files may
	// call the layout's templates ({{template "section" .}}). nil means
	// the default templates only.
	Templates fs.FS
}

// WithDefaults returns c with its zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.Catalog == nil {
		c.Catalog = ticket.ComplaintCatalog()
	}
	c.Locale = cmp.Or(c.Locale, LocaleDefault)
	if c.Location == nil {
		c.Location = time.UTC
	}
	return c
}

// Renderer builds the printable documents of complaints and writes them
// as HTML; package complaintdoc/pdf writes them as PDF. A Renderer is
// safe for concurrent use.
type Renderer struct {
	cfg    Config
	labels map[string]ticket.Label
	html   map[Kind]*template.Template
}

//go:embed templates/*.html.tmpl
var defaultTemplates embed.FS

// New returns a Renderer for cfg. It fails when a host template does not
// parse.
func New(cfg Config) (*Renderer, error) {
	cfg = cfg.WithDefaults()
	r := &Renderer{cfg: cfg, labels: defaultLabels, html: make(map[Kind]*template.Template)}
	if len(cfg.Labels) > 0 {
		r.labels = maps.Clone(defaultLabels)
		maps.Copy(r.labels, cfg.Labels)
	}
	base, err := template.ParseFS(defaultTemplates, "templates/*.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("complaintdoc: default templates: %w", err)
	}
	if base, err = parseHost(base, cfg.Templates, LayoutFile); err != nil {
		return nil, err
	}
	var errs []error
	for _, k := range Kinds() {
		t, err := base.Clone()
		if err == nil {
			t, err = parseHost(t, cfg.Templates, fileOf(k))
		}
		errs = append(errs, err)
		r.html[k] = t
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return r, nil
}

// fileOf returns the name of the template file of kind k.
func fileOf(k Kind) string { return string(k) + ".html.tmpl" }

// parseHost parses the host's file name of fsys into t, when fsys has
// it; the file's templates then replace the defaults of the same name.
func parseHost(t *template.Template, fsys fs.FS, name string) (*template.Template, error) {
	if fsys == nil {
		return t, nil
	}
	if _, err := fs.Stat(fsys, name); errors.Is(err, fs.ErrNotExist) {
		return t, nil
	}
	t, err := t.ParseFS(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("complaintdoc: template %s: %w", name, err)
	}
	return t, nil
}

// HTML writes doc as an HTML page, with the host's template for its kind
// when Config.Templates has one. Every value is escaped by html/template,
// so text from a customer cannot inject markup or script.
func (r *Renderer) HTML(w io.Writer, doc *Document) error {
	t, ok := r.html[doc.Kind]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownKind, doc.Kind)
	}
	if err := t.ExecuteTemplate(w, fileOf(doc.Kind), doc); err != nil {
		return fmt.Errorf("complaintdoc: %s: %w", doc.Kind, err)
	}
	return nil
}
