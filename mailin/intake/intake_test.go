package intake_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/mailin"
	"github.com/ticketkit/ticketkit/mailin/intake"
	"github.com/ticketkit/ticketkit/mailthread"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

func TestThreading(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b.Open(t))
			first := e.ingest(t, msg("My kettle is broken.", "From: Anna Berg <anna@example.com>", "Subject: Kettle broken", mid()))
			require.Equal(t, intake.Opened, first.Outcome)
			require.Equal(t, mailin.ThreadNew, first.Thread)
			tk := e.get(t, first.TicketID)
			require.Equal(t, ticket.ChannelEmail, tk.Channel)
			require.Equal(t, ticket.Customer{ID: "email:anna@example.com", Name: "Anna Berg", Email: "anna@example.com"}, tk.Customer)
			require.Equal(t, "My kettle is broken.", strings.TrimSpace(tk.Description))
			thread := mailthread.ThreadID(tk.ID, domain)

			t.Run("InReplyToOfATicketkitMessageID", func(t *testing.T) {
				r := e.ingest(t, msg("More details.", "From: anna@example.com", "Subject: Re: something", mid(), "In-Reply-To: "+thread))
				require.Equal(t, intake.Appended, r.Outcome)
				require.Equal(t, mailin.ThreadByHeader, r.Thread)
				require.Equal(t, tk.ID, r.TicketID)
			})
			t.Run("ReferencesOnly", func(t *testing.T) {
				r := e.ingest(t, msg("Even more.", "From: anna@example.com", "Subject: Fwd", mid(),
					"References: <x@y.example> "+thread+" <0190f5a3-1111-7222-8333-944455566677.1@"+domain+">"))
				require.Equal(t, intake.Appended, r.Outcome)
				require.Equal(t, tk.ID, r.TicketID)
			})
			t.Run("SubjectNumberByTheCustomer", func(t *testing.T) {
				r := e.ingest(t, msg("About my ticket.", "From: ANNA@example.com", "Subject: Re: ["+tk.Number+"] Kettle", mid()))
				require.Equal(t, intake.Appended, r.Outcome)
				require.Equal(t, mailin.ThreadBySubject, r.Thread)
				require.Equal(t, tk.ID, r.TicketID)
			})
			t.Run("SubjectNumberByAStrangerOpensANewTicket", func(t *testing.T) {
				r := e.ingest(t, msg("Let me in.", "From: mallory@evil.example", "Subject: Re: ["+tk.Number+"] Kettle", mid()))
				require.Equal(t, intake.Opened, r.Outcome)
				require.NotEqual(t, tk.ID, r.TicketID)
				require.Equal(t, "mallory@evil.example", e.get(t, r.TicketID).Customer.Email)
			})
			t.Run("HeaderOfAnotherTenantsTicketIsNotTrusted", func(t *testing.T) {
				r := e.ingest(t, msg("Hi.", "To: help@globex.example", "From: anna@example.com", "Subject: Hello", mid(), "In-Reply-To: "+thread))
				require.Equal(t, intake.Opened, r.Outcome)
				require.Equal(t, "globex", r.TenantID)
			})
			msgs := e.messages(t, tk.ID)
			require.Len(t, msgs, 4)
			require.Equal(t, "My kettle is broken.", msgs[0].Body, "the first mail starts the thread")
			for _, m := range msgs {
				require.Equal(t, ticket.MessageCustomer, m.Kind)
				require.Equal(t, "email:anna@example.com", m.AuthorID)
			}
			t.Run("KnownSenderReusesTheCustomer", func(t *testing.T) {
				r := e.ingest(t, msg("New problem.", "From: anna@example.com", "Subject: Toaster", mid()))
				require.Equal(t, intake.Opened, r.Outcome)
				require.Equal(t, tk.Customer, e.get(t, r.TicketID).Customer)
			})
		})
	}
}

