package storagetest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/storage/storagetest"
	"github.com/ticketkit/ticketkit/ticket"
)

// adapterEnv names the adapter TestSuiteCatchesBrokenAdapters runs the
// suite against when it is started as a child process.
const adapterEnv = "STORAGETEST_ADAPTER"

// undeclaredEnv, set in the child process, makes it declare no optional
// capability (see TestRunReportsUndeclaredCapabilities).
const undeclaredEnv = "STORAGETEST_UNDECLARED"

// adapters are the stores the child process can run the suite against: a
// healthy memory store and memory stores with one deliberate bug each.
var adapters = map[string]func() storage.Store{
	"healthy": func() storage.Store { return memory.New() },

	"IgnoresStatusesFilter": func() storage.Store { return ignoresStatuses{memory.New()} },
	"IgnoresOrganisation":   func() storage.Store { return ignoresOrganisation{memory.New()} },
	"TextFilterUsesLikeWildcards": func() storage.Store {
		return likeWildcards{memory.New()}
	},
	"DropsHistoryLines":       func() storage.Store { return dropsHistory{memory.New()} },
	"LeaksOtherTenantOnGet":   func() storage.Store { return &leaksTenant{Store: memory.New()} },
	"IgnoresVersionOnUpdate":  func() storage.Store { return ignoresVersion{memory.New()} },
	"CommitsFailedTx":         func() storage.Store { return commitsFailedTx{memory.New()} },
	"ClaimIgnoresMaxAttempts": func() storage.Store { return ignoresMaxAttempts{memory.New()} },
	"HidesCapabilitiesInTx":   func() storage.Store { return hidesInTx{memory.New()} },
	"ForgetsOverdueMarks":     func() storage.Store { return forgetsMarks{memory.New()} },
}

// features are what every adapter declares: the memory store's
// capabilities, all of them.
var features = storagetest.Features{
	Complaints: true, ComplaintLocker: true, ComplaintReverser: true, ComplaintOverdue: true, Inbound: true,
	AttachmentRefs: true, SLAUpdater: true, BatchUpdater: true, Idempotency: true, OutboxStats: true,
}

// hidesInTx is a decorator that forwards the optional capabilities of the
// store but not those of the Tx its RunInTx hands out, as a tracing
// decorator embedding only storage.Tx would.
type hidesInTx struct{ *memory.Store }

func (s hidesInTx) RunInTx(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	return s.Store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		return fn(ctx, struct{ storage.Tx }{tx})
	})
}

// forgetsMarks hands out transactions whose ComplaintOverdueMark writes
// nothing, so that an overdue action is claimed again and again.
type forgetsMarks struct{ *memory.Store }

func (s forgetsMarks) RunInTx(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	return s.Store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		return fn(ctx, forgetfulTx{Tx: tx, ComplaintStore: tx.(storage.ComplaintStore), ComplaintOverdueStore: tx.(storage.ComplaintOverdueStore)})
	})
}

// forgetfulTx is the Tx of forgetsMarks.
type forgetfulTx struct {
	storage.Tx
	storage.ComplaintStore
	storage.ComplaintOverdueStore
}

func (forgetfulTx) ComplaintOverdueMark(context.Context, storage.ComplaintOverdueMarkParams) error {
	return nil
}

// ignoresMaxAttempts claims entries however many attempts they had.
type ignoresMaxAttempts struct{ *memory.Store }

func (s ignoresMaxAttempts) OutboxClaim(ctx context.Context, p storage.OutboxClaimParams) ([]*storage.OutboxEntry, error) {
	p.MaxAttempts = 0
	return s.Store.OutboxClaim(ctx, p)
}

// ignoresStatuses forgets the Statuses filter.
type ignoresStatuses struct{ *memory.Store }

func (s ignoresStatuses) TicketList(ctx context.Context, p storage.TicketListParams) (*storage.TicketListResult, error) {
	p.Statuses = nil
	return s.Store.TicketList(ctx, p)
}

