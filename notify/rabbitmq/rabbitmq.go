package rabbitmq

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/cloudevents"
)

var _ notify.Notifier = (*Publisher)(nil)

// Config configures a [Publisher]. Zero values mean the documented
// defaults.
type Config struct {
	// URL is the broker's AMQP 0-9-1 URL, such as
	// "amqps://user:pass@rabbit.internal/vhost". Required. Error
	// messages show it without user information.
	URL string
	// AMQP configures the connection: TLS, SASL, heartbeat, the
	// connection name. Its Dial, if nil, dials with Timeout as the
	// connect timeout.
	AMQP amqp.Config
	// Exchange receives every event; the host declares it, usually as a
	// durable topic exchange, and binds its queues. Default
	// [DefaultExchange].
	Exchange string
	// RoutingKey, if set, returns the routing key of an event. Default:
	// cloudevents.Topic("", e), the tenant and the kind, such as
	// "acme.ticket.opened".
	RoutingKey func(e notify.Event) string
	// Source is the prefix of the events' CloudEvents source, such as
	// "https://shop.example/helpdesk". Default
	// [cloudevents.DefaultSource].
	Source string
	// Timeout bounds one Notify call: connecting when there is no
	// connection, publishing and waiting for the broker's confirm.
	// Default [DefaultTimeout].
	Timeout time.Duration
	// MaxIdleChannels is how many confirm-mode channels the Publisher
	// keeps open between calls; concurrent calls beyond it open more and
	// close them after use. Default [DefaultMaxIdleChannels].
	MaxIdleChannels int
}

// Defaults of [Config].
const (
	// DefaultExchange is the default of Config.Exchange.
	DefaultExchange = "ticketkit"
	// DefaultTimeout is the default of Config.Timeout.
	DefaultTimeout = 5 * time.Second
	// DefaultMaxIdleChannels is the default of Config.MaxIdleChannels.
	DefaultMaxIdleChannels = 4
)

// Errors of a delivery the broker refused. Both are temporary: the
// outbox retries the event.
var (
	// ErrNacked: the broker answered the publish with a negative
	// confirm (basic.nack), such as a queue at its length limit with
	// overflow "reject-publish".
	ErrNacked = errors.New("rabbitmq: the broker refused the message (nack)")
	// ErrUnroutable: the broker returned the message, published as
	// mandatory, because no queue is bound to the exchange for its
	// routing key. It would have been lost.
	ErrUnroutable = errors.New("rabbitmq: no queue is bound for the message's routing key (returned)")
	// ErrClosed: the Publisher was closed.
	ErrClosed = errors.New("rabbitmq: publisher closed")
)

// WithDefaults returns a copy of c with every zero field set to its
// documented default. URL has none. [New] calls it.
func (c Config) WithDefaults() Config {
	c.Exchange = cmp.Or(c.Exchange, DefaultExchange)
	c.Source = cmp.Or(c.Source, cloudevents.DefaultSource)
	c.Timeout = cmp.Or(c.Timeout, DefaultTimeout)
	c.MaxIdleChannels = cmp.Or(c.MaxIdleChannels, DefaultMaxIdleChannels)
	if c.AMQP.Dial == nil {
		c.AMQP.Dial = amqp.DefaultDial(c.Timeout)
	}
	return c
}

// validate reports every problem of a Config that WithDefaults filled,
// each naming its field.
func (c Config) validate() error {
	var errs []error
	if c.URL == "" {
		errs = append(errs, errors.New("Config.URL is required"))
	} else if _, err := amqp.ParseURI(c.URL); err != nil {
		errs = append(errs, fmt.Errorf("Config.URL %s: %w", redact(c.URL), err))
	}
	if c.Timeout < 0 {
		errs = append(errs, errors.New("Config.Timeout must not be negative"))
	}
	if c.MaxIdleChannels < 0 {
		errs = append(errs, errors.New("Config.MaxIdleChannels must not be negative"))
	}
	return errors.Join(errs...)
}

// redact drops the user information of a URL.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	return u.String()
}

