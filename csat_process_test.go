package ticketkit_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// Environment of the helper processes of TestDesk_RateAcrossProcesses.
const (
	rateHelperEnv    = "TICKETKIT_RATE_HELPER"        // the backend's name
	rateHelperTarget = "TICKETKIT_RATE_HELPER_TARGET" // SQLite file, PostgreSQL schema or MySQL database
	rateHelperTokens = "TICKETKIT_RATE_HELPER_TOKENS" // the survey tokens, comma-separated
)

// rateProcessTickets is how many tickets TestDesk_RateAcrossProcesses
// has both processes rate.
const rateProcessTickets = 20

// TestDesk_RateAcrossProcesses: two copies of the test binary answer the
// same survey links at once, each through a Desk of its own on the same
// database (a customer clicking twice, two servers behind a balancer):
// every ticket ends with exactly one rating and one history line, and
// every other answer is ErrAlreadyRated.
func TestDesk_RateAcrossProcesses(t *testing.T) {
	t.Parallel()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := b.Open(t)
			store, err := bunstore.New(db, bunstore.Config{})
			require.NoError(t, err)
			require.NoError(t, store.Migrate(ctx))
			desk, err := ticketkit.New(ticketkit.Config{Store: store, SurveyKey: surveyKey})
			require.NoError(t, err)
			var ids, tokens []string
			for range rateProcessTickets {
				tk := resolvedTicket(t, desk)
				link, err := desk.SurveyLink(ctx, agent, tk.ID)
				require.NoError(t, err)
				ids, tokens = append(ids, tk.ID), append(tokens, link.Token)
			}

			var wg sync.WaitGroup
			outs := make([]string, 2)
			errs := make([]error, 2)
			for i := range 2 {
				wg.Go(func() {
					cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperRateProcess$", "-test.count=1", "-test.v")
					cmd.Env = append(os.Environ(), rateHelperEnv+"="+b.Name, rateHelperTarget+"="+dbtest.Target(t, b.Name, db),
						rateHelperTokens+"="+strings.Join(tokens, ","))
					out, err := cmd.CombinedOutput()
					outs[i], errs[i] = string(out), err
				})
			}
			wg.Wait()
			rated := map[string]int{}
			for i := range 2 {
				require.NoError(t, errs[i], outs[i])
				for line := range strings.Lines(outs[i]) {
					if id, ok := strings.CutPrefix(strings.TrimSpace(line), "rated "); ok {
						rated[id]++
					}
				}
			}
			for _, id := range ids {
				require.Equal(t, 1, rated[id], "ticket %s rated once across both processes", id)
				_, err := desk.Rating(ctx, agent, id)
				require.NoError(t, err)
				require.Len(t, linesOf(historyLines(t, desk, id), ticket.FieldRating), 1)
			}
		})
	}
}

// TestHelperRateProcess is the helper of TestDesk_RateAcrossProcesses;
// it does nothing unless run by it.
func TestHelperRateProcess(t *testing.T) {
	backend := os.Getenv(rateHelperEnv)
	if backend == "" {
		return
	}
	ctx := context.Background()
	store := helperStore(t, backend, os.Getenv(rateHelperTarget))
	desk, err := ticketkit.New(ticketkit.Config{Store: store, SurveyKey: surveyKey})
	require.NoError(t, err)
	for tok := range strings.SplitSeq(os.Getenv(rateHelperTokens), ",") {
		r, err := desk.Rate(ctx, ticketkit.RateParams{Token: tok, Score: 4})
		if err == nil {
			fmt.Println("rated", r.TicketID)
			continue
		}
		require.True(t, errors.Is(err, ticketkit.ErrAlreadyRated), "only the other process's rating may refuse: %v", err)
	}
}
