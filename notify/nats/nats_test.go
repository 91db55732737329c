package nats_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/bustest"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/cloudevents"
	tknats "github.com/ticketkit/ticketkit/notify/nats"
)

func TestMain(m *testing.M) {
	bustest.Main(m, "NATS", bustest.NATSEnv, bustest.NATSURL())
}

// bundle is what setup returns: a JetStream client and a stream of the
// test's own that captures the subjects below prefix.
type bundle struct {
	js     jetstream.JetStream
	stream string
	prefix string
}

// setup connects to the test server and creates a stream of the test's
// own in memory, deleted when the test ends.
func setup(t testing.TB) bundle {
	t.Helper()
	return setupStream(t, jetstream.MemoryStorage)
}

// setupStream is setup with a stream of the given storage.
func setupStream(t testing.TB, storage jetstream.StorageType) bundle {
	t.Helper()
	nc, err := natsgo.Connect(bustest.NATSURL(), natsgo.Timeout(3*time.Second))
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	b := bundle{js: js, stream: bustest.Name("TK"), prefix: bustest.Name("tk")}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cfg := tknats.StreamConfig(b.stream, b.prefix)
	cfg.Storage = storage
	_, err = js.CreateStream(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, js.DeleteStream(ctx, b.stream))
	})
	return b
}

func (b bundle) publisher(t testing.TB, cfg tknats.Config) *tknats.Publisher {
	t.Helper()
	cfg.JetStream = b.js
	if cfg.SubjectPrefix == "" {
		cfg.SubjectPrefix = b.prefix
	}
	p, err := tknats.New(cfg)
	require.NoError(t, err)
	return p
}

// count returns the number of messages in the stream.
func (b bundle) count(t testing.TB) uint64 {
	t.Helper()
	s, err := b.js.Stream(context.Background(), b.stream)
	require.NoError(t, err)
	info, err := s.Info(context.Background())
	require.NoError(t, err)
	return info.State.Msgs
}

// read returns every message of the stream, read by a consumer.
func (b bundle) read(t testing.TB) []jetstream.Msg {
	t.Helper()
	want := int(b.count(t))
	c, err := b.js.OrderedConsumer(context.Background(), b.stream, jetstream.OrderedConsumerConfig{})
	require.NoError(t, err)
	var msgs []jetstream.Msg
	for len(msgs) < want {
		batch, err := c.Fetch(min(want-len(msgs), 500), jetstream.FetchMaxWait(5*time.Second))
		require.NoError(t, err)
		before := len(msgs)
		for m := range batch.Messages() {
			msgs = append(msgs, m)
		}
		require.NoError(t, batch.Error())
		require.Greater(t, len(msgs), before, "the consumer got nothing")
	}
	return msgs
}

// deadAddr returns the URL of a port on which nothing listens.
func deadAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "nats://" + addr
}

// downJetStream returns a JetStream over a connection to a server that
// is down: the client keeps trying to connect and buffers publishes.
func downJetStream(t *testing.T) jetstream.JetStream {
	t.Helper()
	nc, err := natsgo.Connect(deadAddr(t), natsgo.RetryOnFailedConnect(true), natsgo.MaxReconnects(-1),
		natsgo.ReconnectWait(50*time.Millisecond))
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	return js
}

// silentJetStream returns a JetStream over a connection to a server
// that speaks the NATS handshake and then answers nothing but PING: a
// publish waits for an acknowledgement that never comes.
func silentJetStream(t *testing.T) jetstream.JetStream {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				_, _ = conn.Write([]byte(`INFO {"server_id":"silent","version":"2.10.0","proto":1,"headers":true,"max_payload":1048576}` + "\r\n"))
				lines := bufio.NewScanner(conn)
				lines.Buffer(make([]byte, 64<<10), 4<<20)
				for lines.Scan() {
					if strings.HasPrefix(lines.Text(), "PING") {
						_, _ = conn.Write([]byte("PONG\r\n"))
					}
				}
			}()
		}
	}()
	nc, err := natsgo.Connect("nats://"+l.Addr().String(), natsgo.Timeout(3*time.Second))
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	return js
}

func TestNew(t *testing.T) {
	t.Parallel()
	t.Run("RejectsBadConfigNamingEveryField", func(t *testing.T) {
		t.Parallel()
		_, err := tknats.New(tknats.Config{SubjectPrefix: "a..b", Stream: "a.b", Timeout: -1})
		require.Error(t, err)
		for _, f := range []string{"Config.JetStream", "Config.SubjectPrefix", "Config.Stream", "Config.Timeout"} {
			require.ErrorContains(t, err, f)
		}
		for _, prefix := range []string{"a b", "a.*", "a.>", ".a", "a."} {
			_, err := tknats.New(tknats.Config{JetStream: downJetStream(t), SubjectPrefix: prefix})
			require.ErrorContains(t, err, "Config.SubjectPrefix", prefix)
		}
	})
	t.Run("Defaults", func(t *testing.T) {
		t.Parallel()
		c := tknats.Config{}.WithDefaults()
		require.Equal(t, tknats.DefaultSubjectPrefix, c.SubjectPrefix)
		require.Equal(t, tknats.DefaultTimeout, c.Timeout)
		require.Equal(t, cloudevents.DefaultSource, c.Source)
	})
}

