package email_test

import (
	"context"
	"errors"
	"html"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/jhillyerd/enmime/v2"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/ticketkit/ticketkit/mailthread"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/email"
	"github.com/ticketkit/ticketkit/ticket"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	ticketID = "0195f0c2-7a4e-7d31-9a4b-3c2d1e0f0042"
	eventID  = "0195f0c2-8000-7000-8000-000000000001"
)

var (
	agent7   = ticket.Actor{ID: "agent-7", Role: ticket.RoleAgent, TenantID: "acme"}
	agent9   = ticket.Actor{ID: "agent-9", Role: ticket.RoleAgent, TenantID: "acme"}
	customer = ticket.Actor{ID: "user-c1", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "c1"}
)

func catalog(t *testing.T) *ticket.Catalog {
	t.Helper()
	spec := ticket.DefaultCatalogSpec()
	spec.Departments = []ticket.Department{{Code: "support", Label: ticket.Label{Text: "Support"}, Email: "support@shop.example"}}
	c, err := ticket.NewCatalog(spec)
	require.NoError(t, err)
	return c
}

func event(k notify.Kind, a ticket.Actor, change ...func(*notify.Event)) notify.Event {
	at := time.Date(2026, 3, 6, 9, 15, 0, 0, time.UTC)
	e := notify.Event{
		ID: eventID, Kind: k, TenantID: "acme", At: at, Actor: a,
		Ticket: &ticket.Ticket{
			ID: ticketID, Number: "TK-2026-000042", TenantID: "acme", Subject: "Kettle stopped working",
			Status: ticket.StatusInProgress, Priority: ticket.PriorityHigh, Department: "support",
			Customer:   ticket.Customer{ID: "c1", Name: "Marie Curie", Email: "marie@example.com"},
			References: []ticket.Reference{{Kind: ticket.RefOrder, ID: "10045"}},
			CreatedBy:  "agent-7", CreatedAt: at.Add(-24 * time.Hour), UpdatedAt: at,
		},
	}
	for _, f := range change {
		f(&e)
	}
	return e
}

func withMessage(kind ticket.MessageKind, body string) func(*notify.Event) {
	return func(e *notify.Event) {
		e.Message = &ticket.Message{ID: "m1", Kind: kind, AuthorID: e.Actor.ID, Body: body, CreatedAt: e.At}
	}
}

func assignedTo(id string) func(*notify.Event) {
	return func(e *notify.Event) { e.Ticket.Assignee = id }
}

// sender returns a Sender for a local server on port, with a resolver
// that knows agent-9 and speaks French to customers when french is set.
func sender(t *testing.T, port int, change func(*email.Config)) *email.Sender {
	t.Helper()
	cfg := email.Config{
		Host: "127.0.0.1",
		Port: port,
		TLS:  email.TLSNone,
		From: "Help desk <help@shop.example>",
		Resolver: &notify.Resolver{
			Catalog: catalog(t),
			Directory: notify.DirectoryFunc(func(_ context.Context, _, userID string) (notify.Recipient, error) {
				if userID == "agent-9" {
					return notify.Recipient{Address: "bob@shop.example", Name: "Bob"}, nil
				}
				return notify.Recipient{}, notify.ErrUnknownUser
			}),
		},
		Timeout: 5 * time.Second,
	}
	if change != nil {
		change(&cfg)
	}
	s, err := email.New(cfg)
	require.NoError(t, err)
	return s
}

