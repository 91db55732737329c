package rabbitmq_test

import (
	"bytes"
	"context"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/bustest"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/cloudevents"
	"github.com/ticketkit/ticketkit/notify/rabbitmq"
)

// Settings of TestDispatcherKilledMidBatch.
const (
	faultEntries   = 600
	faultKillAfter = 250 // the middle of the third batch of 100
	// faultExchangeEnv tells the helper process the test's exchange.
	faultExchangeEnv = "TICKETKIT_RABBITMQ_FAULT_EXCHANGE"
)

// TestDispatcherKilledMidBatch delivers 600 outbox entries of a shared
// SQLite file to RabbitMQ: a dispatcher in a copy of this test binary
// publishes 250 of them (each confirmed), the middle of its third batch
// of 100, and is killed with SIGKILL before it marks that batch
// delivered; a second dispatcher, once the claim has run out, delivers
// the rest, the 50 confirmed but unmarked entries again. The queue then
// holds 650 messages: none is lost, and a consumer that drops a
// MessageId it has seen processes each event once. The repeats are the
// same message (same MessageId, same body).
func TestDispatcherKilledMidBatch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ob := bustest.NewOutbox(t)
	now := time.Now().UTC()
	ids := bustest.SeedOutbox(t, ob.Store, "acme", faultEntries, now)

	bustest.KillMidBatch(t, "TestHelperDispatchToRabbitMQ", ob, now, faultKillAfter, faultExchangeEnv+"="+b.exchange)
	require.Equal(t, faultKillAfter, b.count(t), "what the killed dispatcher published")

	var calls atomic.Int64
	pub := b.publisher(t, rabbitmq.Config{})
	bustest.Finish(t, ob, now.Add(2*bustest.FaultLockFor), notify.NotifierFunc(func(ctx context.Context, e notify.Event) error {
		calls.Add(1)
		return pub.Notify(ctx, e)
	}))
	republished := faultKillAfter - faultKillAfter/bustest.FaultBatch*bustest.FaultBatch
	require.EqualValues(t, faultEntries-faultKillAfter+republished, calls.Load(),
		"the second dispatcher published the unmarked entries again")

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
	t.Logf("%d entries, killed after %d confirmed; second dispatcher published %d; queue holds %d messages; consumer: %d processed, %d repeats dropped by MessageId, %d lost",
		faultEntries, faultKillAfter, calls.Load(), raw, len(processed), dropped, lost)
	require.Zero(t, lost, "lost events")
	require.Len(t, processed, faultEntries)
	require.Equal(t, faultEntries+republished, raw, "the queue holds the repeats")
	require.Equal(t, republished, dropped)
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
