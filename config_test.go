package ticketkit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

func TestConfig_WithDefaults(t *testing.T) {
	t.Parallel()
	got := ticketkit.Config{}.WithDefaults()
	mobile, err := got.Phone.Normalize("06 12 34 56 78")
	require.NoError(t, err)
	for _, tt := range []struct {
		field     string
		got, want any
	}{
		{"Catalog", got.Catalog.Equal(ticket.DefaultCatalog()), true},
		{"Workflow", got.Workflow != nil && got.Workflow.Catalog() == got.Catalog, true},
		{"InlineTimeout", got.InlineTimeout, ticketkit.DefaultInlineTimeout},
		{"Clock", got.Clock, clock.System()},
		{"Numberer", got.Numberer, ticket.DefaultNumberer()},
		{"Phone", mobile, "0612345678"},
		{"MaxAttachments", got.MaxAttachments, ticketkit.DefaultMaxAttachments},
		{"Logger", got.Logger != nil, true},
		{"StaffLabel", got.StaffLabel, ticketkit.DefaultStaffLabel},
		{"WakeStatus", got.WakeStatus, ticket.StatusInProgress},
		{"MaxAttachmentSize", got.MaxAttachmentSize, int64(0)},
		{"AutoCloseAfter", got.AutoCloseAfter, time.Duration(0)},
		{"ReopenWithin", got.ReopenWithin, time.Duration(0)},
		{"Complaints", got.Complaints, (*ticketkit.ComplaintConfig)(nil)},
	} {
		require.Equal(t, tt.want, tt.got, "Config.%s", tt.field)
	}

	complaints := &ticketkit.ComplaintConfig{Rules: workflow.ComplaintRules{ClosureReason: true}}
	withComplaints := ticketkit.Config{Complaints: complaints}.WithDefaults()
	require.NotNil(t, withComplaints.Complaints.Workflow, "Config.Complaints.Workflow")
	require.Nil(t, complaints.Workflow, "the host's ComplaintConfig is not changed")
	want, err := workflow.DefaultComplaint(nil, complaints.Rules)
	require.NoError(t, err)
	require.Equal(t, want.Machine().Definition(), withComplaints.Complaints.Workflow.Machine().Definition(), "built from Rules")

	set := ticketkit.Config{InlineTimeout: time.Second, MaxAttachments: 3, StaffLabel: "Team", WakeStatus: ticket.StatusOpen}.WithDefaults()
	require.Equal(t, []any{time.Second, 3, "Team", ticket.StatusOpen},
		[]any{set.InlineTimeout, set.MaxAttachments, set.StaffLabel, set.WakeStatus}, "set fields are kept")
}

// policies is a one-policy SLA.
var policies = []workflow.Policy{{Name: "standard", Targets: workflow.Targets{Resolution: workflow.Duration(4 * time.Hour)}}}

// customCatalog returns a catalog that differs from the default one in a
// label only.
func customCatalog(t *testing.T) *ticket.Catalog {
	t.Helper()
	spec := ticket.DefaultCatalogSpec()
	spec.Statuses[0].Label.Text = "New"
	c, err := ticket.NewCatalog(spec)
	require.NoError(t, err)
	return c
}

func TestDispatcherConfig_WithDefaults(t *testing.T) {
	t.Parallel()
	got := ticketkit.DispatcherConfig{}.WithDefaults()
	require.NotNil(t, got.Backoff)
	first, late := got.Backoff(1), got.Backoff(100)
	for _, tt := range []struct {
		field     string
		got, want any
	}{
		{"BatchSize", got.BatchSize, ticketkit.DefaultDispatchBatchSize},
		{"PollInterval", got.PollInterval, ticketkit.DefaultDispatchPollInterval},
		{"LockFor", got.LockFor, ticketkit.DefaultDispatchLockFor},
		{"MaxAttempts", got.MaxAttempts, ticketkit.DefaultDispatchMaxAttempts},
		{"Backoff(1) from the base", first >= ticketkit.DefaultDispatchBackoffBase/2 && first <= ticketkit.DefaultDispatchBackoffBase, true},
		{"Backoff(100) up to the limit", late >= ticketkit.DefaultDispatchBackoffLimit/2 && late <= ticketkit.DefaultDispatchBackoffLimit, true},
		{"Clock", got.Clock, clock.System()},
		{"Logger", got.Logger != nil, true},
	} {
		require.Equal(t, tt.want, tt.got, "DispatcherConfig.%s", tt.field)
	}
}

