package ticketkit_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// archiveLog is a TicketArchiver that records the tickets it archived
// and fails as fail says.
type archiveLog struct {
	mu   sync.Mutex
	ids  []string
	msgs int
	fail func(ctx context.Context, t ticketkit.ExportedTicket) error
}

func (a *archiveLog) ArchiveTicket(ctx context.Context, t ticketkit.ExportedTicket) error {
	if a.fail != nil {
		if err := a.fail(ctx, t); err != nil {
			return err
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.ids = append(a.ids, t.Ticket.ID)
	for _, m := range t.Messages {
		if len(m.Files) > 0 && string(m.Files[0].Content) == "INVOICE scan" {
			a.msgs++
		}
	}
	return nil
}

func (a *archiveLog) archived() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.ids...)
}

// closedWithFile opens a ticket with a reply carrying a file and closes
// it at the clock's now.
func closedWithFile(t *testing.T, desk *ticketkit.Desk, subject string) *ticket.Ticket {
	t.Helper()
	tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: subject, Customer: ticket.Customer{ID: "C-9", Email: "c9@example.com"}})
	_, err := desk.Reply(t.Context(), agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "here is your invoice",
		Attachments: []ticketkit.AttachmentInput{{Name: "invoice.pdf", Content: strings.NewReader("INVOICE scan")}}})
	require.NoError(t, err)
	return mustMove(t, desk, agent, tk.ID, ticket.StatusClosed, "done")
}

