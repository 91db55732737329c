package ticketkit_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// Environment of the helper processes of TestTimeRulesInTwoProcesses.
const (
	timeRuleHelperEnv    = "TICKETKIT_TIMERULE_HELPER" // "sqlite" or "postgres"
	timeRuleHelperTarget = "TICKETKIT_TIMERULE_HELPER_TARGET"
	timeRuleHelperStart  = "TICKETKIT_TIMERULE_HELPER_START" // Unix nanoseconds
)

// timeRuleDesk returns a Desk on store at clock c whose time rule tags
// and notes every ticket left unassigned for an hour.
func timeRuleDesk(t *testing.T, store storage.Store, c clock.Clock) *ticketkit.Desk {
	t.Helper()
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Clock: c, Automation: &ticketkit.AutomationConfig{TimeRules: []ticketkit.TimeRule{{
		ID: "triage", State: ticketkit.TimeUnassigned, After: ticketkitHours(1),
		Do: []ticketkit.RuleAction{{Type: ticketkit.ActionAddTag, Value: "needs-triage"}, {Type: ticketkit.ActionNote, Template: "Unassigned for an hour"}},
	}}}})
	require.NoError(t, err)
	return desk
}

// TestTimeRulesInTwoProcesses sweeps from two copies of this test binary
// at once on one database and checks that the time rule fired exactly
// once per ticket: one firing counted, one history line, one note.
func TestTimeRulesInTwoProcesses(t *testing.T) {
	n := 250 // several batches, so that the processes interleave
	if testing.Short() {
		n = 60
	}
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db := b.Open(t)
			store := helperStore(t, b.Name, dbtest.Target(t, b.Name, db))
			require.NoError(t, store.Migrate(ctx))
			desk := timeRuleDesk(t, store, clock.NewFake(t0))
			ids := make([]string, n)
			for i := range ids {
				ids[i] = mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("t%d", i)}).ID
			}
			target := dbtest.Target(t, b.Name, db)
			start := time.Now().Add(2 * time.Second).UnixNano()
			cmds := make([]*exec.Cmd, 2)
			outs := make([]*strings.Builder, 2)
			for i := range cmds {
				cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestHelperTimeRuleProcess$", "-test.count=1")
				cmd.Env = append(os.Environ(), timeRuleHelperEnv+"="+b.Name, timeRuleHelperTarget+"="+target,
					timeRuleHelperStart+"="+strconv.FormatInt(start, 10))
				outs[i] = new(strings.Builder)
				cmd.Stdout, cmd.Stderr = outs[i], outs[i]
				require.NoError(t, cmd.Start())
				cmds[i] = cmd
			}
			fired := 0
			for i, cmd := range cmds {
				require.NoError(t, cmd.Wait(), "helper process %d:\n%s", i, outs[i])
				_, tail, ok := strings.Cut(outs[i].String(), "fired ")
				require.True(t, ok, "helper process %d:\n%s", i, outs[i])
				var k int
				_, err := fmt.Sscanf(tail, "%d", &k)
				require.NoError(t, err)
				t.Logf("helper process %d fired %d", i, k)
				fired += k
			}
			require.Equal(t, n, fired, "each ticket's rule fired by one process, once")
			for _, id := range ids {
				events, err := desk.History(ctx, agent, id)
				require.NoError(t, err)
				lines := 0
				for _, e := range events {
					if e.Field == ticket.FieldTimeRule {
						lines++
					}
				}
				require.Equal(t, 1, lines, "ticket %s", id)
				msgs, err := desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: id})
				require.NoError(t, err)
				require.Len(t, msgs.Messages, 1, "ticket %s", id)
			}
		})
	}
}

// TestHelperTimeRuleProcess is the body of TestTimeRulesInTwoProcesses's
// helper processes: three sweeps two hours after t0. Run directly, it
// does nothing.
func TestHelperTimeRuleProcess(t *testing.T) {
	backend := os.Getenv(timeRuleHelperEnv)
	if backend == "" {
		return
	}
	store := helperStore(t, backend, os.Getenv(timeRuleHelperTarget))
	desk := timeRuleDesk(t, store, clock.NewFake(t0.Add(2*time.Hour)))
	startAt, err := strconv.ParseInt(os.Getenv(timeRuleHelperStart), 10, 64)
	require.NoError(t, err)
	time.Sleep(time.Until(time.Unix(0, startAt)))
	fired := 0
	for range 3 {
		res, err := desk.RunEscalations(context.Background())
		if err != nil {
			fmt.Fprintln(os.Stderr, "sweep:", err)
			os.Exit(1)
		}
		fired += res.TimeRules
	}
	fmt.Printf("fired %d\n", fired)
}

func ticketkitHours(n int) workflow.Duration { return workflow.Duration(time.Duration(n) * time.Hour) }
