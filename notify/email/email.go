// Package email sends ticketkit notifications as email over SMTP.
//
// A [Sender] is a [notify.Notifier]: for each event it asks a
// [notify.Resolver] who should hear about it, writes one mail per
// recipient with [notify.Templates] (a plain-text and an HTML
// alternative, in the recipient's locale) and sends them all over one
// SMTP connection with github.com/wneessen/go-mail.
//
// # Threading
//
// Every mail gets the Message-ID "<{event ID}.{n}@{domain}>" and refers
// to the ticket's thread root [ThreadID], "<ticket-{ticket ID}@{domain}>",
// in In-Reply-To and References, so that mail clients show all mails of
// a ticket as one conversation. Replies keep that root in their
// References header: [ParseMessageID] and [FindTicketID] turn it back
// into the ticket ID. The subject carries the ticket number too, such as
// "[TK-2026-000042]", and the header X-Ticketkit-Ticket holds it.
//
// # Loops
//
// Mails are marked "Auto-Submitted: auto-generated" (RFC 3834) and
// "X-Auto-Response-Suppress: All", so that vacation responders and other
// robots do not answer them.
package email

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ notify.Notifier = (*Sender)(nil)

// TLSPolicy says whether the connection to the SMTP server is encrypted.
type TLSPolicy string

// TLS policies.
const (
	// TLSMandatory requires TLS: STARTTLS, or implicit TLS on port 465.
	// Sending fails if the server cannot encrypt.
	TLSMandatory TLSPolicy = "mandatory"
	// TLSOpportunistic uses STARTTLS when the server offers it and sends
	// in clear text otherwise.
	TLSOpportunistic TLSPolicy = "opportunistic"
	// TLSNone never encrypts. Meant for a local server in tests; go-mail
	// then sends a password only to localhost.
	TLSNone TLSPolicy = "none"
)

// TLSPolicies returns every TLS policy.
func TLSPolicies() []TLSPolicy { return []TLSPolicy{TLSMandatory, TLSOpportunistic, TLSNone} }

// Headers the Sender sets besides the standard ones.
const (
	// HeaderTicket holds the ticket number, such as "TK-2026-000042".
	HeaderTicket = "X-Ticketkit-Ticket"
	// HeaderAutoSubmitted marks mails as sent by a machine (RFC 3834).
	HeaderAutoSubmitted = "Auto-Submitted"
)

// Config configures a [Sender]. Zero values mean the documented
// defaults.
type Config struct {
	// Host is the SMTP server's host name. Required.
	Host string
	// Port is the SMTP server's port. Default 587 (submission).
	Port int
	// Username and Password authenticate to the server when Username is
	// set. The strongest mechanism the server offers is used (PLAIN or
	// LOGIN only over TLS); with TLSNone, PLAIN, which go-mail sends only
	// to localhost.
	Username string
	Password string
	// TLS is the encryption policy. Default TLSMandatory.
	TLS TLSPolicy
	// From is the sender's address, optionally with a display name:
	// "Help desk <help@shop.example>". Required.
	From string
	// Domain is the right-hand side of Message-IDs and thread IDs.
	// Default: the domain of From.
	Domain string
	// Resolver decides who receives each event. Required.
	Resolver *notify.Resolver
	// Templates write the mails. Default notify.DefaultTemplates().
	Templates *notify.Templates
	// Catalog gives the labels of statuses and priorities. Default
	// Resolver.Catalog.
	Catalog *ticket.Catalog
	// Timeout bounds the connection and each SMTP command. Default 30s.
	Timeout time.Duration
}

// Sender sends notification events as email. It is safe for concurrent
// use; each Notify call opens its own connection.
type Sender struct {
	client    *mail.Client
	addr      string
	from      *netmail.Address
	domain    string
	resolver  *notify.Resolver
	templates *notify.Templates
	catalog   *ticket.Catalog
}

