package intake_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/mailin"
	"github.com/ticketkit/ticketkit/mailin/intake"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

const (
	tenant = "acme"
	domain = "desk.acme.example"
	own    = "help@desk.acme.example"
)

var (
	t0    = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	agent = ticket.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: tenant}
)

// backend is a store the intake's tests run on.
type backend = dbtest.Store

// backends returns the memory store and the Bun stores on SQLite and
// PostgreSQL.
func backends() []backend { return dbtest.Stores() }

// env is a desk with an intake on a fake clock at t0.
type env struct {
	desk   *ticketkit.Desk
	intake *intake.Intake
	blobs  *blob.Memory
	clock  *clock.Fake
	store  storage.Store
}

func newEnv(t testing.TB, st storage.Store, mods ...func(*ticketkit.Config, *intake.Config)) *env {
	t.Helper()
	clk := clock.NewFake(t0)
	blobs := blob.NewMemory(blob.Config{})
	cfg := ticketkit.Config{Store: st, Clock: clk, Blobs: blobs}
	p, err := mailin.New(mailin.Config{OwnAddresses: []string{own}, MaxAttachments: 20})
	require.NoError(t, err)
	icfg := intake.Config{
		Parser: p,
		Routes: mailin.Routes{
			"support@acme.example": {TenantID: tenant},
			own:                    {TenantID: tenant},
			"help@globex.example":  {TenantID: "globex"},
		},
		Inbound: st.(storage.InboundStore),
		Domain:  domain,
		Clock:   clk,
	}
	for _, m := range mods {
		m(&cfg, &icfg)
	}
	d, err := ticketkit.New(cfg)
	require.NoError(t, err)
	icfg.Desk = d
	in, err := intake.New(icfg)
	require.NoError(t, err)
	return &env{desk: d, intake: in, blobs: blobs, clock: clk, store: st}
}

// withReopen sets the SLA and reopen window of reopen_test.go in the
// root package.
func withReopen(t testing.TB) func(*ticketkit.Config, *intake.Config) {
	sla, err := workflow.NewSLA(workflow.SLAConfig{Policies: []workflow.Policy{{
		Name:    "std",
		Targets: workflow.Targets{FirstResponse: workflow.Duration(2 * time.Hour), Resolution: workflow.Duration(8 * time.Hour)},
	}}}, nil)
	require.NoError(t, err)
	return func(c *ticketkit.Config, _ *intake.Config) {
		c.SLA = sla
		c.ReopenWithin = 72 * time.Hour
	}
}

func (e *env) at(h float64) { e.clock.Set(t0.Add(time.Duration(h * float64(time.Hour)))) }

func (e *env) ingest(t testing.TB, raw string) intake.Result {
	t.Helper()
	res, err := e.intake.Ingest(context.Background(), strings.NewReader(raw))
	require.NoError(t, err)
	return res
}

func (e *env) get(t testing.TB, id string) *ticket.Ticket {
	t.Helper()
	tk, err := e.desk.Get(context.Background(), agent, id)
	require.NoError(t, err)
	return tk
}

func (e *env) messages(t testing.TB, id string) []*ticket.Message {
	t.Helper()
	page, err := e.desk.Messages(context.Background(), agent, ticketkit.MessageListParams{TicketID: id})
	require.NoError(t, err)
	return page.Messages
}

func (e *env) count(t testing.TB) int {
	t.Helper()
	page, err := e.desk.Search(context.Background(), agent, ticketkit.SearchParams{Limit: 500})
	require.NoError(t, err)
	return len(page.Tickets)
}

// msg builds a raw mail from header lines and a body.
func msg(body string, headers ...string) string {
	var b strings.Builder
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	if !hasHeader(headers, "To:") {
		b.WriteString("To: support@acme.example\r\n")
	}
	b.WriteString("Date: Mon, 02 Mar 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	b.WriteString(body + "\r\n")
	return b.String()
}

func hasHeader(hs []string, prefix string) bool {
	for _, h := range hs {
		if strings.HasPrefix(strings.ToLower(h), strings.ToLower(prefix)) {
			return true
		}
	}
	return false
}

var seq atomic.Int64

// mid returns a fresh Message-ID header.
func mid() string {
	return fmt.Sprintf("Message-ID: <m%d.%d@mail.example.com>", seq.Add(1), time.Now().UnixNano())
}

func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/" + name)
	require.NoError(t, err)
	return string(b)
}

// requireOnlyTheFirstMail fails unless the thread of ticket id holds only
// the mail that opened it: one customer message with that body.
func (e *env) requireOnlyTheFirstMail(t testing.TB, id, body, why string) {
	t.Helper()
	msgs := e.messages(t, id)
	require.Len(t, msgs, 1, why)
	require.Equal(t, ticket.MessageCustomer, msgs[0].Kind, why)
	require.Equal(t, body, msgs[0].Body, why)
}
