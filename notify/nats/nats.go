package nats

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/cloudevents"
)

var _ notify.Notifier = (*Publisher)(nil)

// Config configures a [Publisher]. Zero values mean the documented
// defaults.
type Config struct {
	// JetStream publishes the events: jetstream.New over the host's
	// connection, which the host opens (URL, credentials, TLS) and
	// closes. Required.
	JetStream jetstream.JetStream
	// SubjectPrefix starts the subject of every event: the subject is
	// cloudevents.Topic(SubjectPrefix, e), such as
	// "ticketkit.acme.ticket.opened". Default [DefaultSubjectPrefix].
	SubjectPrefix string
	// Subject, if set, returns the subject of an event instead; an
	// empty subject is a permanent failure.
	Subject func(e notify.Event) string
	// Stream, if set, is the stream the events must land in: a publish
	// that another stream acknowledges fails (JetStream's expected
	// stream). Default "": any stream whose subjects match.
	Stream string
	// Source is the prefix of the events' CloudEvents source, such as
	// "https://shop.example/helpdesk". Default
	// [cloudevents.DefaultSource].
	Source string
	// Timeout bounds one Notify call, until JetStream acknowledges the
	// message. Default [DefaultTimeout].
	Timeout time.Duration
}

// Defaults of [Config].
const (
	// DefaultSubjectPrefix is the default of Config.SubjectPrefix.
	DefaultSubjectPrefix = "ticketkit"
	// DefaultTimeout is the default of Config.Timeout.
	DefaultTimeout = 5 * time.Second
	// DefaultDuplicateWindow is the duplicate window of [StreamConfig]:
	// it covers the outbox's redeliveries with the Dispatcher's
	// defaults (a claim of one minute, ten attempts with backoff from
	// one second doubling: about 17 minutes in all), with room to spare.
	DefaultDuplicateWindow = time.Hour
)

// HeaderContentType is the header holding the content type of every
// message: cloudevents.MediaType. The Nats-Msg-Id header
// (jetstream.MsgIDHeader) holds the CloudEvent's id.
const HeaderContentType = "Content-Type"

// Publisher publishes notification events to NATS JetStream as
// CloudEvents. It is safe for concurrent use.
type Publisher struct {
	js      jetstream.JetStream
	subject func(notify.Event) (string, error)
	stream  string
	source  string
	timeout time.Duration
}

// WithDefaults returns a copy of c with every zero field set to its
// documented default. JetStream has none. [New] calls it.
func (c Config) WithDefaults() Config {
	c.SubjectPrefix = cmp.Or(c.SubjectPrefix, DefaultSubjectPrefix)
	c.Source = cmp.Or(c.Source, cloudevents.DefaultSource)
	c.Timeout = cmp.Or(c.Timeout, DefaultTimeout)
	return c
}

// validate reports every problem of a Config that WithDefaults filled,
// each naming its field.
func (c Config) validate() error {
	var errs []error
	if c.JetStream == nil {
		errs = append(errs, errors.New("Config.JetStream is required"))
	}
	if !validToken(c.SubjectPrefix, true) {
		errs = append(errs, fmt.Errorf("Config.SubjectPrefix %q is not a NATS subject (no spaces, '*' or '>', no empty token)", c.SubjectPrefix))
	}
	if c.Stream != "" && !validToken(c.Stream, false) {
		errs = append(errs, fmt.Errorf("Config.Stream %q is not a stream name", c.Stream))
	}
	if c.Timeout < 0 {
		errs = append(errs, errors.New("Config.Timeout must not be negative"))
	}
	return errors.Join(errs...)
}

// validToken reports whether s is a subject (dots allowed) or a single
// token: not empty, without whitespace, '*', '>' or an empty token.
func validToken(s string, dots bool) bool {
	if s == "" {
		return false
	}
	last := byte('.')
	for i := range len(s) {
		c := s[i]
		switch {
		case c == '.' && (!dots || last == '.'):
			return false
		case c <= ' ' || c == 0x7f || c == '*' || c == '>':
			return false
		}
		last = c
	}
	return last != '.'
}

// New fills cfg's defaults, validates it, reporting every invalid field
// at once, and returns a Publisher.
func New(cfg Config) (*Publisher, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("nats: invalid Config: %w", err)
	}
	p := &Publisher{js: cfg.JetStream, stream: cfg.Stream, source: cfg.Source, timeout: cfg.Timeout}
	prefix := cfg.SubjectPrefix
	p.subject = func(e notify.Event) (string, error) { return cloudevents.Topic(prefix, e) }
	if f := cfg.Subject; f != nil {
		p.subject = func(e notify.Event) (string, error) {
			if s := f(e); validToken(s, true) {
				return s, nil
			}
			return "", fmt.Errorf("Config.Subject gave event %s no valid subject", e.ID)
		}
	}
	return p, nil
}

// Notify publishes e as a CloudEvent and waits until JetStream has
// stored it (or dropped it as a duplicate of a message with the same
// Nats-Msg-Id within the stream's duplicate window, which counts as
// delivered).
//
// An event that cannot be encoded or routed, and a message larger than
// the server or stream allows, fail for good ([notify.ErrPermanent]).
// Every other failure is temporary, for the outbox to retry: no
// connection, no stream for the subject, no acknowledgement within
// Config.Timeout. When ctx ends first, the error matches ctx.Err().
func (p *Publisher) Notify(ctx context.Context, e notify.Event) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("nats: event %s: %w", e.ID, err)
	}
	body, err := cloudevents.Marshal(e, p.source)
	if err != nil {
		return notify.Permanent(fmt.Errorf("nats: event %s: %w", e.ID, err))
	}
	subject, err := p.subject(e)
	if err != nil {
		return notify.Permanent(fmt.Errorf("nats: event %s: %w", e.ID, err))
	}
	msg := &natsgo.Msg{Subject: subject, Data: body, Header: natsgo.Header{}}
	msg.Header.Set(HeaderContentType, cloudevents.MediaType)
	opts := []jetstream.PublishOpt{jetstream.WithMsgID(e.IdempotencyKey(""))}
	if p.stream != "" {
		opts = append(opts, jetstream.WithExpectStream(p.stream))
	}

	pctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	_, err = p.js.PublishMsg(pctx, msg, opts...)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("nats: publish event %s to %s: %w", e.ID, subject, ctx.Err())
	}
	err = fmt.Errorf("nats: publish event %s to %s: %w", e.ID, subject, err)
	if permanent(err) {
		return notify.Permanent(err)
	}
	return err
}

// permanent reports whether a publish error cannot be fixed by retrying.
func permanent(err error) bool {
	var api *jetstream.APIError
	if errors.As(err, &api) && api.ErrorCode == jetstream.JSErrCodeStreamMessageExceedsMaximum {
		return true
	}
	return errors.Is(err, natsgo.ErrMaxPayload)
}

// StreamConfig returns a configuration for a stream named name that
// holds the events published under subjectPrefix ("" means
// [DefaultSubjectPrefix]): every subject below it, files on disk, and a
// duplicate window of [DefaultDuplicateWindow]. Hosts create the stream
// with jetstream's CreateOrUpdateStream, adjusting retention to taste;
// a shorter duplicate window lets repeats of old events through to the
// consumers, which then drop them by the CloudEvent id.
func StreamConfig(name, subjectPrefix string) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:       name,
		Subjects:   []string{cmp.Or(subjectPrefix, DefaultSubjectPrefix) + ".>"},
		Storage:    jetstream.FileStorage,
		Duplicates: DefaultDuplicateWindow,
	}
}
