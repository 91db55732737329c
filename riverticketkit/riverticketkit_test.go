package riverticketkit_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/riverticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

var (
	t0    = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	agent = ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "shop"}
)

// testSLA resolves within 8 hours; level 1 fires at 100 %, level 2 at
// 150 %: 12 hours after opening both are due.
func testSLA(t testing.TB) *workflow.SLA {
	t.Helper()
	s, err := workflow.NewSLA(workflow.SLAConfig{Policies: []workflow.Policy{{
		Name:    "std",
		Targets: workflow.Targets{Resolution: workflow.Duration(8 * time.Hour)},
		Levels: []workflow.Level{
			{Level: 1, Target: workflow.TargetResolution, At: 100, Notify: []string{"supervisor"},
				Effects: []workflow.Effect{{Set: map[string]string{workflow.SetAssignee: "lead-1"}}}},
			{Level: 2, Target: workflow.TargetResolution, At: 150, Notify: []string{"user:u-head"},
				Status: ticket.StatusEscalated},
		},
	}}}, nil)
	require.NoError(t, err)
	return s
}

// newDesk returns a Desk with testSLA over store, its fake clock at
// t0+h hours, and no notifier: notifications stay in the outbox.
func newDesk(t testing.TB, store storage.Store, h time.Duration) *ticketkit.Desk {
	t.Helper()
	d, err := ticketkit.New(ticketkit.Config{Store: store, Clock: clock.NewFake(t0.Add(h * time.Hour)), SLA: testSLA(t)})
	require.NoError(t, err)
	return d
}

// setup returns a migrated ticketkit store and River's tables in a
// PostgreSQL schema of the test's own.
func setup(t *testing.T) (*bun.DB, *bunstore.Store) {
	t.Helper()
	db := dbtest.Postgres(t)
	store, err := bunstore.New(db, bunstore.Config{})
	require.NoError(t, err)
	require.NoError(t, store.Migrate(t.Context()))
	migrator, err := rivermigrate.New(riverdatabasesql.New(db.DB), nil)
	require.NoError(t, err)
	_, err = migrator.Migrate(t.Context(), rivermigrate.DirectionUp, nil)
	require.NoError(t, err)
	return db, store
}

func TestRegister(t *testing.T) {
	t.Parallel()
	t.Run("RejectsBadConfigNamingEveryField", func(t *testing.T) {
		t.Parallel()
		err := riverticketkit.Register(&river.Config{}, riverticketkit.Config{
			DispatchInterval: time.Millisecond, EscalationInterval: -time.Second, MaxRounds: -1, MaxAttempts: -2,
		})
		require.Error(t, err)
		for _, field := range []string{"needs Dispatcher or Desk", "DispatchInterval", "EscalationInterval", "MaxRounds", "MaxAttempts"} {
			require.ErrorContains(t, err, field)
		}
		require.Error(t, riverticketkit.Register(nil, riverticketkit.Config{}))
	})
	t.Run("RejectsADeskWithoutSLA", func(t *testing.T) {
		t.Parallel()
		store, err := bunstore.New(dbtest.SQLite(t), bunstore.Config{})
		require.NoError(t, err)
		desk, err := ticketkit.New(ticketkit.Config{Store: store})
		require.NoError(t, err)
		require.ErrorContains(t, riverticketkit.Register(&river.Config{}, riverticketkit.Config{Desk: desk}), "Config.Desk")
	})
	t.Run("AddsWorkersAndPeriodicJobs", func(t *testing.T) {
		t.Parallel()
		store, err := bunstore.New(dbtest.SQLite(t), bunstore.Config{})
		require.NoError(t, err)
		d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Notifier: notify.NotifierFunc(func(context.Context, notify.Event) error { return nil })})
		require.NoError(t, err)
		rc := &river.Config{}
		require.NoError(t, riverticketkit.Register(rc, riverticketkit.Config{Dispatcher: d, Desk: newDesk(t, store, 0)}))
		require.NotNil(t, rc.Workers)
		require.Len(t, rc.PeriodicJobs, 2)
		// A second registration on the same Workers is refused.
		require.ErrorContains(t, riverticketkit.Register(rc, riverticketkit.Config{Dispatcher: d}), "already registered")
	})
}