func TestSenderWritesOneThreadedMailPerRecipient(t *testing.T) {
	t.Parallel()
	b := &backend{}
	port := startServer(t, b)
	s := sender(t, port, nil)

	require.NoError(t, s.Notify(t.Context(), event(notify.KindOpened, agent7)))

	require.Equal(t, 1, b.Sessions(), "one connection for all recipients")
	msgs := b.Messages()
	require.Len(t, msgs, 2)
	wantTo := []string{"marie@example.com", "support@shop.example"}
	wantName := []string{"Marie Curie", "Support"}
	for i, m := range msgs {
		require.Equal(t, "help@shop.example", m.From)
		require.Equal(t, []string{wantTo[i]}, m.To, "one recipient per mail")

		env := parse(t, m)
		from, err := env.AddressList("From")
		require.NoError(t, err)
		require.Len(t, from, 1)
		require.Equal(t, "Help desk", from[0].Name)
		require.Equal(t, "help@shop.example", from[0].Address)
		to, err := env.AddressList("To")
		require.NoError(t, err)
		require.Len(t, to, 1)
		require.Equal(t, wantTo[i], to[0].Address)
		require.Equal(t, wantName[i], to[0].Name)

		require.True(t, strings.HasPrefix(env.GetHeader("Subject"), "[TK-2026-000042] "), env.GetHeader("Subject"))
		requireAlternatives(t, env)
		require.Contains(t, env.Text, "Ticket:        TK-2026-000042")
		require.Contains(t, env.Text, "Order:         10045")
		require.Contains(t, env.HTML, "<td>TK-2026-000042</td>")
		require.Contains(t, env.HTML, "<!DOCTYPE html>")

		require.Equal(t, "<"+eventID+"."+itoa(i+1)+"@shop.example>", env.GetHeader("Message-Id"))
		thread := "<ticket-" + ticketID + "@shop.example>"
		require.Equal(t, thread, mailthread.ThreadID(ticketID, "shop.example"))
		require.Equal(t, thread, env.GetHeader("In-Reply-To"))
		require.Equal(t, thread, env.GetHeader("References"))
		got, ok := mailthread.FindTicketID(env.GetHeader("References"), "shop.example")
		require.True(t, ok)
		require.Equal(t, ticketID, got)

		require.Equal(t, "auto-generated", env.GetHeader("Auto-Submitted"))
		require.Equal(t, "All", env.GetHeader("X-Auto-Response-Suppress"))
		require.Equal(t, "TK-2026-000042", env.GetHeader("X-Ticketkit-Ticket"))
		require.Equal(t, "en", env.GetHeader("Content-Language"))
		date, err := mail.ParseDate(env.GetHeader("Date"))
		require.NoError(t, err)
		require.WithinDuration(t, time.Now(), date, time.Minute)
	}
	require.Contains(t, parse(t, msgs[0]).Text, "We have received your request")
	require.Contains(t, parse(t, msgs[1]).Text, "A new ticket TK-2026-000042 was opened for Support")
}

