package rabbitmq_test

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/bustest"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/cloudevents"
	"github.com/ticketkit/ticketkit/notify/rabbitmq"
)

func TestMain(m *testing.M) {
	bustest.Main(m, "RabbitMQ", bustest.RabbitMQEnv, bustest.RabbitMQURL())
}

// bundle is what setup returns: a channel for the test's own checks and
// a topic exchange of the test's own with one queue bound to every key.
type bundle struct {
	ch       *amqp.Channel
	exchange string
	queue    string
}

// setup declares an exchange and a durable queue of the test's own,
// deleted when the test ends.
func setup(t testing.TB) bundle {
	t.Helper()
	return setupQueue(t, true)
}

// setupQueue is setup with a durable or a transient queue.
func setupQueue(t testing.TB, durable bool) bundle {
	t.Helper()
	conn, err := amqp.DialConfig(bustest.RabbitMQURL(), amqp.Config{Dial: amqp.DefaultDial(5 * time.Second)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	ch, err := conn.Channel()
	require.NoError(t, err)
	b := bundle{ch: ch, exchange: bustest.Name("tk"), queue: bustest.Name("tkq")}
	require.NoError(t, ch.ExchangeDeclare(b.exchange, amqp.ExchangeTopic, true, false, false, false, nil))
	_, err = ch.QueueDeclare(b.queue, durable, false, false, false, nil)
	require.NoError(t, err)
	require.NoError(t, ch.QueueBind(b.queue, "#", b.exchange, false, nil))
	t.Cleanup(func() {
		_, err := ch.QueueDelete(b.queue, false, false, false)
		require.NoError(t, err)
		require.NoError(t, ch.ExchangeDelete(b.exchange, false, false))
	})
	return b
}

func (b bundle) publisher(t testing.TB, cfg rabbitmq.Config) *rabbitmq.Publisher {
	t.Helper()
	cfg.URL = bustest.RabbitMQURL()
	if cfg.Exchange == "" {
		cfg.Exchange = b.exchange
	}
	p, err := rabbitmq.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// count returns the number of messages ready in the queue.
func (b bundle) count(t testing.TB) int {
	t.Helper()
	q, err := b.ch.QueueDeclarePassive(b.queue, true, false, false, false, nil)
	require.NoError(t, err)
	return q.Messages
}

// read takes every message of the queue.
func (b bundle) read(t testing.TB) []amqp.Delivery {
	t.Helper()
	var out []amqp.Delivery
	for {
		d, ok, err := b.ch.Get(b.queue, true)
		require.NoError(t, err)
		if !ok {
			return out
		}
		out = append(out, d)
	}
}

// deadURL returns the URL of a port on which nothing listens.
func deadURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "amqp://guest:guest@" + addr + "/"
}

// silentURL returns the URL of a server that accepts connections and
// never answers.
func silentURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	return "amqp://guest:guest@" + l.Addr().String() + "/"
}

func TestNew(t *testing.T) {
	t.Parallel()
	t.Run("RejectsBadConfigNamingEveryField", func(t *testing.T) {
		t.Parallel()
		_, err := rabbitmq.New(rabbitmq.Config{Timeout: -1, MaxIdleChannels: -1})
		for _, f := range []string{"Config.URL", "Config.Timeout", "Config.MaxIdleChannels"} {
			require.ErrorContains(t, err, f)
		}
		_, err = rabbitmq.New(rabbitmq.Config{URL: "http://user:secret@host/"})
		require.ErrorContains(t, err, "Config.URL")
		require.NotContains(t, err.Error(), "secret")
	})
	t.Run("Defaults", func(t *testing.T) {
		t.Parallel()
		c := rabbitmq.Config{}.WithDefaults()
		require.Equal(t, rabbitmq.DefaultExchange, c.Exchange)
		require.Equal(t, rabbitmq.DefaultTimeout, c.Timeout)
		require.Equal(t, rabbitmq.DefaultMaxIdleChannels, c.MaxIdleChannels)
		require.Equal(t, cloudevents.DefaultSource, c.Source)
		require.NotNil(t, c.AMQP.Dial)
	})
	t.Run("DoesNotConnect", func(t *testing.T) {
		t.Parallel()
		_, err := rabbitmq.New(rabbitmq.Config{URL: deadURL(t)})
		require.NoError(t, err)
	})
}

func TestPublisher_Notify(t *testing.T) {
	t.Parallel()
	t.Run("EveryKindRoundTripsThroughAConsumer", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		p := b.publisher(t, rabbitmq.Config{Source: "https://shop.example/helpdesk"})
		events := bustest.Events("acme.de")
		for _, e := range events {
			require.NoError(t, p.Notify(t.Context(), e))
		}
		msgs := b.read(t)
		require.Len(t, msgs, len(notify.Kinds()))
		for i, m := range msgs {
			e := events[i]
			got := bustest.CheckEvent(t, e, "https://shop.example/helpdesk", m.Body)
			require.Equal(t, e.ID, m.MessageId, "MessageId is the idempotency key")
			require.Equal(t, cloudevents.MediaType, m.ContentType)
			require.Equal(t, got.Type, m.Type)
			require.Equal(t, uint8(amqp.Persistent), m.DeliveryMode)
			require.Equal(t, "acme%2Ede."+string(e.Kind), m.RoutingKey)
			require.Equal(t, b.exchange, m.Exchange)
		}
	})
	t.Run("ConcurrentCallsEachGetTheirConfirm", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		p := b.publisher(t, rabbitmq.Config{MaxIdleChannels: 2})
		var wg sync.WaitGroup
		errs := make(chan error, 200)
		for w := range 8 {
			wg.Go(func() {
				for _, e := range bustest.Events("t" + string(rune('a'+w))) {
					errs <- p.Notify(t.Context(), e)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		require.Eventually(t, func() bool { return b.count(t) == 8*len(notify.Kinds()) }, 5*time.Second, 20*time.Millisecond)
	})
	t.Run("UnroutableIsAnError", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		require.NoError(t, b.ch.QueueUnbind(b.queue, "#", b.exchange, nil))
		require.NoError(t, b.ch.QueueBind(b.queue, "*.ticket.closed", b.exchange, false, nil))
		p := b.publisher(t, rabbitmq.Config{})
		events := bustest.Events("acme")
		err := p.Notify(t.Context(), events[0]) // ticket.opened: no queue
		require.ErrorIs(t, err, rabbitmq.ErrUnroutable)
		require.NotErrorIs(t, err, notify.ErrPermanent)
		for _, e := range events {
			if e.Kind == notify.KindClosed {
				require.NoError(t, p.Notify(t.Context(), e), "the channel is still good, and no stale return is left")
			}
		}
		require.NoError(t, p.Notify(t.Context(), bustest.Events("acme")[6])) // closed again, a new id
		require.Equal(t, 2, len(b.read(t)))
	})
	t.Run("NackIsAnError", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		full := bustest.Name("tkfull")
		_, err := b.ch.QueueDeclare(full, false, true, false, false, amqp.Table{"x-max-length": int32(0), "x-overflow": "reject-publish"})
		require.NoError(t, err)
		t.Cleanup(func() { _, _ = b.ch.QueueDelete(full, false, false, false) })
		require.NoError(t, b.ch.QueueBind(full, "#", b.exchange, false, nil))
		p := b.publisher(t, rabbitmq.Config{})
		err = p.Notify(t.Context(), bustest.Events("acme")[0])
		require.ErrorIs(t, err, rabbitmq.ErrNacked)
		require.NotErrorIs(t, err, notify.ErrPermanent)
	})
	t.Run("MissingExchangeIsRetryableAndTheNextChannelWorks", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		missing := b.publisher(t, rabbitmq.Config{Exchange: bustest.Name("nosuch")})
		err := missing.Notify(t.Context(), bustest.Events("acme")[0])
		require.Error(t, err)
		require.NotErrorIs(t, err, notify.ErrPermanent)
		require.ErrorContains(t, err, "NOT_FOUND")
		p := b.publisher(t, rabbitmq.Config{})
		require.NoError(t, p.Notify(t.Context(), bustest.Events("acme")[0]))
	})
	t.Run("InvalidEventIsPermanent", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		e := bustest.Events("acme")[0]
		e.Ticket = nil
		err := b.publisher(t, rabbitmq.Config{}).Notify(t.Context(), e)
		require.ErrorIs(t, err, notify.ErrPermanent)
		require.ErrorIs(t, err, cloudevents.ErrInvalidEvent)
		require.Zero(t, b.count(t))
	})
	bustest.BrokerFailures(t, func(t *testing.T, broker string, timeout time.Duration) notify.Notifier {
		url := deadURL(t)
		if broker == "silent" {
			url = silentURL(t)
		}
		p, err := rabbitmq.New(rabbitmq.Config{URL: url, Timeout: timeout})
		require.NoError(t, err)
		t.Cleanup(func() { _ = p.Close() })
		return p
	})
	t.Run("AlreadyCancelledPublishesNothing", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		b := setup(t)
		err := b.publisher(t, rabbitmq.Config{}).Notify(ctx, bustest.Events("acme")[0])
		require.ErrorIs(t, err, context.Canceled)
		require.Zero(t, b.count(t))
	})
	t.Run("ReconnectsAfterTheConnectionIsLost", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var mu sync.Mutex
		var conns []net.Conn
		cfg := rabbitmq.Config{}
		cfg.AMQP.Dial = func(network, addr string) (net.Conn, error) {
			c, err := amqp.DefaultDial(5*time.Second)(network, addr)
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			return c, err
		}
		p := b.publisher(t, cfg)
		events := bustest.Events("acme")
		require.NoError(t, p.Notify(t.Context(), events[0]))
		mu.Lock()
		require.Len(t, conns, 1)
		require.NoError(t, conns[0].Close()) // the network drops the connection
		mu.Unlock()
		// The first call after the loss may fail (temporary); a later one
		// reconnects.
		require.Eventually(t, func() bool { return p.Notify(t.Context(), events[1]) == nil }, 10*time.Second, 100*time.Millisecond)
		require.GreaterOrEqual(t, b.count(t), 2)
		mu.Lock()
		require.Len(t, conns, 2, "one new connection")
		mu.Unlock()
	})
	t.Run("ClosedPublisherFails", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		p := b.publisher(t, rabbitmq.Config{})
		require.NoError(t, p.Notify(t.Context(), bustest.Events("acme")[0]))
		require.NoError(t, p.Close())
		require.ErrorIs(t, p.Notify(t.Context(), bustest.Events("acme")[1]), rabbitmq.ErrClosed)
		require.NoError(t, p.Close())
	})
}