// Environment of the helper processes of TestRiverInTwoProcesses.
const (
	riverHelperSchema = "TICKETKIT_RIVER_HELPER_SCHEMA" // PostgreSQL schema; empty: not a helper
	riverHelperLog    = "TICKETKIT_RIVER_HELPER_LOG"    // file the delivered events are appended to
	riverHelperIndex  = "TICKETKIT_RIVER_HELPER_INDEX"  // the helper's number: its River client is "helper-N"
)

// Sizes of TestRiverInTwoProcesses.
const (
	riverTickets = 120 // with 2 levels each: 360 events in batches of 10
	riverBatch   = 10
	riverNudges  = 5  // dispatch and escalation jobs each process inserts besides the periodic ones
	riverLater   = 30 // tickets opened after the leader was killed
)

// TestRiverInTwoProcesses runs a River client with Register's workers
// and periodic jobs in two copies of this test binary at once on one
// PostgreSQL schema, each inserting more dispatch and escalation jobs of
// its own so that both work them at once; the Desk's clock stands where
// both escalation levels of every ticket are due. Every event (the
// opening, two escalations per ticket) is delivered exactly once, every
// level fired once (once in the history, once in the outbox), nothing is
// left undelivered, and the work was done by River jobs. Then the
// process that River elected leader is killed with SIGKILL: the other
// is elected in its place and its periodic jobs deliver the events of
// tickets opened afterwards, once each too.
func TestRiverInTwoProcesses(t *testing.T) {
	t.Parallel()
	db, store := setup(t)
	ctx := t.Context()
	desk := newDesk(t, store, 0)
	ids := make([]string, riverTickets)
	for i := range ids {
		tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("busy %d", i)})
		require.NoError(t, err)
		ids[i] = tk.ID
	}
	schema := dbtest.Target(t, "postgres", db)
	log := filepath.Join(t.TempDir(), "delivered")

	type helper struct {
		cmd   *exec.Cmd
		stdin io.WriteCloser
		out   *strings.Builder
	}
	helpers := make([]helper, 2)
	for i := range helpers {
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperRiverProcess$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), riverHelperSchema+"="+schema, riverHelperLog+"="+log, riverHelperIndex+"="+strconv.Itoa(i))
		stdin, err := cmd.StdinPipe()
		require.NoError(t, err)
		out := new(strings.Builder)
		cmd.Stdout, cmd.Stderr = out, out
		require.NoError(t, cmd.Start())
		helpers[i] = helper{cmd, stdin, out}
	}

	// Wait until the outbox holds nothing undelivered and every level
	// has fired, then stop both helpers (EOF on their standard input).
	pending := func() (n int) {
		require.NoError(t, db.NewRaw("SELECT count(*) FROM "+bunstore.DefaultTablePrefix+"outbox WHERE delivered_at IS NULL AND dead_at IS NULL").Scan(ctx, &n))
		return n
	}
	escalated := func() (n int) {
		require.NoError(t, db.NewRaw("SELECT count(*) FROM "+bunstore.DefaultTablePrefix+"outbox WHERE kind = ?", string(notify.KindEscalated)).Scan(ctx, &n))
		return n
	}
	waitFor := func(what string, done func() bool) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Minute)
		for !done() {
			if time.Now().After(deadline) {
				for i, h := range helpers {
					t.Logf("helper process %d:\n%s", i, h.out)
				}
				t.Fatalf("%s: not within 2 minutes", what)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	waitFor("every level fired and every event delivered", func() bool { return escalated() == 2*riverTickets && pending() == 0 })

	// Kill the leader; the survivor takes over. Nothing is due, so the
	// killed process held no claim.
	var leader string
	require.NoError(t, db.NewRaw("SELECT leader_id FROM river_leader").Scan(ctx, &leader))
	k, err := strconv.Atoi(strings.TrimPrefix(leader, "helper-"))
	require.NoError(t, err, "leader %q", leader)
	require.NoError(t, helpers[k].cmd.Process.Kill())
	require.Error(t, helpers[k].cmd.Wait(), "killed")
	t.Logf("killed the leader, helper process %d", k)
	for i := range riverLater {
		tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("later %d", i)})
		require.NoError(t, err)
		ids = append(ids, tk.ID)
	}
	survivor := helpers[1-k]
	waitFor("the survivor, elected, escalates the later tickets and delivers their events", func() bool {
		var l string
		_ = db.NewRaw("SELECT leader_id FROM river_leader").Scan(ctx, &l)
		return escalated() == 2*len(ids) && pending() == 0 && l == fmt.Sprintf("helper-%d", 1-k)
	})
	time.Sleep(time.Second) // room for a duplicate delivery to show
	require.NoError(t, survivor.stdin.Close())
	require.NoError(t, survivor.cmd.Wait(), "survivor:\n%s", survivor.out)
	t.Logf("survivor, helper process %d: %s", 1-k, lastLine(survivor.out.String(), "worked"))
	require.Zero(t, pending(), "undelivered outbox entries")

	data, err := os.ReadFile(log)
	require.NoError(t, err)
	times, kinds, by := map[string]int{}, map[string]int{}, map[string]int{}
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		require.Len(t, f, 3, "log line %q", line)
		times[f[0]]++
		kinds[f[1]]++
		by[f[2]]++
	}
	for id, n := range times {
		require.Equal(t, 1, n, "event %s delivered %d times", id, n)
	}
	t.Logf("delivered %d events by kind %v, by process %v", len(times), kinds, by)
	require.Equal(t, len(ids), kinds[string(notify.KindOpened)])
	require.Equal(t, 2*len(ids), kinds[string(notify.KindEscalated)], "each level of each ticket fired and delivered once")
	for _, id := range ids {
		events, err := desk.History(ctx, agent, id)
		require.NoError(t, err)
		n := 0
		for _, e := range events {
			if e.Field == ticket.FieldSLAEscalation {
				n++
			}
		}
		require.Equal(t, 2, n, "escalation history lines of ticket %s", id)
	}

	// River ran the work: completed jobs of both kinds, none failed for
	// good.
	var jobs []struct {
		Kind  string
		State string
		N     int
	}
	require.NoError(t, db.NewRaw("SELECT kind, state, count(*) AS n FROM river_job GROUP BY kind, state").Scan(ctx, &jobs))
	done := map[string]int{}
	for _, j := range jobs {
		require.NotEqual(t, string(rivertype.JobStateDiscarded), j.State, "%s jobs discarded", j.Kind)
		if j.State == string(rivertype.JobStateCompleted) {
			done[j.Kind] += j.N
		}
	}
	require.GreaterOrEqual(t, done[riverticketkit.DispatchKind], 2*riverNudges, "dispatch jobs completed")
	require.GreaterOrEqual(t, done[riverticketkit.EscalationKind], 2*riverNudges, "escalation jobs completed")
}

