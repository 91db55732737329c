// Package bustest holds what the tests of the message-bus notifiers (the
// modules notify/nats and notify/rabbitmq) share: where the brokers are,
// the rule for a broker that is down, one notification of every kind,
// and an outbox to deliver from several processes.
//
// # Brokers
//
// [NATSURL] and [RabbitMQURL] read the brokers' URLs from
// TICKETKIT_TEST_NATS and TICKETKIT_TEST_RABBITMQ, with the development
// machines' defaults. [Main] checks, before any test of a package runs,
// that its broker answers: when it does not, the package's tests are
// skipped with a one-line reason, except under CI=true, where they fail
// (the rule of internal/dbtest for PostgreSQL).
package bustest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/ticketkit/ticketkit/internal/testenv"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/cloudevents"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// Environment variables holding the brokers' URLs, and their defaults.
const (
	NATSEnv             = "TICKETKIT_TEST_NATS"
	NATSDefault         = "nats://127.0.0.1:4222"
	RabbitMQEnv         = "TICKETKIT_TEST_RABBITMQ"
	RabbitMQDefault     = "amqp://guest:guest@127.0.0.1:5672/"
	reachTimeout        = 3 * time.Second
	defaultNATSPort     = "4222"
	defaultRabbitMQPort = "5672"
)

// NATSURL returns the URL of the NATS server the tests use.
func NATSURL() string { return envOr(NATSEnv, NATSDefault) }

// RabbitMQURL returns the URL of the RabbitMQ server the tests use.
func RabbitMQURL() string { return envOr(RabbitMQEnv, RabbitMQDefault) }

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// Main runs the tests of a package whose broker, named name, is at
// rawURL (the variable env can change it): when no TCP connection to it
// can be opened, it prints why and exits, with status 1 under CI=true
// and 0 (every test skipped) elsewhere. Call it from TestMain.
func Main(m *testing.M, name, env, rawURL string) {
	if err := reachable(rawURL); err != nil && os.Getenv(helperEnv) == "" {
		reason := fmt.Sprintf("%s at %s is unreachable (set %s): %v", name, redact(rawURL), env, err)
		if testenv.CI() {
			fmt.Fprintf(os.Stderr, "FAIL: %s (CI=true: these tests must run, not skip)\n", reason)
			os.Exit(1)
		}
		fmt.Printf("SKIP: %s\n", reason)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// reachable dials the host and port of rawURL.
func reachable(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return err
	}
	host := u.Host
	if u.Port() == "" {
		port := defaultNATSPort
		if u.Scheme == "amqp" || u.Scheme == "amqps" {
			port = defaultRabbitMQPort
		}
		host = net.JoinHostPort(u.Hostname(), port)
	}
	conn, err := net.DialTimeout("tcp", host, reachTimeout)
	if err != nil {
		return err
	}
	return conn.Close()
}

// redact drops the user information of a URL.
func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	return u.String()
}

// Name returns a name of its own for a test's stream, exchange or
// queue: prefix, "_" and 12 random hex digits.
func Name(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + "_" + hex.EncodeToString(b)
}

// Events returns one notification of every kind of [notify.Kinds], for
// tenant, each with an ID of its own and with what its kind carries: a
// message (a reply with an attachment, or an internal note), history
// lines, an escalation level, an SLA clock, complaint facts.
func Events(tenant string) []notify.Event {
	at := time.Date(2026, 3, 6, 9, 15, 0, 0, time.UTC)
	var out []notify.Event
	for i, k := range notify.Kinds() {
		e := notify.Event{
			ID: fmt.Sprintf("evt-%s-%02d-%s", tenant, i, randomHex(4)), Kind: k, TenantID: tenant,
			At:    at.Add(time.Duration(i) * time.Minute),
			Actor: ticket.Actor{ID: "agent-7", Role: ticket.RoleAgent, TenantID: tenant},
			Ticket: &ticket.Ticket{ID: fmt.Sprintf("tkt-%02d", i), Number: fmt.Sprintf("TK-2026-%06d", i+1),
				TenantID: tenant, Subject: "Kettle stopped working", Status: "in_progress", Priority: "high",
				Department: "support", Assignee: "agent-7"},
		}
		switch k {
		case notify.KindMessageAdded:
			e.Message = &ticket.Message{ID: "m1", Kind: ticket.MessageReply, AuthorID: "agent-7", AuthorRole: ticket.RoleAgent,
				Body: "A new one is on its way.", CreatedAt: e.At,
				Attachments: []ticket.Attachment{{ID: "a1", Name: "label.pdf", ContentType: "application/pdf", Size: 1234}}}
		case notify.KindStatusChanged, notify.KindClosed:
			e.From, e.To = "new", "in_progress"
			e.Changes = []*ticket.Event{{Field: "status", Old: "new", New: "in_progress"}}
		case notify.KindAssigned:
			e.From, e.To = "", "agent-7"
		case notify.KindRouted:
			e.From, e.To = "sales", "support"
		case notify.KindEscalated:
			e.Escalation = &notify.Escalation{Policy: "standard", Level: 1, Target: "resolution", Percent: 80, Notify: []string{"supervisor"}}
		case notify.KindSLAWarning, notify.KindSLABreached:
			e.SLA = &notify.SLAAlert{Policy: "standard", Target: "first_response", Percent: 100, Due: at.Add(time.Hour)}
		case notify.KindComplaintDecided, notify.KindComplaintPosted, notify.KindComplaintReversed:
			e.Complaint = &notify.ComplaintFacts{Salesperson: "sales-3", Justified: true, Remedy: ticket.RemedyCreditNote,
				Document: &ticket.RemedyDocument{Kind: ticket.DocCreditNote, ID: "CN-2026-0042"}, Reason: "booked twice"}
		case notify.KindComplaintActionAssigned, notify.KindComplaintActionOverdue:
			e.Complaint = &notify.ComplaintFacts{Action: &ticket.Action{ID: "act-1", Title: "Replace the batch", Owner: "agent-9",
				DueAt: at.Add(48 * time.Hour), Type: ticket.ActionCorrective}}
		}
		out = append(out, e)
	}
	return out
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// SeedOutbox writes n pending outbox entries to store, created at now,
// cycling through the kinds of [Events] for tenant, and returns their
// event IDs in order.
func SeedOutbox(t testing.TB, store storage.Store, tenant string, n int, now time.Time) []string {
	t.Helper()
	kinds := Events(tenant)
	ids := make([]string, 0, n)
	for start := 0; start < n; start += 500 {
		var entries []*storage.OutboxEntry
		for i := start; i < min(start+500, n); i++ {
			e := kinds[i%len(kinds)]
			e.ID = fmt.Sprintf("%s-%06d-%s", tenant, i, randomHex(4))
			e.At = now
			payload, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			entries = append(entries, &storage.OutboxEntry{ID: e.ID, TenantID: tenant, TicketID: e.Ticket.ID,
				Kind: string(e.Kind), Payload: payload, CreatedAt: now})
			ids = append(ids, e.ID)
		}
		if err := store.OutboxCreate(context.Background(), entries); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// CheckEvent fails t unless body is the CloudEvent of e, with source
// prefix source, that cloudevents.New writes; it returns the event.
func CheckEvent(t testing.TB, e notify.Event, source string, body []byte) cloudevents.Event {
	t.Helper()
	want, err := cloudevents.New(e, source)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cloudevents.Unmarshal(body)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := json.Marshal(want)
	gotJSON, _ := json.Marshal(got)
	if string(wantJSON) != string(gotJSON) {
		t.Fatalf("the consumer read\n%s\nnot\n%s", gotJSON, wantJSON)
	}
	return got
}
