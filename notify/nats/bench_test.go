package nats_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ticketkit/ticketkit/internal/bustest"
	"github.com/ticketkit/ticketkit/notify"
	tknats "github.com/ticketkit/ticketkit/notify/nats"
	"github.com/ticketkit/ticketkit/storage/memory"
)

// benchChunk is how many outbox entries each variant delivers per
// iteration of BenchmarkDispatch.
const benchChunk = 500

// BenchmarkDispatch measures events/s delivered by two dispatchers
// sharing one outbox (the memory store, so that the notifier's cost
// shows) to a JetStream stream on disk, against the same dispatchers with a notifier that
// does nothing. The two run round-robin in one loop, a chunk of 500
// entries each in turn, so that both share the machine's load; each is
// timed on its own. It reports the events/s of both, their ratio, and
// the messages the stream holds beyond one per event (expected 0).
//
//	go test -run '^$' -bench Dispatch -benchtime 20x ./notify/nats
func BenchmarkDispatch(b *testing.B) {
	bb := setupStream(b, jetstream.FileStorage) // as StreamConfig has it
	pub := bb.publisher(b, tknats.Config{})
	noop := notify.NotifierFunc(func(context.Context, notify.Event) error { return nil })
	noopStore, natsStore := memory.New(), memory.New()
	var noopTime, natsTime time.Duration
	n := 0
	for b.Loop() {
		noopTime += bustest.DispatchAll(b, noopStore, "acme", benchChunk, noop)
		natsTime += bustest.DispatchAll(b, natsStore, "acme", benchChunk, pub)
		n += benchChunk
	}
	noopRate := float64(n) / noopTime.Seconds()
	natsRate := float64(n) / natsTime.Seconds()
	b.ReportMetric(noopRate, "noop-events/s")
	b.ReportMetric(natsRate, "nats-events/s")
	b.ReportMetric(natsRate/noopRate, "nats/noop")
	b.ReportMetric(float64(int64(bb.count(b))-int64(n)), "extra-msgs")
}