// lastLine returns the last line of out that starts with prefix.
func lastLine(out, prefix string) string {
	found := ""
	for line := range strings.Lines(out) {
		if strings.HasPrefix(line, prefix) {
			found = strings.TrimSpace(line)
		}
	}
	return found
}

// TestHelperRiverProcess is the body of TestRiverInTwoProcesses's helper
// processes: a River client with Register's work, whose notifier appends
// "event-id kind pid" to the log, until its standard input ends. Run
// directly, it does nothing.
func TestHelperRiverProcess(t *testing.T) {
	schema := os.Getenv(riverHelperSchema)
	if schema == "" {
		return
	}
	db, err := dbtest.OpenTarget("postgres", schema)
	require.NoError(t, err)
	defer db.Close()
	store, err := bunstore.New(db, bunstore.Config{})
	require.NoError(t, err)
	log, pid := os.Getenv(riverHelperLog), strconv.Itoa(os.Getpid())
	var delivered atomic.Int64
	d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{
		Store: store, BatchSize: riverBatch,
		Notifier: notify.NotifierFunc(func(_ context.Context, e notify.Event) error {
			delivered.Add(1)
			return appendLine(log, e.ID+" "+string(e.Kind)+" "+pid)
		}),
	})
	require.NoError(t, err)
	rc := &river.Config{
		ID:                "helper-" + os.Getenv(riverHelperIndex),
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		FetchPollInterval: 50 * time.Millisecond, FetchCooldown: 10 * time.Millisecond,
	}
	require.NoError(t, riverticketkit.Register(rc, riverticketkit.Config{
		Dispatcher: d, Desk: newDesk(t, store, 12), EscalationInterval: time.Second,
	}))
	client, err := river.NewClient(riverdatabasesql.New(db.DB), rc)
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, client.Start(ctx))
	for range riverNudges {
		_, err := client.Insert(ctx, riverticketkit.DispatchArgs{}, nil)
		require.NoError(t, err)
		_, err = client.Insert(ctx, riverticketkit.EscalationArgs{}, nil)
		require.NoError(t, err)
	}
	_, _ = io.Copy(io.Discard, bufio.NewReader(os.Stdin)) // until the parent closes it
	stop, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	require.NoError(t, client.Stop(stop))
	fmt.Printf("worked: delivered %d events\n", delivered.Load())
}