func TestSenderRecipients(t *testing.T) {
	t.Parallel()
	french := func(c *email.Config) {
		c.Resolver.CustomerLocale = func(context.Context, *ticket.Ticket) string { return "fr-CA" }
	}
	tests := []struct {
		name        string
		event       notify.Event
		change      func(*email.Config)
		wantTo      []string
		wantLocale  string
		wantSubject []string
		wantText    []string
		wantHTML    []string
	}{
		{
			name:        "NoteReachesAssigneeNotCustomer",
			event:       event(notify.KindMessageAdded, agent7, assignedTo("agent-9"), withMessage(ticket.MessageNote, "Refund approved, do not tell yet.")),
			wantTo:      []string{"bob@shop.example"},
			wantSubject: []string{"[TK-2026-000042] Internal note: Kettle stopped working"},
			wantText:    []string{"Refund approved, do not tell yet."},
			wantHTML:    []string{"Refund approved, do not tell yet."},
		},
		{
			name:        "NoteReachesDepartmentWhenUnassigned",
			event:       event(notify.KindMessageAdded, agent7, withMessage(ticket.MessageNote, "Check stock.")),
			wantTo:      []string{"support@shop.example"},
			wantSubject: []string{"[TK-2026-000042] Internal note: Kettle stopped working"},
			wantText:    []string{"Check stock."},
		},
		{
			name:        "ReplyReachesCustomerInTheirLocale",
			event:       event(notify.KindMessageAdded, agent9, assignedTo("agent-9"), withMessage(ticket.MessageReply, "Il part aujourd'hui.")),
			change:      french,
			wantTo:      []string{"marie@example.com"},
			wantLocale:  "fr-CA",
			wantSubject: []string{"[TK-2026-000042] Nouvelle réponse : Kettle stopped working"},
			wantText:    []string{"Il part aujourd'hui.", "Commande :               10045"},
			wantHTML:    []string{html.EscapeString("Il part aujourd'hui."), "10045"},
		},
		{
			name:        "CustomerMessageReachesAssignee",
			event:       event(notify.KindMessageAdded, customer, assignedTo("agent-9"), withMessage(ticket.MessageCustomer, "Any news?")),
			wantTo:      []string{"bob@shop.example"},
			wantSubject: []string{"[TK-2026-000042] New message: Kettle stopped working"},
			wantText:    []string{"Any news?"},
		},
		{
			name:  "NoteNeverReachesCustomerWhateverTheRules",
			event: event(notify.KindMessageAdded, agent7, assignedTo("agent-9"), withMessage(ticket.MessageNote, "Supplier is late.")),
			change: func(c *email.Config) {
				c.Resolver.Rules = func(string) notify.Rules {
					return notify.Rules{notify.MessageRule(ticket.MessageNote): {notify.AudienceCustomer, notify.AudienceAssignee}}
				}
			},
			wantTo:      []string{"bob@shop.example"},
			wantSubject: []string{"[TK-2026-000042] Internal note: Kettle stopped working"},
			wantText:    []string{"Supplier is late."},
		},
		{
			name:  "NoteToCustomerOnlySendsNothing",
			event: event(notify.KindMessageAdded, agent7, withMessage(ticket.MessageNote, "Supplier is late.")),
			change: func(c *email.Config) {
				c.Resolver.Rules = func(string) notify.Rules {
					return notify.Rules{notify.MessageRule(ticket.MessageNote): {notify.AudienceCustomer}}
				}
			},
		},
		{
			name:  "SelfAssignmentSendsNothing",
			event: event(notify.KindAssigned, agent9, assignedTo("agent-9")),
		},
		{
			name:  "TenantSwitchedCustomerOff",
			event: event(notify.KindClosed, agent9),
			change: func(c *email.Config) {
				c.Resolver.Rules = func(string) notify.Rules { return notify.DefaultRules().Without(notify.AudienceCustomer) }
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := &backend{}
			s := sender(t, startServer(t, b), tt.change)
			require.NoError(t, s.Notify(t.Context(), tt.event))
			msgs := b.Messages()
			require.Len(t, msgs, len(tt.wantTo))
			if len(tt.wantTo) == 0 {
				require.Zero(t, b.Sessions(), "no connection when there is no one to tell")
			}
			wantLocale := tt.wantLocale
			if wantLocale == "" {
				wantLocale = "en"
			}
			for i, m := range msgs {
				require.Equal(t, []string{tt.wantTo[i]}, m.To)
				env := parse(t, m)
				to, err := env.AddressList("To")
				require.NoError(t, err)
				require.Len(t, to, 1)
				require.Equal(t, tt.wantTo[i], to[0].Address)
				require.Equal(t, tt.wantSubject[i], env.GetHeader("Subject"))
				require.Equal(t, wantLocale, env.GetHeader("Content-Language"))
				requireAlternatives(t, env)
				for _, w := range tt.wantText {
					require.Contains(t, env.Text, w)
				}
				for _, w := range tt.wantHTML {
					require.Contains(t, env.HTML, w)
				}
				if tt.event.Message != nil && tt.event.Message.Kind.Internal() {
					require.NotEqual(t, "marie@example.com", to[0].Address, "notes never reach the customer")
					require.Empty(t, env.GetHeader("Cc"))
					require.Empty(t, env.GetHeader("Bcc"))
				}
			}
		})
	}
}

