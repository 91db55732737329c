package rabbitmq_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/bustest"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/notify/cloudevents"
	"github.com/ticketkit/ticketkit/notify/rabbitmq"
)

// faultExchangeEnv tells the helper process of
// TestDispatcherKilledMidBatch the test's exchange.
const faultExchangeEnv = "TICKETKIT_RABBITMQ_FAULT_EXCHANGE"

// TestDispatcherKilledMidBatch delivers 600 outbox entries of a shared
// database (a SQLite file, a PostgreSQL schema) to RabbitMQ: a
// dispatcher in a copy of this test binary publishes 250 of them (each confirmed), the middle of its third batch
// of 100, and is killed with SIGKILL before it marks that batch
// delivered; a second dispatcher, once the claim has run out, delivers
// the rest, the 50 confirmed but unmarked entries again
// (bustest.RunFault). The queue then holds 650 messages: none is lost,
// and a consumer that drops a MessageId it has seen processes each event
// once. The repeats are the same message (same MessageId, same body).
func TestDispatcherKilledMidBatch(t *testing.T) {
	t.Parallel()
	for _, be := range dbtest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			ids := bustest.RunFault(t, be, "TestHelperDispatchToRabbitMQ", []string{faultExchangeEnv + "=" + b.exchange},
				b.publisher(t, rabbitmq.Config{}), func() int { return b.count(t) })

			raw := b.count(t)
			processed := map[string][]byte{} // the consumer's record of MessageIds
			dropped := 0
			for _, m := range b.read(t) {
				ce, err := cloudevents.Unmarshal(m.Body)
				require.NoError(t, err)
				require.Equal(t, ce.ID, m.MessageId)
				if first, ok := processed[m.MessageId]; ok {
					require.True(t, bytes.Equal(first, m.Body), "a repeat is the same message")
					dropped++
					continue
				}
				processed[m.MessageId] = m.Body
			}
			lost := 0
			for _, id := range ids {
				if processed[id] == nil {
					lost++
				}
			}
			t.Logf("%d entries, killed after %d confirmed, %d published again; queue holds %d messages; consumer: %d processed, %d repeats dropped by MessageId, %d lost",
				bustest.FaultEntries, bustest.FaultKillAfter, bustest.FaultRepublished, raw, len(processed), dropped, lost)
			require.Zero(t, lost, "lost events")
			require.Len(t, processed, bustest.FaultEntries)
			require.Equal(t, bustest.FaultEntries+bustest.FaultRepublished, raw, "the queue holds the repeats")
			require.Equal(t, bustest.FaultRepublished, dropped)
		})
	}
}

// TestHelperDispatchToRabbitMQ is the body of the helper process of
// TestDispatcherKilledMidBatch. Run directly, it does nothing.
func TestHelperDispatchToRabbitMQ(t *testing.T) {
	exchange := os.Getenv(faultExchangeEnv)
	if exchange == "" {
		return
	}
	pub, err := rabbitmq.New(rabbitmq.Config{URL: bustest.RabbitMQURL(), Exchange: exchange})
	require.NoError(t, err)
	bustest.Helper(t, pub)
}