// ignoresOrganisation lists tickets as if no organisation were asked for.
type ignoresOrganisation struct{ *memory.Store }

func (s ignoresOrganisation) TicketList(ctx context.Context, p storage.TicketListParams) (*storage.TicketListResult, error) {
	p.OrganisationID, p.CustomerOrOrganisation = "", false
	return s.Store.TicketList(ctx, p)
}

// likeWildcards behaves like an unescaped SQL LIKE for the wildcard-only
// texts "%" and "_", which match every subject.
type likeWildcards struct{ *memory.Store }

func (s likeWildcards) TicketList(ctx context.Context, p storage.TicketListParams) (*storage.TicketListResult, error) {
	if strings.Trim(p.Text, "%_") == "" {
		p.Text = ""
	}
	return s.Store.TicketList(ctx, p)
}

// dropsHistory keeps only the first line of each batch.
type dropsHistory struct{ *memory.Store }

func (s dropsHistory) EventCreate(ctx context.Context, events []*ticket.Event) error {
	return s.Store.EventCreate(ctx, events[:min(1, len(events))])
}

// leaksTenant remembers each ticket's tenant and, when TicketGet finds
// nothing in the tenant asked for, looks in the ticket's own.
type leaksTenant struct {
	*memory.Store
	tenants sync.Map // ticket ID → tenant ID
}

func (s *leaksTenant) TicketCreate(ctx context.Context, t *ticket.Ticket) error {
	s.tenants.Store(t.ID, t.TenantID)
	return s.Store.TicketCreate(ctx, t)
}

func (s *leaksTenant) TicketGet(ctx context.Context, p storage.TicketGetParams) (*ticket.Ticket, error) {
	t, err := s.Store.TicketGet(ctx, p)
	if tenant, ok := s.tenants.Load(p.ID); ok && errors.Is(err, storage.ErrNotFound) {
		p.TenantID = tenant.(string)
		return s.Store.TicketGet(ctx, p)
	}
	return t, err
}

// ignoresVersion writes over whatever version is stored.
type ignoresVersion struct{ *memory.Store }

func (s ignoresVersion) TicketUpdate(ctx context.Context, t *ticket.Ticket) error {
	if cur, err := s.Store.TicketGet(ctx, storage.TicketGetParams{TenantID: t.TenantID, ID: t.ID}); err == nil {
		t.Version = cur.Version
	}
	return s.Store.TicketUpdate(ctx, t)
}

// commitsFailedTx runs fn without a transaction, so nothing rolls back.
type commitsFailedTx struct{ *memory.Store }

func (s commitsFailedTx) RunInTx(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	return fn(ctx, s.Store)
}