// Publisher publishes notification events to a RabbitMQ exchange as
// persistent CloudEvents, with publisher confirms. It connects on first
// use and again after the connection is lost. It is safe for concurrent
// use; [Publisher.Close] closes its connection.
type Publisher struct {
	url        string
	safeURL    string
	amqp       amqp.Config
	exchange   string
	routingKey func(notify.Event) (string, error)
	source     string
	timeout    time.Duration

	lock   chan struct{} // one slot: held while (re)connecting, taken with a context
	conn   *amqp.Connection
	closed bool
	idle   chan *channel
}

// channel is a confirm-mode channel with its returns.
type channel struct {
	ch      *amqp.Channel
	returns chan amqp.Return
	closes  chan *amqp.Error
}

// New fills cfg's defaults, validates it, reporting every invalid field
// at once, and returns a Publisher. It does not connect: the first
// Notify does.
func New(cfg Config) (*Publisher, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("rabbitmq: invalid Config: %w", err)
	}
	p := &Publisher{
		url: cfg.URL, safeURL: redact(cfg.URL), amqp: cfg.AMQP, exchange: cfg.Exchange, source: cfg.Source,
		timeout: cfg.Timeout, lock: make(chan struct{}, 1), idle: make(chan *channel, cfg.MaxIdleChannels),
	}
	p.routingKey = func(e notify.Event) (string, error) { return cloudevents.Topic("", e) }
	if f := cfg.RoutingKey; f != nil {
		p.routingKey = func(e notify.Event) (string, error) { return f(e), nil }
	}
	return p, nil
}

// Notify publishes e as a CloudEvent to the exchange, persistent and
// mandatory, with MessageId = the CloudEvent's id = e's idempotency key,
// and waits for the broker's confirm.
//
// An event that cannot be encoded fails for good
// ([notify.ErrPermanent]). Every other failure is temporary, for the
// outbox to retry: no connection, a closed channel (such as an exchange
// that does not exist), a negative confirm ([ErrNacked]), a message
// returned as unroutable ([ErrUnroutable]), no confirm within
// Config.Timeout. When ctx ends first, the error matches ctx.Err().
//
// A retried event may reach the queues twice (the broker confirmed it,
// but the outbox did not learn it in time): consumers drop repeats by
// the message's MessageId.
func (p *Publisher) Notify(ctx context.Context, e notify.Event) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("rabbitmq: event %s: %w", e.ID, err)
	}
	ce, err := cloudevents.New(e, p.source)
	if err != nil {
		return notify.Permanent(fmt.Errorf("rabbitmq: event %s: %w", e.ID, err))
	}
	body, err := json.Marshal(ce)
	if err != nil {
		return notify.Permanent(fmt.Errorf("rabbitmq: event %s: %w", e.ID, err))
	}
	key, err := p.routingKey(e)
	if err != nil {
		return notify.Permanent(fmt.Errorf("rabbitmq: event %s: %w", e.ID, err))
	}
	msg := amqp.Publishing{
		ContentType: cloudevents.MediaType, DeliveryMode: amqp.Persistent, MessageId: ce.ID,
		Timestamp: ce.Time, Type: ce.Type, AppId: "ticketkit", Body: body,
	}

	pctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	err = p.publish(pctx, key, msg)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		err = ctx.Err()
	} else if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("no confirm within %v: %w", p.timeout, err)
	}
	return fmt.Errorf("rabbitmq: publish event %s to exchange %q, key %q: %w", e.ID, p.exchange, key, err)
}

// publish sends msg on a channel and waits for its confirm.
func (p *Publisher) publish(ctx context.Context, key string, msg amqp.Publishing) error {
	c, err := p.channel(ctx)
	if err != nil {
		return err
	}
	// The write itself is not context-aware (a blocked connection stops
	// reading): it runs apart, and the channel is dropped if ctx ends.
	type sent struct {
		dc  *amqp.DeferredConfirmation
		err error
	}
	done := make(chan sent, 1)
	go func() {
		dc, err := c.ch.PublishWithDeferredConfirm(p.exchange, key, true, false, msg)
		done <- sent{dc, err}
	}()
	var s sent
	select {
	case s = <-done:
	case <-ctx.Done():
		go func() { <-done; c.discard() }() // the write may end long after
		return ctx.Err()
	}
	if s.err != nil {
		c.discard()
		return fmt.Errorf("publish: %w", s.err)
	}
	select {
	case <-s.dc.Done():
	case <-ctx.Done():
		c.discard() // a confirm may still come: the channel is not reused
		return ctx.Err()
	}
	// The broker sends a return before the confirm of the same message,
	// and the client hands it over before it resolves the confirm.
	select {
	case r, ok := <-c.returns:
		if ok {
			p.release(c)
			return fmt.Errorf("%w: %d %s", ErrUnroutable, r.ReplyCode, r.ReplyText)
		}
		// Closed with the channel: the confirm is negative, see below.
	default:
	}
	if !s.dc.Acked() {
		select {
		case cerr := <-c.closes:
			c.discard()
			if cerr != nil {
				return fmt.Errorf("channel closed: %w", cerr)
			}
			return errors.New("channel closed")
		default:
		}
		if c.ch.IsClosed() {
			c.discard()
			return errors.New("channel closed before the confirm")
		}
		p.release(c)
		return ErrNacked
	}
	p.release(c)
	return nil
}

// channel returns an idle channel, or opens one, connecting first when
// there is no connection.
func (p *Publisher) channel(ctx context.Context) (*channel, error) {
	for {
		select {
		case c := <-p.idle:
			if !c.ch.IsClosed() {
				return c, nil
			}
			continue
		default:
		}
		break
	}
	select {
	case p.lock <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-p.lock }()
	if p.closed {
		return nil, ErrClosed
	}
	type opened struct {
		conn *amqp.Connection
		c    *channel
		err  error
	}
	conn := p.conn
	done := make(chan opened, 1)
	go func() {
		o := opened{conn: conn}
		if o.conn == nil || o.conn.IsClosed() {
			o.conn, o.err = amqp.DialConfig(p.url, p.amqp)
			if o.err != nil {
				o.err = fmt.Errorf("connect to %s: %w", p.safeURL, o.err)
				done <- o
				return
			}
		}
		o.c, o.err = open(o.conn)
		done <- o
	}()
	select {
	case o := <-done:
		if o.conn != conn && o.conn != nil {
			if conn != nil {
				_ = conn.Close()
			}
			p.conn = o.conn
		}
		return o.c, o.err
	case <-ctx.Done():
		// Whatever the attempt opens later is closed, unless it is the
		// connection in use.
		go func() {
			o := <-done
			if o.c != nil {
				o.c.discard()
			}
			if o.conn != nil && o.conn != conn {
				_ = o.conn.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// open opens a confirm-mode channel on conn.
func open(conn *amqp.Connection) (*channel, error) {
	ch, err := conn.Channel()
	if err != nil {
		return nil, fmt.Errorf("open channel: %w", err)
	}
	if err := ch.Confirm(false); err != nil {
		_ = ch.Close()
		return nil, fmt.Errorf("confirm mode: %w", err)
	}
	c := &channel{ch: ch, returns: make(chan amqp.Return, 1), closes: make(chan *amqp.Error, 1)}
	ch.NotifyReturn(c.returns)
	ch.NotifyClose(c.closes)
	return c, nil
}

// release keeps c for the next call, or closes it when enough are idle.
func (p *Publisher) release(c *channel) {
	select {
	case <-c.returns: // none should be left; never hand one to the next message
	default:
	}
	select {
	case p.idle <- c:
	default:
		c.discard()
	}
}

// discard closes c, apart: closing waits for the broker's answer, which
// a stalled broker never gives (the wait then ends when the connection
// is found dead or closed).
func (c *channel) discard() { go func() { _ = c.ch.Close() }() }

// Close closes the Publisher's connection; later calls to Notify fail
// with [ErrClosed]. Calls in flight end with an error.
func (p *Publisher) Close() error {
	p.lock <- struct{}{}
	defer func() { <-p.lock }()
	if p.closed {
		return nil
	}
	p.closed = true
	for {
		select {
		case c := <-p.idle:
			c.discard()
			continue
		default:
		}
		break
	}
	if p.conn == nil {
		return nil
	}
	return p.conn.Close()
}
