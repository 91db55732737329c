package ticketkit_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// statementCounter is a bun.QueryHook counting the statements a
// database runs, BEGIN and COMMIT included.
type statementCounter struct{ n atomic.Int64 }

func (c *statementCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (c *statementCounter) AfterQuery(context.Context, *bun.QueryEvent) { c.n.Add(1) }

// count returns how many statements fn ran.
func (c *statementCounter) count(fn func()) int64 {
	before := c.n.Load()
	fn()
	return c.n.Load() - before
}

// TestDesk_ComplaintKind keeps a ticket's kind on its row.
func TestDesk_ComplaintKind(t *testing.T) {
	t.Parallel()

	// PlainTicketChangesCostNoExtraStatement: with complaints
	// on, a change of a plain ticket runs as many statements as without
	// them (issue 14, item 2: a plain Transition went from 7 to 11, a probe
	// transaction and a complaint SELECT before the ticket's), since the
	// ticket row says what kind of ticket it is.
	t.Run("PlainTicketChangesCostNoExtraStatement", func(t *testing.T) {
		t.Parallel()
		dbtest.EachBackend(t, func(t *testing.T, b dbtest.Backend) {
			ctx := t.Context()
			counter := &statementCounter{}
			// ThroughBunOnly: on PostgreSQL the one-statement paths would
			// otherwise bypass the hook that counts.
			st, err := bunstore.New(b.Open(t).WithQueryHook(counter), bunstore.Config{ThroughBunOnly: true})
			require.NoError(t, err)
			require.NoError(t, st.Migrate(ctx))
			plain, err := ticketkit.New(ticketkit.Config{Store: st})
			require.NoError(t, err)
			withComplaints, err := ticketkit.New(ticketkit.Config{Store: st, Complaints: &ticketkit.ComplaintConfig{}})
			require.NoError(t, err)

			changes := map[string]func(d *ticketkit.Desk, id string) error{
				"Transition": func(d *ticketkit.Desk, id string) error {
					_, err := d.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: id, To: ticket.StatusInProgress})
					return err
				},
				"Update": func(d *ticketkit.Desk, id string) error {
					subject := "renamed"
					_, err := d.Update(ctx, agent, ticketkit.UpdateParams{TicketID: id, Subject: &subject})
					return err
				},
			}
			for name, change := range changes {
				first, err := plain.Open(ctx, agent, ticketkit.OpenParams{Subject: "first"})
				require.NoError(t, err)
				// Opened through the second Desk, whose cache then knows the
				// tenant's configuration version, as plain's does.
				second, err := withComplaints.Open(ctx, agent, ticketkit.OpenParams{Subject: "second"})
				require.NoError(t, err)
				var errOff, errOn error
				off := counter.count(func() { errOff = change(plain, first.ID) })
				on := counter.count(func() { errOn = change(withComplaints, second.ID) })
				require.NoError(t, errOff, name)
				require.NoError(t, errOn, name)
				t.Logf("%s of a plain ticket: %d statements without complaints, %d with", name, off, on)
				require.Positive(t, off, name)
				require.Equal(t, off, on, "%s of a plain ticket: statements without complaints, with complaints", name)
			}
		})
	})
}
