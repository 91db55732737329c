package notifytest

import (
	"context"
	"strings"
	"sync"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
)

// Mail is one notification as a recipient would read it.
type Mail struct {
	// To is who receives it, and why.
	To notify.Recipient
	// Subject, Text and HTML are the rendered mail.
	notify.Rendered
	// Event is the event it was written for.
	Event notify.Event
}

// Mailbox is a notify.Notifier that does what an email notifier does
// short of sending: it asks a Resolver who receives each event, renders
// each recipient's mail with Templates (a tenant's own over them, see
// notify.Resolver.Outgoing), and keeps the mails. Tests check
// who was told what; examples print the mails. It is safe for concurrent
// use.
type Mailbox struct {
	resolver  *notify.Resolver
	templates *notify.Templates
	catalog   *ticket.Catalog

	mu    sync.Mutex
	mails []Mail
	// OnMail, if set, is called with each mail as it arrives, under the
	// mailbox's lock (so calls never overlap).
	OnMail func(Mail)
}

// NewMailbox returns a Mailbox. A nil templates means
// notify.DefaultTemplates(); catalog gives status and priority labels
// (nil: resolver.Catalog).
func NewMailbox(resolver *notify.Resolver, templates *notify.Templates, catalog *ticket.Catalog) *Mailbox {
	if templates == nil {
		templates = notify.DefaultTemplates()
	}
	if catalog == nil {
		catalog = resolver.Catalog
	}
	return &Mailbox{resolver: resolver, templates: templates, catalog: catalog}
}

// Notify renders and keeps the mails of e. It fails when the resolver or
// a template fails, as a real notifier would.
func (m *Mailbox) Notify(ctx context.Context, e notify.Event) error {
	o, err := m.resolver.Outgoing(ctx, e, m.templates, m.catalog)
	if err != nil {
		return err
	}
	mails := make([]Mail, 0, len(o.Recipients))
	for _, r := range o.Recipients {
		out, err := o.Templates.Render(e, r, o.Catalog)
		if err != nil {
			return err
		}
		mails = append(mails, Mail{To: r, Rendered: out, Event: e})
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, mail := range mails {
		m.mails = append(m.mails, mail)
		if m.OnMail != nil {
			m.OnMail(mail)
		}
	}
	return nil
}

// Mails returns a copy of the mails so far, in arrival order.
func (m *Mailbox) Mails() []Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Mail, len(m.mails))
	copy(out, m.mails)
	return out
}

// To returns the mails sent to an address, compared ignoring case.
func (m *Mailbox) To(address string) []Mail {
	var out []Mail
	for _, mail := range m.Mails() {
		if strings.EqualFold(mail.To.Address, address) {
			out = append(out, mail)
		}
	}
	return out
}

// Reset forgets the mails so far.
func (m *Mailbox) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.mails = nil
}
