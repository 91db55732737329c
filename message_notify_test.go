package ticketkit_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestReplyNotifyCustomerSwitch checks the per-message switch: a reply
// with NotifyCustomer false reaches no customer, through the outbox and
// a Dispatcher on every backend, while staff rules are unchanged and the
// default (nil) and true still mail the customer.
func TestReplyNotifyCustomerSwitch(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			store := b.Open(t)
			// No notifier on the Desk: everything goes through the outbox.
			desk, err := ticketkit.New(ticketkit.Config{Store: store})
			require.NoError(t, err)
			staff := notify.DirectoryFunc(func(_ context.Context, _, id string) (notify.Recipient, error) {
				return notify.Recipient{Address: id + "@desk.example", UserID: id}, nil
			})
			rules := func(string) notify.Rules {
				r := notify.DefaultRules()
				// Staff hear of agents' replies too: unchanged by the switch.
				r[notify.MessageRule(ticket.MessageReply)] = []notify.Audience{notify.AudienceCustomer, notify.AudienceAssignee}
				return r
			}
			box := notifytest.NewMailbox(&notify.Resolver{Directory: staff, Rules: rules}, nil, nil)
			tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Kettle", Customer: ticket.Customer{ID: "C-1", Email: "ada@example.com"}})
			require.NoError(t, err)
			_, err = desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: tk.ID, Assignee: new("tech-2")})
			require.NoError(t, err)
			dispatcher, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Notifier: box})
			require.NoError(t, err)
			_, err = dispatcher.RunOnce(ctx)
			require.NoError(t, err)
			box.Reset()

			for _, c := range []struct {
				name   string
				notify *bool
				told   bool
			}{{"off", new(false), false}, {"default", nil, true}, {"on", new(true), true}} {
				_, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "reply " + c.name, NotifyCustomer: c.notify})
				require.NoError(t, err)
				_, err = dispatcher.RunOnce(ctx)
				require.NoError(t, err)
				if c.told {
					require.Len(t, box.To("ada@example.com"), 1, c.name)
				} else {
					require.Empty(t, box.To("ada@example.com"), c.name)
				}
				require.Len(t, box.To("tech-2@desk.example"), 1, "%s: staff are told as the rules say", c.name)
				box.Reset()
			}
		})
	}
}

// TestNotifyCustomerSwitchIsStaffOnly refuses the switch from a
// customer, naming the field: it is for staff.
func TestNotifyCustomerSwitchIsStaffOnly(t *testing.T) {
	f := newFixture(t)
	tk := f.open(t, customer, ticketkit.OpenParams{})
	_, err := f.desk.Reply(context.Background(), customer, ticketkit.MessageParams{TicketID: tk.ID, Body: "hi", NotifyCustomer: new(false)})
	require.Equal(t, []string{"notify_customer"}, validationFields(t, err))
}

// TestMutedReplyEventSaysSo checks the event a muted reply records: it
// carries CustomerMuted so any notifier, not only the Resolver, can
// honour it; a note or a default reply does not.
func TestMutedReplyEventSaysSo(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tk := f.open(t, agent, ticketkit.OpenParams{Customer: ticket.Customer{ID: "C-1", Email: "ada@example.com"}})
	_, err := f.desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "quiet", NotifyCustomer: new(false)})
	require.NoError(t, err)
	_, err = f.desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "loud"})
	require.NoError(t, err)
	var muted []bool
	for _, e := range f.rec.Events() {
		if e.Kind == notify.KindMessageAdded {
			muted = append(muted, e.CustomerMuted)
		}
	}
	require.Equal(t, []bool{true, false}, muted)
}