func TestSenderReportsEachFailedRecipient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		backend       *backend
		wantDelivered []string
		wantFailed    []string
		wantTemporary bool
	}{
		{
			name:          "PermanentRejection",
			backend:       &backend{reject: map[string]bool{"marie@example.com": true}},
			wantDelivered: []string{"support@shop.example"},
			wantFailed:    []string{"marie@example.com"},
		},
		{
			name:          "TemporaryRejection",
			backend:       &backend{tempfail: map[string]bool{"support@shop.example": true}},
			wantDelivered: []string{"marie@example.com"},
			wantFailed:    []string{"support@shop.example"},
			wantTemporary: true,
		},
		{
			name:       "EveryoneRejected",
			backend:    &backend{reject: map[string]bool{"marie@example.com": true, "support@shop.example": true}},
			wantFailed: []string{"marie@example.com", "support@shop.example"},
		},
		{
			name:          "DataRefusedForNow",
			backend:       &backend{dataErr: &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 3, 1}, Message: "Out of disk"}},
			wantFailed:    []string{"marie@example.com", "support@shop.example"},
			wantTemporary: true,
		},
		{
			name:       "DataRefusedForGood",
			backend:    &backend{dataErr: &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Spam"}},
			wantFailed: []string{"marie@example.com", "support@shop.example"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := sender(t, startServer(t, tt.backend), nil)
			err := s.Notify(t.Context(), event(notify.KindOpened, agent7))
			require.Error(t, err)
			require.ErrorContains(t, err, "ticket.opened")
			require.ErrorContains(t, err, "TK-2026-000042")

			var delivered []string
			for _, m := range tt.backend.Messages() {
				delivered = append(delivered, m.To...)
			}
			require.Equal(t, tt.wantDelivered, delivered)

			var failed []string
			for _, re := range recipientErrors(err) {
				require.Equal(t, tt.wantTemporary, re.Temporary)
				require.ErrorContains(t, re, re.Recipient.Address)
				failed = append(failed, re.Recipient.Address)
			}
			require.Equal(t, tt.wantFailed, failed)
		})
	}
}

func TestSenderGivesUpOnAStalledSession(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	b := &backend{onData: func() { <-release }}
	port := startServer(t, b)
	t.Cleanup(func() { close(release) }) // runs before the server stops
	s := sender(t, port, func(c *email.Config) { c.Timeout = 300 * time.Millisecond })

	start := time.Now()
	err := s.Notify(t.Context(), event(notify.KindOpened, agent7))
	require.Less(t, time.Since(start), 5*time.Second)
	res := recipientErrors(err)
	require.Len(t, res, 2, "%v", err)
	for _, re := range res {
		require.True(t, re.Temporary, "%v", re)
	}
	require.Equal(t, "marie@example.com", res[0].Recipient.Address)
	require.ErrorContains(t, res[0], "timeout")
	require.Equal(t, 1, b.Sessions())
}

func TestSenderHonoursCancellationWhileSending(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	ctx, cancel := context.WithCancel(t.Context())
	b := &backend{onData: func() {
		cancel() // the client now waits for the answer to DATA
		<-release
	}}
	port := startServer(t, b)
	t.Cleanup(func() { close(release) })
	s := sender(t, port, func(c *email.Config) { c.Timeout = 20 * time.Second })

	start := time.Now()
	err := s.Notify(ctx, event(notify.KindOpened, agent7))
	require.Less(t, time.Since(start), 5*time.Second, "cancellation must not wait for the timeout")
	require.ErrorIs(t, err, context.Canceled)
	res := recipientErrors(err)
	require.Len(t, res, 2)
	for _, re := range res {
		require.True(t, re.Temporary)
		require.ErrorIs(t, re, context.Canceled)
	}
	require.Empty(t, b.Messages())
}

func TestSenderIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	b := &backend{}
	s := sender(t, startServer(t, b), nil)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			errs[i] = s.Notify(t.Context(), event(notify.KindOpened, agent7, func(e *notify.Event) {
				e.ID = eventID + "-" + itoa(i)
			}))
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, n, b.Sessions())
	ids := make(map[string]bool)
	for _, m := range b.Messages() {
		ids[parse(t, m).GetHeader("Message-Id")] = true
	}
	require.Len(t, ids, 2*n, "every mail has its own Message-ID")
}

