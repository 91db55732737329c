// Command mail-intake is a mailbox that feeds a help desk: an SMTP server
// on localhost hands every message it accepts to mailin/intake, which
// opens a ticket whose thread starts with the whole first mail (text and
// attachments), threads a reply onto its ticket, records automatic
// replies without answering them and ignores a message delivered twice.
// The people a customer copies (Cc) whom the shop's accounts know become
// the ticket's contacts, whom an agent may copy on a reply; anyone else
// a customer copies is never mailed. It keeps its data in an embedded
// SQLite database.
//
//	go run ./examples/mail-intake -addr 127.0.0.1:2525
//
// then send mail to support@shop.example through 127.0.0.1:2525, for
// example with swaks or any mail client. A real host puts it behind its
// MTA (as an LMTP or SMTP delivery target) and starts a notify/email
// Sender whose Domain is the intake's thread domain, so that customers'
// replies thread back to their tickets.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"strings"

	"github.com/emersion/go-smtp"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/mailin"
	"github.com/ticketkit/ticketkit/mailin/intake"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
	"github.com/ticketkit/ticketkit/ticket"
)

// threadDomain is the Domain of the shop's notify/email Sender.
const threadDomain = "mail.shop.example"

func main() {
	addr := flag.String("addr", "127.0.0.1:2525", "address the SMTP server listens on")
	path := flag.String("db", "ticketkit-mail.db", `SQLite database file, or ":memory:"`)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	m, err := newMailbox(ctx, *path, os.Stdout)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := m.Server()
	go func() { <-ctx.Done(); _ = srv.Close() }()
	fmt.Printf("listening for mail to support@shop.example on %s\n", l.Addr())
	if err := srv.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
		log.Fatal(err)
	}
}

// accountPeople are the people the shop's customer accounts list, by
// address: a customer copying one of them on a new ticket makes them a
// contact of the ticket.
var accountPeople = map[string]ticket.Contact{
	"leo@example.com": {Name: "Léo Martin", Role: "household"},
}

// vouchCc is the intake's CcContacts: it vouches only for the people the
// accounts know.
func vouchCc(_ context.Context, _ string, _ ticket.Customer, cc mailin.Address) (ticket.Contact, bool, error) {
	c, ok := accountPeople[strings.ToLower(cc.Address)]
	return c, ok, nil
}

// mailbox is the desk behind the SMTP server.
type mailbox struct {
	Desk  *ticketkit.Desk
	Store storage.Store
	// Sent holds the notifications the desk writes, as a notify/email
	// Sender would send them.
	Sent   *notifytest.Mailbox
	intake *intake.Intake
	log    io.Writer
	close  func() error
}

// newMailbox opens the SQLite database at path and builds the desk and
// its intake.
func newMailbox(ctx context.Context, path string, logw io.Writer) (*mailbox, error) {
	store, closeDB, err := bunopen.SQLiteStore(ctx, path, bunstore.Config{})
	if err != nil {
		return nil, err
	}
	sent := notifytest.NewMailbox(&notify.Resolver{}, notify.DefaultTemplates(), nil)
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Blobs: blob.NewMemory(blob.Config{}), Notifier: sent})
	if err != nil {
		_ = closeDB()
		return nil, err
	}
	parser, err := mailin.New(mailin.Config{OwnAddresses: []string{"help@shop.example"}, MaxAttachments: 20})
	if err != nil {
		_ = closeDB()
		return nil, err
	}
	in, err := intake.New(intake.Config{
		Desk: desk, Parser: parser, Inbound: store, Domain: threadDomain,
		Routes:     mailin.Routes{"support@shop.example": {TenantID: "shop"}},
		CcContacts: vouchCc,
	})
	if err != nil {
		_ = closeDB()
		return nil, err
	}
	return &mailbox{Desk: desk, Store: store, Sent: sent, intake: in, log: logw, close: closeDB}, nil
}

// Close closes the database.
func (m *mailbox) Close() error { return m.close() }

// Server returns an SMTP server that delivers to the mailbox.
func (m *mailbox) Server() *smtp.Server {
	srv := smtp.NewServer(m)
	srv.Domain = "mx.shop.example"
	srv.MaxMessageBytes = mailin.DefaultMaxMessageSize
	srv.MaxRecipients = 20
	return srv
}

// NewSession implements smtp.Backend.
func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{m: m}, nil }

// session is one SMTP conversation.
type session struct {
	m    *mailbox
	from string
	to   []string
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !strings.EqualFold(to, "support@shop.example") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox"}
	}
	s.to = append(s.to, to)
	return nil
}

// Data hands the message to the intake, with the envelope added as the
// Return-Path and Delivered-To headers a delivery agent writes.
func (s *session) Data(r io.Reader) error {
	envelope := fmt.Sprintf("Return-Path: <%s>\r\nDelivered-To: %s\r\n", s.from, strings.Join(s.to, ", "))
	res, err := s.m.intake.Ingest(context.Background(), io.MultiReader(strings.NewReader(envelope), r))
	var limit *mailin.LimitError
	switch {
	case errors.As(err, &limit):
		return &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4}, Message: limit.Error()}
	case errors.Is(err, mailin.ErrMalformed):
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Malformed message"}
	case errors.Is(err, intake.ErrInProgress):
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Being delivered; try again later"}
	case err != nil:
		log.Printf("intake: %v", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	fmt.Fprintf(s.m.log, "%-9s %-14s %s (%s)\n", res.Outcome, res.Number, res.Key, res.Class)
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }
