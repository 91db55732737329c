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
// to the ticket's thread root [mailthread.ThreadID],
// "<ticket-{ticket ID}@{domain}>", in In-Reply-To and References, so that
// mail clients show all mails of a ticket as one conversation. Replies
// keep that root in their References header: [mailthread.FindTicketID]
// turns it back into the ticket ID. The subject carries the ticket number
// too, such as "[TK-2026-000042]", and the header
// [mailthread.HeaderTicket] (X-Ticketkit-Ticket) holds it.
//
// # Loops
//
// Mails are marked "Auto-Submitted: auto-generated" (RFC 3834) and
// "X-Auto-Response-Suppress: All", so that vacation responders and other
// robots do not answer them.
//
// # Failures and retries
//
// Notify returns an error when any recipient was not reached, with a
// *[RecipientError] per such recipient that says whether a later attempt
// may succeed, so that an outbox can retry the event. Every SMTP command
// is bounded by [Config.Timeout], and cancelling Notify's context aborts
// the connection at once.
package email

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/ticketkit/ticketkit/mailthread"
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
	// TLSImplicit speaks TLS from the first byte (SMTPS, RFC 8314), as
	// servers do on port 465, whatever the port.
	TLSImplicit TLSPolicy = "implicit"
	// TLSOpportunistic uses STARTTLS when the server offers it and sends
	// in clear text otherwise; on port 465 it means TLSImplicit.
	TLSOpportunistic TLSPolicy = "opportunistic"
	// TLSNone never encrypts. Meant for a local server in tests; go-mail
	// then sends a password only to localhost.
	TLSNone TLSPolicy = "none"
)

// TLSPolicies returns every TLS policy.
func TLSPolicies() []TLSPolicy {
	return []TLSPolicy{TLSMandatory, TLSImplicit, TLSOpportunistic, TLSNone}
}

// HeaderAutoSubmitted marks mails as sent by a machine (RFC 3834). The
// Sender sets it besides the standard headers and
// [mailthread.HeaderTicket].
const HeaderAutoSubmitted = "Auto-Submitted"

// Config configures a [Sender]. Zero values mean the documented
// defaults.
type Config struct {
	// Host is the SMTP server's host name. Required.
	Host string
	// Port is the SMTP server's port. Default [DefaultPort]
	// (submission), or [DefaultImplicitTLSPort] with TLSImplicit.
	Port int
	// Username and Password authenticate to the server when Username is
	// set. The strongest mechanism the server offers is used (PLAIN or
	// LOGIN only over TLS); with TLSNone, PLAIN, which go-mail sends only
	// to localhost.
	Username string
	Password string
	// TLS is the encryption policy. Default [DefaultTLS].
	TLS TLSPolicy
	// TLSConfig, if set, configures TLS, for example RootCAs for a
	// server with a certificate of a private CA. Default: the system's
	// roots and TLS 1.2 or newer. An empty ServerName means Host.
	TLSConfig *tls.Config
	// From is the sender's address, optionally with a display name:
	// "Help desk <help@shop.example>". Required.
	From string
	// Domain is the right-hand side of Message-IDs and thread IDs.
	// Default: the domain of From.
	Domain string
	// Resolver decides who receives each event. Required.
	Resolver *notify.Resolver
	// Templates write the mails. Default notify.DefaultTemplates().
	// A tenant's own templates (Resolver.Tenants, see
	// notify.TenantSetup) apply over them for that tenant's events.
	Templates *notify.Templates
	// Catalog gives the labels of statuses and priorities. Default
	// Resolver.Catalog. A tenant's catalog (Resolver.Tenants or
	// Resolver.TenantCatalog) replaces it for that tenant's events.
	Catalog *ticket.Catalog
	// Timeout bounds connecting (with the TLS handshake) and each SMTP
	// command. Default [DefaultTimeout].
	Timeout time.Duration
}