func TestNewDispatcher_ReportsEveryBadField(t *testing.T) {
	t.Parallel()
	_, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{BatchSize: 100000, PollInterval: -1, LockFor: -1, MaxAttempts: -1})
	require.ErrorContains(t, err, "ticketkit: invalid DispatcherConfig: ")
	for _, want := range []string{
		"DispatcherConfig.Store is required",
		"DispatcherConfig.Notifier is required",
		"DispatcherConfig.BatchSize must be between 1 and",
		"DispatcherConfig.PollInterval must not be negative",
		"DispatcherConfig.LockFor must not be negative",
		"DispatcherConfig.MaxAttempts must not be negative",
	} {
		require.ErrorContains(t, err, want)
	}
}

func TestEscalationWorkerConfig_WithDefaults(t *testing.T) {
	t.Parallel()
	got := ticketkit.EscalationWorkerConfig{}.WithDefaults()
	require.Equal(t, ticketkit.DefaultEscalationInterval, got.Interval, "EscalationWorkerConfig.Interval")
	require.Equal(t, time.Second, ticketkit.EscalationWorkerConfig{Interval: time.Second}.WithDefaults().Interval, "a set Interval is kept")
}

func TestNewEscalationWorker_ReportsEveryBadField(t *testing.T) {
	t.Parallel()
	_, err := ticketkit.NewEscalationWorker(ticketkit.EscalationWorkerConfig{Interval: -1})
	require.ErrorContains(t, err, "ticketkit: invalid EscalationWorkerConfig: ")
	require.ErrorContains(t, err, "EscalationWorkerConfig.Desk is required")
	require.ErrorContains(t, err, "EscalationWorkerConfig.Interval must not be negative")

	plain, err := ticketkit.New(ticketkit.Config{Store: memory.New()})
	require.NoError(t, err)
	_, err = ticketkit.NewEscalationWorker(ticketkit.EscalationWorkerConfig{Desk: plain, Interval: -1})
	require.ErrorContains(t, err, "EscalationWorkerConfig.Desk has no Config.SLA")
	require.ErrorContains(t, err, "EscalationWorkerConfig.Interval must not be negative")
}

