package nats_test

import (
	"os"
	"testing"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/bustest"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/notify/cloudevents"
	tknats "github.com/ticketkit/ticketkit/notify/nats"
)

// faultPrefixEnv tells the helper process of TestDispatcherKilledMidBatch
// the subject prefix of the test's stream.
const faultPrefixEnv = "TICKETKIT_NATS_FAULT_PREFIX"

// TestDispatcherKilledMidBatch delivers 600 outbox entries of a shared
// database (a SQLite file, a PostgreSQL schema) to JetStream: a
// dispatcher in a copy of this test binary publishes 250 of them, the middle of its third batch of 100, and is
// killed with SIGKILL before it marks that batch delivered; a second
// dispatcher, once the claim has run out, delivers the rest, the 50
// published but unmarked entries again (bustest.RunFault). JetStream
// drops those repeats by their Nats-Msg-Id: the stream holds each event
// exactly once, and a consumer reads all 600, none twice.
func TestDispatcherKilledMidBatch(t *testing.T) {
	t.Parallel()
	for _, be := range dbtest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			ids := bustest.RunFault(t, be, "TestHelperDispatchToNATS", []string{faultPrefixEnv + "=" + b.prefix},
				b.publisher(t, tknats.Config{}), func() int { return int(b.count(t)) })

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
			t.Logf("%d entries, killed after %d published, %d published again; stream holds %d messages; consumer: %d distinct, %d lost, %d duplicates",
				bustest.FaultEntries, bustest.FaultKillAfter, bustest.FaultRepublished, raw, len(seen), lost, dups)
			require.Zero(t, lost, "lost events")
			require.Zero(t, dups, "duplicates in the stream")
			require.Len(t, seen, bustest.FaultEntries)
			require.EqualValues(t, bustest.FaultEntries, raw, "JetStream dropped the %d repeats", bustest.FaultRepublished)
		})
	}
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