func TestSenderAuth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		mode               serverTLS
		tls                email.TLSPolicy
		username, password string
		wantErr            string
		wantTemporary      bool
	}{
		{name: "Accepted", mode: plainText, tls: email.TLSNone, username: "desk", password: "s3cret"},
		{name: "AcceptedAfterSTARTTLS", mode: startTLS, tls: email.TLSMandatory, username: "desk", password: "s3cret"},
		{name: "AcceptedOverImplicitTLS", mode: implicitTLS, tls: email.TLSImplicit, username: "desk", password: "s3cret"},
		{name: "OpportunisticUsesSTARTTLS", mode: startTLS, tls: email.TLSOpportunistic, username: "desk", password: "s3cret"},
		{name: "WrongPassword", mode: plainText, tls: email.TLSNone, username: "desk", password: "nope", wantErr: "Authentication failed", wantTemporary: true},
		{name: "NoCredentials", mode: plainText, tls: email.TLSNone, wantErr: "Please authenticate first"},
		{name: "MandatoryTLSWithoutSTARTTLS", mode: plainText, tls: email.TLSMandatory, username: "desk", password: "s3cret", wantErr: "STARTTLS", wantTemporary: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := &backend{user: "desk", password: "s3cret"}
			s := sender(t, startTLSServer(t, b, tt.mode), func(c *email.Config) {
				c.Username, c.Password, c.TLS, c.TLSConfig = tt.username, tt.password, tt.tls, clientTLSConfig()
			})
			err := s.Notify(t.Context(), event(notify.KindClosed, agent7))
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				res := recipientErrors(err)
				require.Len(t, res, 1)
				require.Equal(t, tt.wantTemporary, res[0].Temporary)
				require.Empty(t, b.Messages())
				return
			}
			require.NoError(t, err)
			msgs := b.Messages()
			require.Len(t, msgs, 1)
			require.Equal(t, tt.mode != plainText, msgs[0].TLS, "encrypted")
			require.Equal(t, []string{"marie@example.com"}, msgs[0].To)
		})
	}
}

func TestSenderVerifiesCertificates(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		mode serverTLS
		tls  email.TLSPolicy
	}{{startTLS, email.TLSMandatory}, {implicitTLS, email.TLSImplicit}} {
		b := &backend{}
		s := sender(t, startTLSServer(t, b, tt.mode), func(c *email.Config) { c.TLS = tt.tls })
		err := s.Notify(t.Context(), event(notify.KindClosed, agent7))
		require.ErrorContains(t, err, "certificate", "%s", tt.tls)
		require.Empty(t, b.Messages())
	}
}

func TestSenderConnectionFailures(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		port    func(t *testing.T) int
		ctx     context.Context
		wantErr string
		wantIs  error
	}{
		{name: "Refused", port: closedPort, wantErr: "connect to 127.0.0.1:"},
		{name: "Timeout", port: startSilentServer, wantErr: "connect to 127.0.0.1:"},
		{name: "HangUp", port: startHangUpServer, wantErr: "checking SMTP connection"},
		{name: "Canceled", port: func(t *testing.T) int { return startServer(t, &backend{}) }, ctx: canceled, wantIs: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := sender(t, tt.port(t), func(c *email.Config) { c.Timeout = 300 * time.Millisecond })
			ctx := tt.ctx
			if ctx == nil {
				ctx = t.Context()
			}
			start := time.Now()
			err := s.Notify(ctx, event(notify.KindOpened, agent7))
			require.Error(t, err)
			require.Less(t, time.Since(start), 5*time.Second)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
			}
			if tt.wantIs != nil {
				require.ErrorIs(t, err, tt.wantIs)
			}
			var re *email.RecipientError
			require.ErrorAs(t, err, &re)
			require.True(t, re.Temporary)
			require.ErrorContains(t, err, "marie@example.com")
			require.ErrorContains(t, err, "support@shop.example")
		})
	}
}