// New validates cfg and returns a Sender. It does not connect to the
// server.
func New(cfg Config) (*Sender, error) {
	var problems []string
	if strings.TrimSpace(cfg.Host) == "" {
		problems = append(problems, "Host is required")
	}
	if cfg.Port == 0 {
		cfg.Port = 587
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		problems = append(problems, fmt.Sprintf("Port %d is out of range", cfg.Port))
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSMandatory
	}
	policy, ok := map[TLSPolicy]mail.TLSPolicy{
		TLSMandatory: mail.TLSMandatory, TLSOpportunistic: mail.TLSOpportunistic, TLSNone: mail.NoTLS,
	}[cfg.TLS]
	if !ok {
		problems = append(problems, fmt.Sprintf("TLS %q is not one of mandatory, opportunistic, none", cfg.TLS))
	}
	var from *netmail.Address
	if strings.TrimSpace(cfg.From) == "" {
		problems = append(problems, "From is required")
	} else if a, err := netmail.ParseAddress(cfg.From); err != nil {
		problems = append(problems, fmt.Sprintf("From %q is not an email address: %v", cfg.From, err))
	} else {
		from = a
		if cfg.Domain == "" {
			cfg.Domain = a.Address[strings.LastIndexByte(a.Address, '@')+1:]
		}
	}
	if from != nil && !validDomain(cfg.Domain) {
		problems = append(problems, fmt.Sprintf("Domain %q is not a domain name", cfg.Domain))
	}
	if cfg.Resolver == nil {
		problems = append(problems, "Resolver is required")
	}
	if cfg.Timeout < 0 {
		problems = append(problems, "Timeout must not be negative")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("email: invalid config: %s", strings.Join(problems, "; "))
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Templates == nil {
		cfg.Templates = notify.DefaultTemplates()
	}
	if cfg.Catalog == nil {
		cfg.Catalog = cfg.Resolver.Catalog
	}

	opts := []mail.Option{
		mail.WithPort(cfg.Port),
		mail.WithTLSPolicy(policy),
		mail.WithTimeout(cfg.Timeout),
		mail.WithHELO(cfg.Domain),
	}
	if cfg.Port == 465 && cfg.TLS != TLSNone {
		opts = append(opts, mail.WithSSL())
	}
	if cfg.Username != "" {
		auth := mail.SMTPAuthAutoDiscover
		if cfg.TLS == TLSNone {
			auth = mail.SMTPAuthPlain
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(cfg.Username), mail.WithPassword(cfg.Password))
	}
	client, err := mail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("email: %w", err)
	}
	return &Sender{
		client:    client,
		addr:      cfg.Host + ":" + strconv.Itoa(cfg.Port),
		from:      from,
		domain:    cfg.Domain,
		resolver:  cfg.Resolver,
		templates: cfg.Templates,
		catalog:   cfg.Catalog,
	}, nil
}

// RecipientError reports a mail that could not be written or sent to one
// recipient. Notify joins one per failed recipient, so a failure for one
// does not hide the others.
type RecipientError struct {
	Recipient notify.Recipient
	// Temporary reports whether the server refused the mail for now
	// (4xx) or the connection failed, so that a later attempt may
	// succeed.
	Temporary bool
	Err       error
}

// Error implements error.
func (e *RecipientError) Error() string {
	return fmt.Sprintf("email: mail to %s (%s): %v", e.Recipient.Address, e.Recipient.Audience, e.Err)
}

// Unwrap returns the underlying error.
func (e *RecipientError) Unwrap() error { return e.Err }