func TestHeaderThreadingChecksTheSender(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b.Open(t), withReopen(t))
			ctx := context.Background()
			first := e.ingest(t, msg("Late parcel.", "From: anna@example.com", "Subject: Late parcel", mid()))
			tk := e.get(t, first.TicketID)
			thread := mailthread.ThreadID(tk.ID, domain)
			e.at(1)
			_, err := e.desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: tk.ID,
				Contacts: []ticket.Contact{{Name: "Bo Chan", Email: "bo@example.com"}}})
			require.NoError(t, err)
			_, err = e.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusResolved, Reason: "test"})
			require.NoError(t, err)
			e.at(2)

			for _, hdr := range []string{"In-Reply-To: " + thread, "References: <x@y.example> " + thread} {
				// A stranger holding the thread ID of a notification, even
				// with the ticket's number in the subject.
				r := e.ingest(t, msg("I am the customer, reopen this.", "From: Mallory <mallory@evil.example>",
					"Subject: Re: ["+tk.Number+"] Late parcel", mid(), hdr))
				require.Equal(t, intake.Opened, r.Outcome, hdr)
				require.Equal(t, mailin.ThreadNew, r.Thread)
				require.NotEqual(t, tk.ID, r.TicketID)
				require.Equal(t, "mallory@evil.example", e.get(t, r.TicketID).Customer.Email)
			}
			e.requireOnlyTheFirstMail(t, tk.ID, "Late parcel.", "nothing was posted on the customer's ticket")
			require.Equal(t, ticket.StatusResolved, e.get(t, tk.ID).Status, "the ticket was not reopened")

			// The ticket's contact is known: the reply threads and reopens.
			r := e.ingest(t, msg("Still nothing here either.", "From: BO@example.com", "Subject: Re: x", mid(), "In-Reply-To: "+thread))
			require.Equal(t, intake.Reopened, r.Outcome)
			require.Equal(t, mailin.ThreadByHeader, r.Thread)
			require.Equal(t, tk.ID, r.TicketID)
		})
	}
}

func TestLoops(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b.Open(t))
			first := e.ingest(t, msg("Help.", "From: anna@example.com", "Subject: Kettle", mid()))
			tk := e.get(t, first.TicketID)
			thread := mailthread.ThreadID(tk.ID, domain)
			cases := []struct {
				name    string
				raw     string
				class   mailin.Class
				outcome intake.Outcome
			}{
				{"AutoSubmittedOnTicket", msg("I am away.", "From: anna@example.com", "Subject: Auto: Kettle", mid(), "Auto-Submitted: auto-replied", "In-Reply-To: "+thread), mailin.ClassAutoReply, intake.Recorded},
				{"XAutoreplyOnTicket", msg("Away.", "From: anna@example.com", "Subject: Away", mid(), "X-Autoreply: yes", "References: "+thread), mailin.ClassAutoReply, intake.Recorded},
				{"PrecedenceBulkOnTicketBySubject", msg("Sale!", "From: anna@example.com", "Subject: ["+tk.Number+"] sale", mid(), "Precedence: bulk"), mailin.ClassAutoReply, intake.Recorded},
				{"BounceOnTicket", "References: " + thread + "\r\n" + strings.Replace(fixture(t, "bounce-dsn.eml"), "20260309071000.5F1A2B@", "bounce-2@", 1), mailin.ClassBounce, intake.Recorded},
				{"VacationWithoutTicket", fixture(t, "vacation.eml"), mailin.ClassAutoReply, intake.Dropped},
				{"OutlookAutoReplyWithoutTicket", fixture(t, "outlook-autoreply.eml"), mailin.ClassAutoReply, intake.Dropped},
				{"Newsletter", fixture(t, "newsletter.eml"), mailin.ClassAutoReply, intake.Dropped},
				{"ListPostWithoutTicket", fixture(t, "list-post.eml"), mailin.ClassAutoReply, intake.Dropped},
				{"BounceWithoutTicket", fixture(t, "bounce-dsn.eml"), mailin.ClassBounce, intake.Dropped},
				{"OwnMail", fixture(t, "own.eml"), mailin.ClassOwn, intake.Dropped},
				{"OwnMailOnTicket", msg("Assigned.", "From: "+own, "Subject: ["+tk.Number+"] Assigned", mid(), "In-Reply-To: "+thread), mailin.ClassOwn, intake.Dropped},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					before := e.count(t)
					r := e.ingest(t, c.raw)
					require.Equal(t, c.class, r.Class)
					require.Equal(t, c.outcome, r.Outcome)
					require.Equal(t, before, e.count(t), "automated mail never opens a ticket")
					if c.outcome == intake.Recorded {
						require.Equal(t, tk.ID, r.TicketID)
					}
				})
			}
			msgs := e.messages(t, tk.ID)
			require.Len(t, msgs, 5)
			require.Equal(t, ticket.MessageCustomer, msgs[0].Kind, "the first mail")
			for _, m := range msgs[1:] {
				require.Equal(t, ticket.MessageNote, m.Kind, "recorded, never a customer message")
			}
			require.Equal(t, tk.Status, e.get(t, tk.ID).Status)
		})
	}
}