func TestDesk_RunRetention_ClosedTickets(t *testing.T) {
	t.Parallel()
	retain := func(r ticketkit.RetentionConfig) func(*ticketkit.Config) {
		return func(c *ticketkit.Config) { c.Retention = r; c.Notifier = nil }
	}
	exists := func(t *testing.T, desk *ticketkit.Desk, id string) bool {
		t.Helper()
		_, err := desk.Get(t.Context(), agent, id)
		if errors.Is(err, ticketkit.ErrNotFound) {
			return false
		}
		require.NoError(t, err)
		return true
	}

	// ArchivesAndDeletesClosedTicketsPastThePeriodOnly: a ticket closed
	// longer ago than the period goes, archived with its thread and
	// file first, its blob deleted after; a ticket closed later, one
	// reopened and one open stay.
	t.Run("ArchivesAndDeletesClosedTicketsPastThePeriodOnly", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			arch := &archiveLog{}
			desk, bundle := setupDesk(t, b, retain(ticketkit.RetentionConfig{ClosedTicketsAfter: 30 * 24 * time.Hour, Archive: arch, TicketBatchSize: 1}))
			ctx := t.Context()
			old := closedWithFile(t, desk, "old")
			reopened := closedWithFile(t, desk, "reopened")
			open := mustOpen(t, desk, agent, ticketkit.OpenParams{})
			blobsBefore := bundle.blobs.Len()
			bundle.clock.Advance(24 * time.Hour)
			mustMove(t, desk, agent, reopened.ID, ticket.StatusInProgress, "customer wrote again")
			bundle.clock.Advance(10 * 24 * time.Hour)
			recent := closedWithFile(t, desk, "recent")

			bundle.clock.Advance(19*24*time.Hour - time.Hour) // old: closed 30 days less an hour ago
			res, err := desk.RunRetention(ctx)
			require.NoError(t, err)
			require.Equal(t, ticketkit.RetentionResult{}, res, "nothing closed 30 days ago yet")

			bundle.clock.Advance(2 * time.Hour)
			res, err = desk.RunRetention(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, res.ClosedTickets)
			require.Equal(t, 1, res.Archived)
			require.Equal(t, 1, res.Messages, "the reply")
			require.Equal(t, 1, res.Attachments)
			require.Equal(t, 1, res.BlobsDeleted)
			require.Positive(t, res.Events)
			require.Equal(t, []string{old.ID}, arch.archived())
			require.Equal(t, 1, arch.msgs, "the archive had the file's content")
			require.False(t, exists(t, desk, old.ID))
			for _, id := range []string{reopened.ID, open.ID, recent.ID} {
				require.True(t, exists(t, desk, id))
			}
			require.Equal(t, blobsBefore+1-1, bundle.blobs.Len(), "old's file is gone, recent's stays")
			_, err = desk.History(ctx, agent, old.ID)
			require.ErrorIs(t, err, ticketkit.ErrNotFound)

			res, err = desk.RunRetention(ctx)
			require.NoError(t, err)
			require.Zero(t, res.ClosedTickets, "a second pass finds nothing")
		})
	})

	// HostileArchiversKeepTheirTickets: an archiver that fails, one that
	// panics and one that hangs until its deadline keep their tickets;
	// the pass goes on to the others and the next pass retries.
	t.Run("HostileArchiversKeepTheirTickets", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			var hostile sync.Map // subject → behaviour
			arch := &archiveLog{fail: func(ctx context.Context, et ticketkit.ExportedTicket) error {
				switch v, _ := hostile.Load(et.Ticket.Subject); v {
				case "error":
					return errors.New("archive down")
				case "panic":
					panic("archiver bug")
				case "hang":
					<-ctx.Done()
					return ctx.Err()
				}
				return nil
			}}
			desk, bundle := setupDesk(t, b, retain(ticketkit.RetentionConfig{ClosedTicketsAfter: time.Hour, Archive: arch,
				ArchiveTimeout: 20 * time.Millisecond, TicketBatchSize: 2}))
			ctx := t.Context()
			var keep []string
			for _, how := range []string{"error", "panic", "hang"} {
				hostile.Store(how, how)
				keep = append(keep, closedWithFile(t, desk, how).ID)
			}
			fine := closedWithFile(t, desk, "fine")
			blobs := bundle.blobs.Len()
			bundle.clock.Advance(2 * time.Hour)
			res, err := desk.RunRetention(ctx)
			require.NoError(t, err)
			require.Equal(t, []int{1, 1, 3}, []int{res.ClosedTickets, res.Archived, res.ArchiveFailed})
			require.Equal(t, []string{fine.ID}, arch.archived())
			for _, id := range keep {
				require.True(t, exists(t, desk, id), "a failed archive keeps its ticket")
			}
			require.Equal(t, blobs-1, bundle.blobs.Len(), "the kept tickets' files stay")

			hostile.Clear()
			res, err = desk.RunRetention(ctx)
			require.NoError(t, err)
			require.Equal(t, []int{3, 3, 0}, []int{res.ClosedTickets, res.Archived, res.ArchiveFailed}, "the next pass retries")
			require.ElementsMatch(t, append(keep, fine.ID), arch.archived(), "each archived once")
		})
	})

	// ATenantKeepsItsOwnPeriod: a tenant's configuration replaces the
	// Desk's period: 0 keeps its closed tickets, another tenant's go.
	t.Run("ATenantKeepsItsOwnPeriod", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, bundle := setupDesk(t, b, retain(ticketkit.RetentionConfig{ClosedTicketsAfter: time.Hour}))
			ctx := t.Context()
			keep := closedWithFile(t, desk, "acme keeps")
			other := ticketkit.Actor{ID: "agent-2", Role: ticket.RoleAgent, TenantID: "globex"}
			tk := mustOpen(t, desk, other, ticketkit.OpenParams{Subject: "globex"})
			mustMove(t, desk, other, tk.ID, ticket.StatusClosed, "done")
			_, err := desk.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
				Catalog: ticket.DefaultCatalogSpec(), Retention: &ticketkit.TenantRetention{}}})
			require.NoError(t, err)

			bundle.clock.Advance(48 * time.Hour)
			res, err := desk.RunRetention(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, res.ClosedTickets)
			require.True(t, exists(t, desk, keep.ID), "acme keeps its closed tickets")
			_, err = desk.Get(ctx, other, tk.ID)
			require.ErrorIs(t, err, ticketkit.ErrNotFound)

			_, err = desk.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
				Catalog: ticket.DefaultCatalogSpec(), Retention: &ticketkit.TenantRetention{ClosedTicketsAfter: workflow.Duration(-time.Hour)}}})
			require.Equal(t, []string{"retention.closed_tickets_after"}, invalidFields(t, err))
			_, err = desk.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
				Catalog: ticket.DefaultCatalogSpec(), Retention: &ticketkit.TenantRetention{ClosedTicketsAfter: workflow.Duration(72 * time.Hour)}}})
			require.NoError(t, err)
			bundle.clock.Advance(time.Hour + ticketkit.DefaultTenantConfigTTL)
			res, err = desk.RunRetention(ctx)
			require.NoError(t, err)
			require.Zero(t, res.ClosedTickets, "closed 49h ago, kept 72h")
			bundle.clock.Advance(24 * time.Hour)
			res, err = desk.RunRetention(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, res.ClosedTickets)
			require.False(t, exists(t, desk, keep.ID))
		})
	})

	// AReopenRacingThePurgeNeverLosesAWrite: a transaction reopens a
	// closed ticket while a retention pass runs. Either the reopen
	// commits and the ticket stays, or the purge wins and the reopen
	// fails: never a reopen that succeeded on a deleted ticket. On
	// PostgreSQL and MySQL the pass skips the locked ticket at once.
	t.Run("AReopenRacingThePurgeNeverLosesAWrite", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			arch := &archiveLog{}
			desk, bundle := setupDesk(t, b, retain(ticketkit.RetentionConfig{ClosedTicketsAfter: time.Hour, Archive: arch}))
			ctx := t.Context()
			tk := closedWithFile(t, desk, "racing")
			bundle.clock.Advance(2 * time.Hour)
			// Within the reopen window of the default workflow.
			held, release, written := make(chan struct{}), make(chan struct{}), make(chan error, 1)
			go func() {
				written <- bundle.store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
					_, err := desk.TransitionTx(ctx, tx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusInProgress, Reason: "again"})
					close(held)
					<-release
					return err
				})
			}()
			<-held
			type result struct {
				res ticketkit.RetentionResult
				err error
			}
			passed := make(chan result, 1)
			go func() {
				res, err := desk.RunRetention(ctx)
				passed <- result{res, err}
			}()
			var r result
			if b.Name == "postgres" || b.Name == "mysql" {
				r = <-passed // SKIP LOCKED: the pass does not wait for the writer
				close(release)
			} else {
				close(release) // the single writer: the pass waits for the reopen
				r = <-passed
			}
			require.NoError(t, r.err)
			werr := <-written
			if werr == nil {
				require.Zero(t, r.res.ClosedTickets)
				require.Empty(t, arch.archived())
				got, err := desk.Get(ctx, agent, tk.ID)
				require.NoError(t, err)
				require.Equal(t, ticket.StatusInProgress, got.Status)
			} else {
				require.Equal(t, 1, r.res.ClosedTickets)
				require.ErrorIs(t, werr, ticketkit.ErrNotFound)
			}
			if b.Name == "postgres" || b.Name == "mysql" {
				require.NoError(t, werr, "the pass skipped the locked ticket")
			}
		})
	})

	t.Run("ConfigIsValidated", func(t *testing.T) {
		t.Parallel()
		_, err := ticketkit.New(ticketkit.Config{Store: memoryBackend().Open(t), Retention: ticketkit.RetentionConfig{
			ClosedTicketsAfter: -1, ArchiveTimeout: -1, TicketBatchSize: storage.MaxClosedClaimLimit + 1}})
		require.ErrorContains(t, err, "ClosedTicketsAfter")
		require.ErrorContains(t, err, "ArchiveTimeout")
		require.ErrorContains(t, err, "TicketBatchSize")
	})
}
