package nats_test

import (
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ticketkit/ticketkit/internal/bustest"
	tknats "github.com/ticketkit/ticketkit/notify/nats"
)

// BenchmarkDispatch measures events/s delivered by two dispatchers
// sharing one outbox (the memory store, so that the notifier's cost
// shows) to a JetStream stream on disk, against the same dispatchers
// with a notifier that does nothing. The two run round-robin in one loop
// (bustest.RoundRobin), a chunk of 500 entries each in turn, so that
// both share the machine's load; each is timed on its own. It reports
// the events/s of both, their ratio, and the messages the stream holds
// beyond one per event (expected 0).
//
//	go test -run '^$' -bench Dispatch -benchtime 20x ./notify/nats
func BenchmarkDispatch(b *testing.B) {
	bb := setupStream(b, jetstream.FileStorage) // as StreamConfig has it
	rate, noopRate, n := bustest.RoundRobin(b, bb.publisher(b, tknats.Config{}))
	b.ReportMetric(noopRate, "noop-events/s")
	b.ReportMetric(rate, "nats-events/s")
	b.ReportMetric(rate/noopRate, "nats/noop")
	b.ReportMetric(float64(int64(bb.count(b))-int64(n)), "extra-msgs")
}