// TestNew checks the Config a Desk is built from.
func TestNew(t *testing.T) {
	t.Parallel()

	t.Run("RequiresStore", func(t *testing.T) {
		t.Parallel()
		_, err := ticketkit.New(ticketkit.Config{})
		require.ErrorContains(t, err, "Store")
	})

	t.Run("ReportsEveryBadField", func(t *testing.T) {
		t.Parallel()
		other, err := workflow.Default(customCatalog(t))
		require.NoError(t, err)
		_, err = ticketkit.New(ticketkit.Config{
			Catalog:           ticket.DefaultCatalog(),
			Workflow:          other,
			InlineTimeout:     -1,
			MaxAttachmentSize: -1,
			MaxAttachments:    -1,
			ReopenWithin:      -1,
			AutoCloseAfter:    time.Hour,
			WakeStatus:        "nope",
			Store:             struct{ storage.Store }{memory.New()},
			Complaints:        &ticketkit.ComplaintConfig{},
		})
		require.ErrorContains(t, err, "ticketkit: invalid Config: ")
		require.ErrorIs(t, err, ticketkit.ErrComplaintsUnsupported)
		for _, want := range []string{
			"Config.Complaints needs a Config.Store that implements storage.ComplaintStore",
			"Config.Workflow must be built on a catalog equal to Config.Catalog",
			"Config.InlineTimeout must not be negative",
			"Config.MaxAttachmentSize must not be negative",
			"Config.MaxAttachments must not be negative",
			"Config.ReopenWithin must not be negative",
			"Config.AutoCloseAfter needs Config.SLA",
			`Config.WakeStatus "nope" is not in the catalog`,
		} {
			require.ErrorContains(t, err, want)
		}
	})

	t.Run("RejectsNegativeInlineTimeout", func(t *testing.T) {
		t.Parallel()
		_, err := ticketkit.New(ticketkit.Config{Store: memory.New(), InlineTimeout: -time.Second})
		require.ErrorContains(t, err, "InlineTimeout")
	})

	// SeparateDefaultCatalogs builds the workflow, the SLA and the
	// Desk each on its own ticket.DefaultCatalog(): they fit together, and a
	// ticket goes through them on every backend.
	t.Run("SeparateDefaultCatalogs", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			m, err := workflow.Default(ticket.DefaultCatalog())
			require.NoError(t, err)
			sla, err := workflow.NewSLA(workflow.SLAConfig{Policies: policies}, ticket.DefaultCatalog())
			require.NoError(t, err)
			desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), Catalog: ticket.DefaultCatalog(), Workflow: m, SLA: sla})
			require.NoError(t, err)
			tk, err := desk.Open(t.Context(), agent, ticketkit.OpenParams{Subject: "Kettle"})
			require.NoError(t, err)
			require.NotNil(t, tk.SLA, "the SLA runs")
			tk, err = desk.Transition(t.Context(), agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusInProgress})
			require.NoError(t, err)
			require.Equal(t, ticket.StatusInProgress, tk.Status)
		})
	})

	// OwnStatusesWithTheFreeWorkflow is a host that replaces the
	// statuses: the default workflow does not fit, the error says what
	// does, and the free preset runs a ticket through the new statuses on
	// every backend.
	t.Run("OwnStatusesWithTheFreeWorkflow", func(t *testing.T) {
		t.Parallel()
		spec := ticket.DefaultCatalogSpec()
		spec.Statuses = []ticket.Status{
			{Code: "new", Label: ticket.Label{Text: "New"}, Category: ticket.CategoryNew, Initial: true},
			{Code: "picking", Label: ticket.Label{Text: "Picking"}, Category: ticket.CategoryOpen},
			{Code: "done", Label: ticket.Label{Text: "Done"}, Category: ticket.CategoryClosed, Terminal: true},
		}
		c, err := ticket.NewCatalog(spec)
		require.NoError(t, err)
		_, err = ticketkit.New(ticketkit.Config{Store: memory.New(), Catalog: c})
		require.ErrorContains(t, err, "workflow.Free(catalog)")
		m, err := workflow.Free(c)
		require.NoError(t, err)
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), Catalog: c, Workflow: m})
			require.NoError(t, err)
			tk, err := desk.Open(t.Context(), customer, ticketkit.OpenParams{Subject: "Kettle"})
			require.NoError(t, err)
			require.Equal(t, "new", tk.Status)
			for _, to := range []string{"picking", "done", "picking"} {
				tk, err = desk.Transition(t.Context(), agent, ticketkit.TransitionParams{TicketID: tk.ID, To: to})
				require.NoError(t, err, to)
				require.Equal(t, to, tk.Status)
			}
			_, err = desk.Transition(t.Context(), customer, ticketkit.TransitionParams{TicketID: tk.ID, To: "done"})
			require.ErrorIs(t, err, workflow.ErrForbidden, "customers take no transition")
		})
	})

	t.Run("CatalogOfAnotherContentIsRefused", func(t *testing.T) {
		t.Parallel()
		sla, err := workflow.NewSLA(workflow.SLAConfig{Policies: policies}, customCatalog(t))
		require.NoError(t, err)
		_, err = ticketkit.New(ticketkit.Config{Store: memory.New(), Catalog: ticket.DefaultCatalog(), SLA: sla})
		require.ErrorContains(t, err, "Config.SLA must be built on a catalog equal to Config.Catalog")
	})
}
