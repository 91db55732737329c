package nats_test

import (
	"context"
	"os"
	"sync/atomic"
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

// Settings of TestDispatcherKilledMidBatch.
const (
	faultEntries   = 600
	faultKillAfter = 250 // the middle of the third batch of 100
	// faultPrefixEnv tells the helper process the subject prefix of the
	// test's stream.
	faultPrefixEnv = "TICKETKIT_NATS_FAULT_PREFIX"
)

// TestDispatcherKilledMidBatch delivers 600 outbox entries of a shared
// SQLite file to JetStream: a dispatcher in a copy of this test binary
// publishes 250 of them, the middle of its third batch of 100, and is
// killed with SIGKILL before it marks that batch delivered; a second
// dispatcher, once the claim has run out, delivers the rest, the 50
// published but unmarked entries again. JetStream drops those repeats
// by their Nats-Msg-Id: the stream holds each event exactly once, and a
// consumer reads all 600, none twice.
func TestDispatcherKilledMidBatch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ob := bustest.NewOutbox(t)
	now := time.Now().UTC()
	ids := bustest.SeedOutbox(t, ob.Store, "acme", faultEntries, now)

	bustest.KillMidBatch(t, "TestHelperDispatchToNATS", ob, now, faultKillAfter, faultPrefixEnv+"="+b.prefix)
	require.EqualValues(t, faultKillAfter, b.count(t), "what the killed dispatcher published")

	var calls atomic.Int64
	pub := b.publisher(t, tknats.Config{})
	bustest.Finish(t, ob, now.Add(2*bustest.FaultLockFor), notify.NotifierFunc(func(ctx context.Context, e notify.Event) error {
		calls.Add(1)
		return pub.Notify(ctx, e)
	}))
	republished := faultKillAfter - faultKillAfter/bustest.FaultBatch*bustest.FaultBatch
	require.EqualValues(t, faultEntries-faultKillAfter+republished, calls.Load(),
		"the second dispatcher published the unmarked entries again")

	raw := b.count(t)
	seen := map[string]int{}
	for _, m := range b.read(t) {
		ce, err := cloudevents.Unmarshal(m.Data())
		require.NoError(t, err)
		require.Equal(t, ce.ID, m.Headers().Get(jetstream.MsgIDHeader))
		seen[ce.ID]++
	}
	lost, dups := 0, 0
	for _, id := range ids {
		if seen[id] == 0 {
			lost++
		}
		dups += max(seen[id]-1, 0)
	}
	t.Logf("%d entries, killed after %d published; second dispatcher published %d; stream holds %d messages; consumer: %d distinct, %d lost, %d duplicates",
		faultEntries, faultKillAfter, calls.Load(), raw, len(seen), lost, dups)
	require.Zero(t, lost, "lost events")
	require.Zero(t, dups, "duplicates in the stream")
	require.Len(t, seen, faultEntries)
	require.EqualValues(t, faultEntries, raw, "JetStream dropped the %d repeats", republished)
}

// TestHelperDispatchToNATS is the body of the helper process of
// TestDispatcherKilledMidBatch. Run directly, it does nothing.
func TestHelperDispatchToNATS(t *testing.T) {
	prefix := os.Getenv(faultPrefixEnv)
	if prefix == "" {
		return
	}
	nc, err := natsgo.Connect(bustest.NATSURL())
	require.NoError(t, err)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	pub, err := tknats.New(tknats.Config{JetStream: js, SubjectPrefix: prefix})
	require.NoError(t, err)
	bustest.Helper(t, pub)
}