// Sender sends notification events as email. It is safe for concurrent
// use; each Notify call opens its own connection.
type Sender struct {
	client      *mail.Client
	addr        string
	implicitTLS bool
	tlsConfig   *tls.Config
	from        *netmail.Address
	domain      string
	resolver    *notify.Resolver
	templates   *notify.Templates
	catalog     *ticket.Catalog
}

// Defaults of [Config], which [Config.WithDefaults] fills in.
const (
	// DefaultPort is the default of Config.Port: SMTP submission.
	DefaultPort = 587
	// DefaultImplicitTLSPort is the default of Config.Port with
	// TLSImplicit; on this port every policy but TLSNone speaks TLS from
	// the first byte.
	DefaultImplicitTLSPort = 465
	// DefaultTLS is the default of Config.TLS.
	DefaultTLS = TLSMandatory
	// DefaultTimeout is the default of Config.Timeout.
	DefaultTimeout = 30 * time.Second
)

// policies maps each TLSPolicy to go-mail's.
var policies = map[TLSPolicy]mail.TLSPolicy{
	TLSMandatory: mail.TLSMandatory, TLSOpportunistic: mail.TLSOpportunistic, TLSNone: mail.NoTLS,
	// The dialer does the handshake; go-mail only reads the TLS state,
	// so that authentication knows the connection is safe.
	TLSImplicit: mail.TLSOpportunistic,
}

// WithDefaults returns a copy of c with every zero field set to its
// documented default: TLS, Port (after TLS), Domain (when From is an
// address), Templates, Catalog (when Resolver is set) and Timeout. Host,
// From and Resolver have none. [New] calls it.
func (c Config) WithDefaults() Config {
	c.TLS = cmp.Or(c.TLS, DefaultTLS)
	if c.Port == 0 {
		c.Port = DefaultPort
		if c.TLS == TLSImplicit {
			c.Port = DefaultImplicitTLSPort
		}
	}
	if a, err := netmail.ParseAddress(c.From); err == nil && c.Domain == "" {
		c.Domain = a.Address[strings.LastIndexByte(a.Address, '@')+1:]
	}
	if c.Templates == nil {
		c.Templates = notify.DefaultTemplates()
	}
	if c.Catalog == nil && c.Resolver != nil {
		c.Catalog = c.Resolver.Catalog
	}
	c.Timeout = cmp.Or(c.Timeout, DefaultTimeout)
	return c
}

// validate reports every problem of a Config that WithDefaults filled,
// each naming its field.
func (c Config) validate() error {
	var errs []error
	if strings.TrimSpace(c.Host) == "" {
		errs = append(errs, errors.New("Config.Host is required"))
	}
	if c.Port < 1 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("Config.Port %d is out of range", c.Port))
	}
	if _, ok := policies[c.TLS]; !ok {
		errs = append(errs, fmt.Errorf("Config.TLS %q is not one of mandatory, implicit, opportunistic, none", c.TLS))
	}
	if strings.TrimSpace(c.From) == "" {
		errs = append(errs, errors.New("Config.From is required"))
	} else if _, err := netmail.ParseAddress(c.From); err != nil {
		errs = append(errs, fmt.Errorf("Config.From %q is not an email address: %w", c.From, err))
	} else if !validDomain(c.Domain) {
		errs = append(errs, fmt.Errorf("Config.Domain %q is not a domain name", c.Domain))
	}
	if c.Resolver == nil {
		errs = append(errs, errors.New("Config.Resolver is required"))
	}
	if c.Timeout < 0 {
		errs = append(errs, errors.New("Config.Timeout must not be negative"))
	}
	return errors.Join(errs...)
}