func TestAutomatedMailWithDropPolicy(t *testing.T) {
	e := newEnv(t, backends()[0].Open(t), func(_ *ticketkit.Config, c *intake.Config) {
		c.AutoReplies, c.Bounces = intake.PolicyDrop, intake.PolicyDrop
	})
	first := e.ingest(t, msg("Help.", "From: anna@example.com", "Subject: Kettle", mid()))
	thread := mailthread.ThreadID(first.TicketID, domain)
	r := e.ingest(t, msg("Away.", "From: anna@example.com", "Subject: Away", mid(), "Auto-Submitted: auto-replied", "In-Reply-To: "+thread))
	require.Equal(t, intake.Dropped, r.Outcome)
	e.requireOnlyTheFirstMail(t, first.TicketID, "Help.", "the auto-reply was dropped")
}

func TestCharsetsAndAttachments(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b.Open(t))
			for name, want := range map[string]string{
				"latin1.eml":           "Wasserkocher läuft nicht",
				"windows1252.eml":      "Price – 42 €",
				"quoted-printable.eml": "Facture incorrecte – n° 2026-55",
				"base64.eml":           "Заказ не пришёл",
				"html-only.eml":        "HTML only",
				"alternative.eml":      "Invoice question",
			} {
				r := e.ingest(t, fixture(t, name))
				require.Equal(t, intake.Opened, r.Outcome, name)
				tk := e.get(t, r.TicketID)
				require.Equal(t, want, tk.Subject, name)
				require.NotEmpty(t, tk.Description, name)
			}
			r := e.ingest(t, fixture(t, "attachment-inline.eml"))
			require.Equal(t, intake.Opened, r.Outcome)
			msgs := e.messages(t, r.TicketID)
			require.Len(t, msgs, 1)
			require.NotEmpty(t, msgs[0].Attachments)
			for _, a := range msgs[0].Attachments {
				_, rc, err := e.desk.OpenAttachment(context.Background(), agent, r.TicketID, a.ID)
				require.NoError(t, err)
				content, err := io.ReadAll(rc)
				require.NoError(t, rc.Close())
				require.NoError(t, err)
				require.Len(t, content, int(a.Size), a.Name)
				require.NotZero(t, a.Size)
			}
		})
	}
}

// TestRefusedAttachmentsStillOpenTheTicket checks that mail whose
// attachments the Desk refuses (here: it has no blob store) still opens
// its ticket, with the whole mail as first message and a note saying why
// the files are missing.
func TestRefusedAttachmentsStillOpenTheTicket(t *testing.T) {
	e := newEnv(t, memory.New(), func(c *ticketkit.Config, _ *intake.Config) { c.Blobs = nil })
	r := e.ingest(t, fixture(t, "attachment-inline.eml"))
	require.Equal(t, intake.Opened, r.Outcome)
	msgs := e.messages(t, r.TicketID)
	require.Len(t, msgs, 2)
	require.Equal(t, ticket.MessageCustomer, msgs[0].Kind)
	require.Empty(t, msgs[0].Attachments)
	require.Equal(t, ticket.MessageNote, msgs[1].Kind)
	require.Contains(t, msgs[1].Body, "attachments could not be stored")
}