// appendLine appends line to the file at path.
func appendLine(path, line string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(line + "\n"); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// failingClaims is a store whose first outbox claims fail.
type failingClaims struct {
	storage.Store
	fail atomic.Int32
}

func (s *failingClaims) OutboxClaim(ctx context.Context, p storage.OutboxClaimParams) ([]*storage.OutboxEntry, error) {
	if s.fail.Add(-1) >= 0 {
		return nil, errors.New("connection reset (injected)")
	}
	return s.Store.OutboxClaim(ctx, p)
}

// TestDispatchJobRetriedByRiver makes the first outbox claim fail: the
// dispatch job returns the error, River retries it, and the retry
// delivers every event once.
func TestDispatchJobRetriedByRiver(t *testing.T) {
	t.Parallel()
	db, store := setup(t)
	ctx := t.Context()
	desk := newDesk(t, store, 0)
	const n = 5
	for i := range n {
		_, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("retry %d", i)})
		require.NoError(t, err)
	}
	flaky := &failingClaims{Store: store}
	flaky.fail.Store(1)
	got := map[string]int{}
	var mu = make(chan struct{}, 1)
	d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: flaky,
		Notifier: notify.NotifierFunc(func(_ context.Context, e notify.Event) error {
			mu <- struct{}{}
			got[e.ID]++
			<-mu
			return nil
		})})
	require.NoError(t, err)
	rc := &river.Config{Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}},
		FetchPollInterval: 50 * time.Millisecond, FetchCooldown: 10 * time.Millisecond}
	// An hour apart: only the job the client inserts on start runs.
	require.NoError(t, riverticketkit.Register(rc, riverticketkit.Config{Dispatcher: d, DispatchInterval: time.Hour}))
	client, err := river.NewClient(riverdatabasesql.New(db.DB), rc)
	require.NoError(t, err)
	events, cancel := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancel()
	require.NoError(t, client.Start(ctx))
	defer func() { require.NoError(t, client.Stop(context.WithoutCancel(ctx))) }()

	var failed, completed *rivertype.JobRow
	timeout := time.After(30 * time.Second)
	for completed == nil {
		select {
		case ev := <-events:
			if ev.Job.Kind != riverticketkit.DispatchKind {
				continue
			}
			if ev.Kind == river.EventKindJobFailed {
				failed = ev.Job
			} else {
				completed = ev.Job
			}
		case <-timeout:
			t.Fatal("no dispatch job completed in 30 s")
		}
	}
	require.NotNil(t, failed, "the first attempt failed")
	require.Contains(t, failed.Errors[0].Error, "connection reset (injected)")
	require.Equal(t, failed.ID, completed.ID, "River retried the same job")
	require.Equal(t, 2, completed.Attempt)
	mu <- struct{}{}
	defer func() { <-mu }()
	require.Len(t, got, n)
	for id, k := range got {
		require.Equal(t, 1, k, "event %s", id)
	}
}