// New fills cfg's defaults (see [Config.WithDefaults]), validates it,
// reporting every invalid field at once, and returns a Sender. It does
// not connect to the server.
func New(cfg Config) (*Sender, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("email: invalid Config: %w", err)
	}
	from, _ := netmail.ParseAddress(cfg.From)
	policy := policies[cfg.TLS]

	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.TLSConfig != nil {
		tlsConfig = cfg.TLSConfig.Clone()
	}
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = cfg.Host
	}
	s := &Sender{
		addr:        net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)),
		implicitTLS: cfg.TLS == TLSImplicit || cfg.Port == DefaultImplicitTLSPort && cfg.TLS != TLSNone,
		tlsConfig:   tlsConfig,
		from:        from,
		domain:      cfg.Domain,
		resolver:    cfg.Resolver,
		templates:   cfg.Templates,
		catalog:     cfg.Catalog,
	}
	if s.implicitTLS {
		policy = mail.TLSOpportunistic
	}

	opts := []mail.Option{
		mail.WithPort(cfg.Port),
		mail.WithTLSPolicy(policy),
		mail.WithTLSConfig(tlsConfig),
		mail.WithTimeout(cfg.Timeout),
		mail.WithHELO(cfg.Domain),
		// Our dialer does implicit TLS and lets send close the
		// connection when the context ends or go-mail gives up on it.
		mail.WithDialContextFunc(s.dial),
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
	s.client = client
	return s, nil
}

// RecipientError reports a mail that could not be written or sent to one
// recipient. Notify joins one per failed recipient, so a failure for one
// does not hide the others.
type RecipientError struct {
	// Recipient is who was not reached.
	Recipient notify.Recipient
	// Temporary reports whether a later attempt may succeed: the server
	// refused the mail for now (4xx), the connection failed or timed
	// out, the session could not be set up (TLS, authentication: a
	// matter of the server or the configuration, not of the mail), or
	// the context ended. It is false when the server refused the mail
	// for good (5xx), for example for an unknown mailbox, and when the
	// mail could not be written.
	Temporary bool
	// Err is the cause.
	Err error
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
// was not reached, and matches [notify.ErrPermanent] when none of them
// may succeed later; recipients reached before a failure are not sent to
// again by this call, but may be when the caller retries the event.
func (s *Sender) Notify(ctx context.Context, e notify.Event) error {
	out, err := s.resolver.Outgoing(ctx, e, s.templates, s.catalog)
	if err != nil {
		return fmt.Errorf("email: %s event %s: %w", e.Kind, e.ID, err)
	}
	recipients := out.Recipients
	if len(recipients) == 0 {
		return nil
	}
	if !mailthread.ValidLocalPart(e.ID) || !mailthread.ValidLocalPart(e.Ticket.ID) {
		return notify.Permanent(fmt.Errorf("email: %s event %q of ticket %q: IDs must be RFC 5322 dot-atoms to make Message-IDs", e.Kind, e.ID, e.Ticket.ID))
	}

	var (
		errs []error
		to   []notify.Recipient
		msgs []*mail.Msg
	)
	for i, r := range recipients {
		msg, err := s.message(out, e, r, i+1)
		if err != nil {
			errs = append(errs, &RecipientError{Recipient: r, Err: err})
			continue
		}
		to, msgs = append(to, r), append(msgs, msg)
	}
	if len(msgs) > 0 {
		errs = append(errs, s.send(ctx, to, msgs)...)
	}
	if len(errs) == 0 {
		return nil
	}
	err = fmt.Errorf("email: %s event %s of ticket %s: %w", e.Kind, e.ID, e.Ticket.Number, errors.Join(errs...))
	if allPermanent(errs) {
		// No retry can reach anyone who was not reached.
		return notify.Permanent(err)
	}
	return err
}

// allPermanent reports whether no error of errs is temporary.
func allPermanent(errs []error) bool {
	for _, err := range errs {
		var re *RecipientError
		if !errors.As(err, &re) || re.Temporary {
			return false
		}
	}
	return true
}

// send delivers msgs[i] to to[i] over one connection and returns an
// error per message that failed. The connection is closed when ctx ends,
// which aborts the SMTP command in progress; otherwise each command is
// bounded by the timeout.
func (s *Sender) send(ctx context.Context, to []notify.Recipient, msgs []*mail.Msg) []error {
	var errs []error
	failFrom := func(from int, err error) []error {
		for i := from; i < len(msgs); i++ {
			errs = append(errs, &RecipientError{Recipient: to[i], Temporary: true, Err: err})
		}
		return errs
	}
	if err := ctx.Err(); err != nil {
		return failFrom(0, err)
	}
	w := &watch{ctx: ctx}
	defer w.close()
	client, err := s.client.DialToSMTPClientWithContext(context.WithValue(ctx, watchKey{}, w))
	if err != nil {
		return failFrom(0, withContext(ctx, fmt.Errorf("connect to %s: %w", s.addr, err)))
	}
	for i, m := range msgs {
		if err := ctx.Err(); err != nil {
			return failFrom(i, err)
		}
		err := s.client.SendWithSMTPClient(client, m)
		if err == nil || m.IsDelivered() {
			// A failed RSET after the server accepted the mail loses
			// nothing; sending again would duplicate it.
			continue
		}
		if ctx.Err() != nil {
			return failFrom(i, withContext(ctx, err))
		}
		errs = append(errs, &RecipientError{Recipient: to[i], Temporary: temporary(err), Err: err})
	}
	// A failed QUIT loses nothing: the server has answered every mail.
	// w.close closes the connection in any case.
	_ = s.client.CloseWithSMTPClient(client)
	return errs
}

// withContext makes err match ctx.Err() when ctx has ended, since that
// is the likely reason err happened.
func withContext(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%w: %w", cerr, err)
	}
	return err
}

