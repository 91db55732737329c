package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"path/filepath"
	"strings"
	"testing"

	gosmtp "github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/mailthread"
	"github.com/ticketkit/ticketkit/ticket"
)

// startMailbox serves a mailbox on a free localhost port until the test
// ends and returns its address and log.
func startMailbox(t *testing.T) (*mailbox, string, *bytes.Buffer) {
	t.Helper()
	var logw bytes.Buffer
	m, err := newMailbox(context.Background(), filepath.Join(t.TempDir(), "mail.db"), &logw)
	require.NoError(t, err)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := m.Server()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		_ = srv.Close()
		if err := <-done; err != nil && !errors.Is(err, gosmtp.ErrServerClosed) {
			t.Error(err)
		}
		_ = m.Close()
	})
	return m, l.Addr().String(), &logw
}

// send delivers one raw message over SMTP.
func send(addr, from, to, raw string) error {
	return smtp.SendMail(addr, nil, from, []string{to}, []byte(strings.ReplaceAll(raw, "\n", "\r\n")))
}

func TestMailboxOverSMTP(t *testing.T) {
	m, addr, logw := startMailbox(t)
	ctx := context.Background()

	first := `From: Ada Martin <ada@example.com>
To: support@shop.example
Cc: Leo <leo@example.com>, stranger@elsewhere.example
Subject: My blender stopped working
Message-ID: <first@example.com>
Date: Mon, 23 Nov 2026 09:00:00 +0000
Content-Type: text/plain; charset=utf-8

It stops after a minute. Order SO-1001.
`
	require.NoError(t, send(addr, "ada@example.com", "support@shop.example", first))
	agent := ticketkit.Actor{ID: "agent", Role: ticket.RoleAgent, TenantID: "shop"}
	res, err := m.Desk.Search(ctx, agent, ticketkit.SearchParams{})
	require.NoError(t, err)
	require.Len(t, res.Tickets, 1)
	tk := res.Tickets[0]
	require.Equal(t, "My blender stopped working", tk.Subject)
	require.Equal(t, ticket.ChannelEmail, tk.Channel)
	require.Equal(t, "ada@example.com", tk.Customer.Email)
	require.Equal(t, []ticket.Contact{{Name: "Léo Martin", Email: "leo@example.com", Role: "household"}}, tk.Contacts,
		"the Cc the accounts know is a contact; the stranger is not")

	// The same message again (a retrying MTA): accepted, nothing changes.
	require.NoError(t, send(addr, "ada@example.com", "support@shop.example", first))

	// Ada answers one of the desk's mails: it threads by its headers.
	reply := fmt.Sprintf(`From: Ada Martin <ada@example.com>
To: support@shop.example
Subject: Re: [%s] New reply
Message-ID: <second@example.com>
In-Reply-To: %s
References: %s
Content-Type: text/plain; charset=utf-8

Yes, the light is on.
`, tk.Number, mailthread.ThreadID(tk.ID, threadDomain), mailthread.ThreadID(tk.ID, threadDomain))
	require.NoError(t, send(addr, "ada@example.com", "support@shop.example", reply))

	// Her vacation responder answers too: recorded, never answered, no ticket.
	vacation := fmt.Sprintf(`From: Ada Martin <ada@example.com>
To: support@shop.example
Subject: Out of office: [%s]
Message-ID: <vacation@example.com>
Auto-Submitted: auto-replied
In-Reply-To: %s
Content-Type: text/plain; charset=utf-8

I am away until Monday.
`, tk.Number, mailthread.ThreadID(tk.ID, threadDomain))
	require.NoError(t, send(addr, "ada@example.com", "support@shop.example", vacation))

	// Mail to a mailbox the desk does not serve is refused at RCPT.
	err = send(addr, "ada@example.com", "sales@shop.example", first)
	var refused *textproto.Error
	require.ErrorAs(t, err, &refused)
	require.Equal(t, 550, refused.Code)

	res, err = m.Desk.Search(ctx, agent, ticketkit.SearchParams{})
	require.NoError(t, err)
	require.Len(t, res.Tickets, 1, "one ticket: the reply, the duplicate and the auto-reply opened none")
	msgs, err := m.Desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: tk.ID})
	require.NoError(t, err)
	var thread []string
	for _, msg := range msgs.Messages {
		thread = append(thread, string(msg.Kind)+": "+strings.TrimSpace(msg.Body))
	}
	require.Len(t, thread, 3, "the first mail, the reply and the recorded auto-reply: %q", thread)
	require.Equal(t, "customer: It stops after a minute. Order SO-1001.", thread[0], "the thread starts with the first mail")
	require.Equal(t, "customer: Yes, the light is on.", thread[1])
	require.Contains(t, thread[2], "I am away until Monday.")
	require.True(t, strings.HasPrefix(thread[2], "note: "), "an auto-reply is an internal note: %q", thread[2])

	// The agent copies the contacts on a reply: Ada and Léo get it; the
	// stranger Ada copied never does.
	m.Sent.Reset()
	_, err = m.Desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "A new blender is on its way.", CopyContacts: true})
	require.NoError(t, err)
	var to []string
	for _, sent := range m.Sent.Mails() {
		to = append(to, sent.To.Address)
	}
	require.Equal(t, []string{"ada@example.com", "leo@example.com"}, to)

	out := logw.String()
	require.Contains(t, out, "opened    "+tk.Number+" first@example.com (normal)")
	require.Contains(t, out, "duplicate")
	require.Contains(t, out, "appended  "+tk.Number+" second@example.com (normal)")
	require.Contains(t, out, "recorded  "+tk.Number+" vacation@example.com (auto_reply)")
}