// TestSuiteCatchesBrokenAdapters proves that the suite fails stores with
// typical bugs. It runs this test binary again as a child process, once
// per bug, with adapterEnv set and -test.run selecting the subtest that
// must catch the bug; the child runs the suite against that adapter and
// must fail that subtest. The same subtest against the healthy store
// must pass, so that the failure is the bug's doing.
func TestSuiteCatchesBrokenAdapters(t *testing.T) {
	if name := os.Getenv(adapterEnv); name != "" {
		newStore, ok := adapters[name]
		require.True(t, ok, "unknown adapter %q", name)
		declared := features
		if os.Getenv(undeclaredEnv) != "" {
			declared = storagetest.Features{}
		}
		storagetest.Run(t, func(*testing.T) storage.Store { return newStore() }, declared)
		return
	}

	tests := []struct {
		adapter string
		subtest string // group/subtest
	}{
		{"IgnoresStatusesFilter", "TicketList/FiltersByStatus"},
		{"IgnoresStatusesFilter", "TicketList/CombinedFiltersAreANDed"},
		{"IgnoresOrganisation", "TicketListOrganisation/SelectsTheOrganisationsTickets"},
		{"IgnoresOrganisation", "TicketListOrganisation/OrTheCustomersOwn"},
		{"TextFilterUsesLikeWildcards", "TicketList/ListFilterWithHostileInputMatchesLiterally"},
		{"DropsHistoryLines", "Event/ListReturnsLinesInAppendOrder"},
		{"LeaksOtherTenantOnGet", "Tenant/TicketGetOfOtherTenantReturnsErrNotFound"},
		{"IgnoresVersionOnUpdate", "TicketUpdate/UpdateWithStaleVersionReturnsErrConflictAndWritesNothing"},
		{"CommitsFailedTx", "Tx/RollsBackEverythingOnError"},
		{"CommitsFailedTx", "Sequence/IsRolledBackWithAFailedTxSoNumbersStayGapFree"},
		{"ClaimIgnoresMaxAttempts", "Outbox/ClaimMakesDeadLettersOfExhaustedEntries"},
		{"HidesCapabilitiesInTx", "Features/ComplaintStore"},
		{"HidesCapabilitiesInTx", "Features/InboundStore"},
		{"HidesCapabilitiesInTx", "Features/TicketSLAUpdater"},
		{"HidesCapabilitiesInTx", "Features/ComplaintOverdueStore"},
		{"ForgetsOverdueMarks", "ComplaintOverdue/ClaimsOpenActionsDueOnceMarked"},
	}
	for _, tt := range tests {
		t.Run(tt.adapter+"/"+strings.ReplaceAll(tt.subtest, "/", "_"), func(t *testing.T) {
			t.Parallel()
			line := "TestSuiteCatchesBrokenAdapters/" + tt.subtest + " "

			out, err := runChild(t, tt.adapter, tt.subtest)
			require.Error(t, err, "the suite passed the broken adapter:\n%s", out)
			require.Contains(t, out, "--- FAIL: "+line, "the expected subtest did not fail:\n%s", out)

			out, err = runChild(t, "healthy", tt.subtest)
			require.NoError(t, err, "the subtest fails the healthy store:\n%s", out)
			require.Contains(t, out, "--- PASS: "+line, "the subtest did not run:\n%s", out)
		})
	}
}

// runChild runs one suite subtest against an adapter in a child process
// and returns its output.
func runChild(t *testing.T, adapter, subtest string) (string, error) {
	t.Helper()
	pattern := "^TestSuiteCatchesBrokenAdapters$"
	for part := range strings.SplitSeq(subtest, "/") {
		pattern += "/^" + part + "$"
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run="+pattern, "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), adapterEnv+"="+adapter)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestRunReportsUndeclaredCapabilities: the memory store declaring no
// optional capability passes; the log names each capability it
// implements without declaring, and each optional group says it did not
// run. Nothing is skipped.
func TestRunReportsUndeclaredCapabilities(t *testing.T) {
	t.Parallel()
	cmd := exec.CommandContext(t.Context(), os.Args[0],
		"-test.run=^TestSuiteCatchesBrokenAdapters$/^(Features|Complaint|ComplaintOverdue|Inbound|SLAUpdater|BatchUpdater|AttachmentRef)$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), adapterEnv+"=healthy", undeclaredEnv+"=1")
	b, err := cmd.CombinedOutput()
	out := string(b)
	require.NoError(t, err, out)
	for _, c := range []string{"ComplaintStore", "ComplaintLocker", "ComplaintOverdueStore", "InboundStore", "AttachmentRefChecker", "TicketSLAUpdater", "TicketBatchUpdater"} {
		require.Contains(t, out, "implements storage."+c+", which Features does not declare", out)
	}
	for _, c := range []string{"ComplaintStore", "ComplaintOverdueStore", "InboundStore", "AttachmentRefChecker", "TicketSLAUpdater", "TicketBatchUpdater"} {
		require.Contains(t, out, "not run: Features does not declare storage."+c, out) // ComplaintLocker's test is in Complaint's group
	}
	require.NotContains(t, out, "--- SKIP", out)
}