func TestDuplicates(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b.Open(t))
			raw := msg("Once.", "From: anna@example.com", "Subject: Once", mid())
			first := e.ingest(t, raw)
			require.Equal(t, intake.Opened, first.Outcome)
			again := e.ingest(t, raw)
			require.Equal(t, intake.Duplicate, again.Outcome)
			require.Equal(t, first.TicketID, again.TicketID)

			noID := msg("No id.", "From: anna@example.com", "Subject: No id")
			require.Equal(t, intake.Opened, e.ingest(t, noID).Outcome)
			require.Equal(t, intake.Duplicate, e.ingest(t, noID).Outcome, "the digest dedupes mail without Message-ID")
			require.Equal(t, 2, e.count(t))

			t.Run("Concurrent", func(t *testing.T) {
				raw := msg("Race.", "From: bob@example.com", "Subject: Race", mid())
				const n = 8
				var wg sync.WaitGroup
				results := make([]intake.Result, n)
				errs := make([]error, n)
				for i := range n {
					wg.Go(func() { results[i], errs[i] = e.intake.Ingest(context.Background(), strings.NewReader(raw)) })
				}
				wg.Wait()
				opened := 0
				for i := range n {
					if errs[i] != nil {
						require.ErrorIs(t, errs[i], intake.ErrInProgress)
						continue
					}
					if results[i].Outcome == intake.Opened {
						opened++
					} else {
						require.Equal(t, intake.Duplicate, results[i].Outcome)
					}
				}
				require.Equal(t, 1, opened)
				require.Equal(t, 3, e.count(t))
			})
			t.Run("FailedIngestCanBeRetried", func(t *testing.T) {
				raw := msg("Retry.", "From: not an address", "Subject: Retry", mid())
				_, err := e.intake.Ingest(context.Background(), strings.NewReader(raw))
				require.Error(t, err)
			})
			t.Run("AbandonedClaimIsTakenOverAfterTimeout", func(t *testing.T) {
				raw := msg("Crash.", "From: carl@example.com", "Subject: Crash", "Message-ID: <crash@mail.example.com>")
				ib := e.store.(storage.InboundStore)
				require.NoError(t, ib.InboundRecord(context.Background(), storage.InboundRecordParams{TenantID: tenant, Key: "crash@mail.example.com", At: t0}))
				_, err := e.intake.Ingest(context.Background(), strings.NewReader(raw))
				require.ErrorIs(t, err, intake.ErrInProgress)
				e.at(1)
				require.Equal(t, intake.Opened, e.ingest(t, raw).Outcome)
				require.Equal(t, intake.Duplicate, e.ingest(t, raw).Outcome)
			})
		})
	}
}

func TestUnroutableNamesTheRecipients(t *testing.T) {
	e := newEnv(t, backends()[0].Open(t))
	_, err := e.intake.Ingest(context.Background(), strings.NewReader(msg("Hi", "To: nobody@else.example", "From: anna@example.com", "Subject: x", mid())))
	var ue *intake.UnroutableError
	require.True(t, errors.As(err, &ue))
	require.ErrorIs(t, err, intake.ErrUnroutable)
	require.Contains(t, err.Error(), "nobody@else.example")
}

func TestReplyToAClosedTicket(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b.Open(t), withReopen(t))
			ctx := context.Background()
			first := e.ingest(t, msg("Late parcel.", "From: anna@example.com", "Subject: Late parcel", mid()))
			tk := e.get(t, first.TicketID)
			e.at(1)
			_, err := e.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusResolved, Reason: "test"})
			require.NoError(t, err)

			e.at(49)
			r := e.ingest(t, msg("Still nothing.", "From: anna@example.com", "Subject: Re: x", mid(), "In-Reply-To: "+mailthread.ThreadID(tk.ID, domain)))
			require.Equal(t, intake.Reopened, r.Outcome)
			require.Equal(t, tk.ID, r.TicketID)
			require.Equal(t, ticket.StatusInProgress, e.get(t, tk.ID).Status)

			e.at(50)
			_, err = e.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusResolved, Reason: "test"})
			require.NoError(t, err)
			e.at(200)
			r = e.ingest(t, msg("Broke again.", "From: anna@example.com", "Subject: Re: ["+tk.Number+"] Late parcel", mid()))
			require.Equal(t, intake.FollowUp, r.Outcome)
			require.NotEqual(t, tk.ID, r.TicketID)
			f := e.get(t, r.TicketID)
			require.Equal(t, tk.ID, f.FollowUpOf)
			require.Equal(t, f.Number, r.Number)
			require.Equal(t, ticket.StatusResolved, e.get(t, tk.ID).Status)
		})
	}
}