// temporary reports whether a send error may go away on a later try.
func temporary(err error) bool {
	var se *mail.SendError
	if !errors.As(err, &se) {
		return true
	}
	switch code := se.ErrorCode(); {
	case code >= 500:
		return false
	case code >= 400:
		return true
	}
	switch se.Reason {
	case mail.ErrGetSender, mail.ErrGetRcpts, mail.ErrNoUnencoded:
		return false // the mail cannot be sent as written
	}
	return true // no reply from the server: the connection failed
}

// watchKey is the context key of the *watch of a connection being dialed.
type watchKey struct{}

// watch holds the network connection of one send, so that it can be
// closed when the send's context ends, and always when the send is over:
// go-mail leaves the connection open when the session setup (EHLO,
// STARTTLS, AUTH) fails or a command times out.
type watch struct {
	ctx  context.Context
	mu   sync.Mutex
	conn net.Conn
	stop func() bool
}

// set records conn and closes it as soon as w.ctx ends.
func (w *watch) set(conn net.Conn) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closeLocked()
	w.conn = conn
	w.stop = context.AfterFunc(w.ctx, func() { _ = conn.Close() })
}

// close closes the connection, if any.
func (w *watch) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closeLocked()
}

func (w *watch) closeLocked() {
	if w.conn == nil {
		return
	}
	w.stop()
	_ = w.conn.Close()
	w.conn, w.stop = nil, nil
}

// dial connects to addr, with TLS from the start for implicit TLS, and
// hands the connection to the watch in ctx. go-mail bounds ctx by the
// timeout.
func (s *Sender) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var (
		d    net.Dialer
		conn net.Conn
		err  error
	)
	if s.implicitTLS {
		conn, err = (&tls.Dialer{NetDialer: &d, Config: s.tlsConfig}).DialContext(ctx, network, addr)
	} else {
		conn, err = d.DialContext(ctx, network, addr)
	}
	if err != nil {
		return nil, err
	}
	if w, ok := ctx.Value(watchKey{}).(*watch); ok {
		w.set(conn)
	}
	return conn, nil
}

// message writes the n-th mail of e, for r.
func (s *Sender) message(out notify.Outgoing, e notify.Event, r notify.Recipient, n int) (*mail.Msg, error) {
	content, err := out.Templates.Render(e, r, out.Catalog)
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
	thread := mailthread.ThreadID(e.Ticket.ID, s.domain)
	m.SetGenHeaderPreformatted(mail.HeaderInReplyTo, thread)
	m.SetGenHeaderPreformatted(mail.HeaderReferences, thread)
	m.SetGenHeader(mailthread.HeaderTicket, e.Ticket.Number)
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
