package rabbitmq_test

import (
	"testing"

	"github.com/ticketkit/ticketkit/internal/bustest"
	"github.com/ticketkit/ticketkit/notify/rabbitmq"
)

// BenchmarkDispatch measures events/s delivered by two dispatchers
// sharing one outbox (the memory store, so that the notifier's cost
// shows) to RabbitMQ, each publish waiting for its confirm, against the
// same dispatchers with a notifier that does nothing. The two run
// round-robin in one loop (bustest.RoundRobin), a chunk of 500 entries
// each in turn, so that both share the machine's load; each is timed on
// its own. It reports the events/s of both, their ratio, and the
// messages the queue holds beyond one per event (expected 0). It does so
// for a durable queue, where the broker confirms a persistent message
// once it is on disk, and for a transient one, to show what that costs.
//
//	go test -run '^$' -bench Dispatch -benchtime 4x ./notify/rabbitmq
func BenchmarkDispatch(b *testing.B) {
	for _, queue := range []struct {
		name    string
		durable bool
	}{{"durable", true}, {"transient", false}} {
		b.Run(queue.name, func(b *testing.B) {
			bb := setupQueue(b, queue.durable)
			rate, noopRate, n := bustest.RoundRobin(b, bb.publisher(b, rabbitmq.Config{}))
			b.ReportMetric(noopRate, "noop-events/s")
			b.ReportMetric(rate, "rabbitmq-events/s")
			b.ReportMetric(rate/noopRate, "rabbitmq/noop")
			b.ReportMetric(float64(bb.count(b)-n), "extra-msgs")
		})
	}
}