func TestPublisher_Notify(t *testing.T) {
	t.Parallel()
	t.Run("EveryKindRoundTripsThroughAConsumer", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		p := b.publisher(t, tknats.Config{Stream: b.stream, Source: "https://shop.example/helpdesk"})
		events := bustest.Events("acme.de")
		for _, e := range events {
			require.NoError(t, p.Notify(t.Context(), e))
		}
		msgs := b.read(t)
		require.Len(t, msgs, len(notify.Kinds()))
		for i, m := range msgs {
			e := events[i]
			got := bustest.CheckEvent(t, e, "https://shop.example/helpdesk", m.Data())
			require.Equal(t, got.ID, m.Headers().Get(jetstream.MsgIDHeader), "Nats-Msg-Id is the idempotency key")
			require.Equal(t, e.ID, got.ID)
			require.Equal(t, cloudevents.MediaType, m.Headers().Get(tknats.HeaderContentType))
			topic, err := cloudevents.Topic(b.prefix, e)
			require.NoError(t, err)
			require.Equal(t, topic, m.Subject())
			require.Equal(t, b.prefix+".acme%2Ede."+string(e.Kind), m.Subject())
		}
	})
	t.Run("DuplicateIsDroppedByJetStream", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		p := b.publisher(t, tknats.Config{})
		events := bustest.Events("acme")
		for range 3 {
			require.NoError(t, p.Notify(t.Context(), events[0]), "a repeat is delivered, not an error")
		}
		require.EqualValues(t, 1, b.count(t))
		require.NoError(t, p.Notify(t.Context(), events[1]))
		require.EqualValues(t, 2, b.count(t))
		// A second publisher (another dispatcher process) repeats it too.
		require.NoError(t, b.publisher(t, tknats.Config{}).Notify(t.Context(), events[0]))
		require.EqualValues(t, 2, b.count(t))
	})
	t.Run("CustomSubject", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		p := b.publisher(t, tknats.Config{Subject: func(e notify.Event) string { return b.prefix + ".all" }})
		require.NoError(t, p.Notify(t.Context(), bustest.Events("acme")[0]))
		require.Equal(t, b.prefix+".all", b.read(t)[0].Subject())
		bad := b.publisher(t, tknats.Config{Subject: func(notify.Event) string { return "a b" }})
		require.ErrorIs(t, bad.Notify(t.Context(), bustest.Events("acme")[0]), notify.ErrPermanent)
	})
	t.Run("InvalidEventIsPermanent", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		e := bustest.Events("acme")[0]
		e.Ticket = nil
		err := b.publisher(t, tknats.Config{}).Notify(t.Context(), e)
		require.ErrorIs(t, err, notify.ErrPermanent)
		require.ErrorIs(t, err, cloudevents.ErrInvalidEvent)
		require.Zero(t, b.count(t))
	})
	t.Run("TooLargeIsPermanent", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		e := bustest.Events("acme")[0]
		e.Ticket.Subject = strings.Repeat("x", 2<<20) // above the server's 1 MB max_payload
		err := b.publisher(t, tknats.Config{}).Notify(t.Context(), e)
		require.ErrorIs(t, err, notify.ErrPermanent)
		require.Zero(t, b.count(t))
	})
	t.Run("NoStreamIsRetryable", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		p := b.publisher(t, tknats.Config{SubjectPrefix: bustest.Name("nostream"), Timeout: 2 * time.Second})
		start := time.Now()
		err := p.Notify(t.Context(), bustest.Events("acme")[0])
		require.Error(t, err)
		require.NotErrorIs(t, err, notify.ErrPermanent)
		require.Less(t, time.Since(start), 7*time.Second)
	})
	t.Run("OtherStreamIsRetryable", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		p := b.publisher(t, tknats.Config{Stream: "NOT_" + b.stream})
		err := p.Notify(t.Context(), bustest.Events("acme")[0])
		require.Error(t, err)
		require.NotErrorIs(t, err, notify.ErrPermanent)
	})
	bustest.BrokerFailures(t, func(t *testing.T, broker string, timeout time.Duration) notify.Notifier {
		var js jetstream.JetStream
		if broker == "silent" {
			js = silentJetStream(t)
		} else {
			js = downJetStream(t)
		}
		p, err := tknats.New(tknats.Config{JetStream: js, Timeout: timeout})
		require.NoError(t, err)
		return p
	})
	t.Run("AlreadyCancelledPublishesNothing", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		b := setup(t)
		err := b.publisher(t, tknats.Config{}).Notify(ctx, bustest.Events("acme")[0])
		require.ErrorIs(t, err, context.Canceled)
		require.Zero(t, b.count(t))
	})
}