// Notify sends e to every recipient the resolver finds, one mail each,
// over one SMTP connection. It does not connect when there is no one to
// tell. The returned error joins a *[RecipientError] per recipient that
// was not reached; recipients reached before a failure are not sent to
// again by this call, but may be when the caller retries the event.
func (s *Sender) Notify(ctx context.Context, e notify.Event) error {
	recipients, err := s.resolver.Recipients(ctx, e)
	if err != nil {
		return fmt.Errorf("email: %s event %s: %w", e.Kind, e.ID, err)
	}
	if len(recipients) == 0 {
		return nil
	}
	if !validIDPart(e.ID) || !validIDPart(e.Ticket.ID) {
		return fmt.Errorf("email: %s event %q of ticket %q: IDs must be RFC 5322 dot-atoms to make Message-IDs", e.Kind, e.ID, e.Ticket.ID)
	}

	var (
		errs []error
		to   []notify.Recipient
		msgs []*mail.Msg
	)
	for i, r := range recipients {
		msg, err := s.message(e, r, i+1)
		if err != nil {
			errs = append(errs, &RecipientError{Recipient: r, Err: err})
			continue
		}
		to, msgs = append(to, r), append(msgs, msg)
	}
	if len(msgs) > 0 {
		errs = append(errs, s.send(ctx, to, msgs)...)
	}
	if len(errs) > 0 {
		return fmt.Errorf("email: %s event %s of ticket %s: %w", e.Kind, e.ID, e.Ticket.Number, errors.Join(errs...))
	}
	return nil
}

// send delivers msgs[i] to to[i] over one connection and returns an
// error per message that failed. ctx is checked before dialing and
// between messages; each SMTP command is bounded by the timeout.
func (s *Sender) send(ctx context.Context, to []notify.Recipient, msgs []*mail.Msg) []error {
	var errs []error
	failRest := func(from int, err error) []error {
		for i := from; i < len(msgs); i++ {
			errs = append(errs, &RecipientError{Recipient: to[i], Temporary: true, Err: err})
		}
		return errs
	}
	if err := ctx.Err(); err != nil {
		return failRest(0, err)
	}
	conn, err := s.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return failRest(0, fmt.Errorf("connect to %s: %w", s.addr, err))
	}
	for i, m := range msgs {
		if err := ctx.Err(); err != nil {
			failRest(i, err)
			break
		}
		if err := s.client.SendWithSMTPClient(conn, m); err != nil {
			errs = append(errs, &RecipientError{Recipient: to[i], Temporary: temporary(err), Err: err})
		}
	}
	// A failed QUIT loses nothing: the server has answered every mail.
	// QUIT leaves the connection open when it fails; close it then.
	if err := s.client.CloseWithSMTPClient(conn); err != nil {
		_ = conn.Close()
	}
	return errs
}

// temporary reports whether a send error may go away on a later try.
func temporary(err error) bool {
	var se *mail.SendError
	if errors.As(err, &se) {
		return se.IsTemp() || se.Reason == mail.ErrConnCheck
	}
	return true
}

// message writes the n-th mail of e, for r.
func (s *Sender) message(e notify.Event, r notify.Recipient, n int) (*mail.Msg, error) {
	content, err := s.templates.Render(e, r, s.catalog)
	if err != nil {
		return nil, err
	}
	m := mail.NewMsg()
	m.FromMailAddress(s.from)
	if err := m.AddToFormat(r.Name, r.Address); err != nil {
		return nil, fmt.Errorf("invalid address: %w", err)
	}
	m.Subject(content.Subject)
	m.SetMessageIDWithValue(messageID(e.ID, n, s.domain))
	thread := ThreadID(e.Ticket.ID, s.domain)
	m.SetGenHeaderPreformatted(mail.HeaderInReplyTo, thread)
	m.SetGenHeaderPreformatted(mail.HeaderReferences, thread)
	m.SetGenHeader(HeaderTicket, e.Ticket.Number)
	m.SetGenHeader(HeaderAutoSubmitted, "auto-generated")
	m.SetGenHeader(mail.HeaderXAutoResponseSuppress, "All")
	if r.Locale != "" {
		m.SetGenHeader(mail.HeaderContentLang, r.Locale)
	}
	m.SetUserAgent("ticketkit")
	m.SetBodyString(mail.TypeTextPlain, content.Text)
	if content.HTML != "" {
		m.AddAlternativeString(mail.TypeTextHTML, content.HTML)
	}
	return m, nil
}