func TestSenderRejectsUnusableEvents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		event   notify.Event
		wantErr string
	}{
		{name: "NoTicket", event: notify.Event{ID: eventID, Kind: notify.KindOpened}, wantErr: "has no ticket"},
		{name: "EventIDWithSpace", event: event(notify.KindOpened, agent7, func(e *notify.Event) { e.ID = "a b" }), wantErr: "dot-atoms"},
		{name: "TicketIDWithBracket", event: event(notify.KindOpened, agent7, func(e *notify.Event) { e.Ticket.ID = "x>" }), wantErr: "dot-atoms"},
		{name: "InvalidCustomerAddress", event: event(notify.KindClosed, agent7, func(e *notify.Event) { e.Ticket.Customer.Email = "not an address" }), wantErr: "invalid address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := &backend{}
			s := sender(t, startServer(t, b), nil)
			require.ErrorContains(t, s.Notify(t.Context(), tt.event), tt.wantErr)
			require.Empty(t, b.Messages())
		})
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	valid := func() email.Config {
		return email.Config{Host: "smtp.shop.example", From: "help@shop.example", Resolver: &notify.Resolver{}}
	}
	tests := []struct {
		name    string
		change  func(*email.Config)
		wantErr []string
	}{
		{name: "Defaults", change: func(*email.Config) {}},
		{name: "AllOptions", change: func(c *email.Config) {
			c.Port, c.TLS, c.Username, c.Password, c.Domain = 465, email.TLSOpportunistic, "u", "p", "mail.shop.example"
			c.Templates, c.Catalog, c.Timeout, c.TLSConfig = notify.DefaultTemplates(), ticket.DefaultCatalog(), time.Minute, clientTLSConfig()
		}},
		{name: "Implicit", change: func(c *email.Config) { c.TLS = email.TLSImplicit }},
		{name: "Empty", change: func(c *email.Config) { *c = email.Config{} }, wantErr: []string{"Host is required", "From is required", "Resolver is required"}},
		{name: "BadFrom", change: func(c *email.Config) { c.From = "help desk" }, wantErr: []string{`From "help desk" is not an email address`}},
		{name: "BadDomain", change: func(c *email.Config) { c.Domain = "shop example" }, wantErr: []string{`Domain "shop example"`}},
		{name: "BadPort", change: func(c *email.Config) { c.Port = 70000 }, wantErr: []string{"Port 70000"}},
		{name: "BadTLS", change: func(c *email.Config) { c.TLS = "maybe" }, wantErr: []string{`TLS "maybe"`}},
		{name: "NegativeTimeout", change: func(c *email.Config) { c.Timeout = -time.Second }, wantErr: []string{"Timeout must not be negative"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := valid()
			tt.change(&cfg)
			s, err := email.New(cfg)
			if len(tt.wantErr) == 0 {
				require.NoError(t, err)
				require.NotNil(t, s)
				return
			}
			require.Nil(t, s)
			for _, w := range tt.wantErr {
				require.ErrorContains(t, err, w)
			}
		})
	}
	require.Equal(t, []email.TLSPolicy{email.TLSMandatory, email.TLSImplicit, email.TLSOpportunistic, email.TLSNone}, email.TLSPolicies())
}

func TestRecipientError(t *testing.T) {
	t.Parallel()
	cause := errors.New("boom")
	err := error(&email.RecipientError{Recipient: notify.Recipient{Address: "a@b.example", Audience: notify.AudienceCustomer}, Err: cause})
	require.ErrorIs(t, err, cause)
	require.Equal(t, "email: mail to a@b.example (customer): boom", err.Error())
}

// recipientErrors returns every *email.RecipientError in err's tree.
func recipientErrors(err error) []*email.RecipientError {
	if re, ok := err.(*email.RecipientError); ok {
		return []*email.RecipientError{re}
	}
	var out []*email.RecipientError
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			out = append(out, recipientErrors(e)...)
		}
	case interface{ Unwrap() error }:
		out = recipientErrors(u.Unwrap())
	}
	return out
}

// requireAlternatives checks that env is a multipart/alternative of a
// plain-text part and then an HTML part, both UTF-8.
func requireAlternatives(t *testing.T, env *enmime.Envelope) {
	t.Helper()
	require.Equal(t, "multipart/alternative", env.Root.ContentType)
	var types []string
	for p := env.Root.FirstChild; p != nil; p = p.NextSibling {
		types = append(types, p.ContentType)
		require.Equal(t, "utf-8", strings.ToLower(p.Charset))
		require.NotEmpty(t, strings.TrimSpace(string(p.Content)))
	}
	require.Equal(t, []string{"text/plain", "text/html"}, types)
	require.NotEmpty(t, env.Text)
	require.NotEmpty(t, env.HTML)
}
