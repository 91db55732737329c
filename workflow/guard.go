package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// Guard checks whether a transition may be taken. A non-nil error denies
// it; the error's message becomes [TransitionError.Reason]. A Guard must not
// change the ticket and must be safe for concurrent use. Register host
// guards by name in [Config.Guards].
type Guard func(ctx context.Context, in GuardInput) error

// GuardInput is what a [Guard] sees.
type GuardInput struct {
	// Ticket is the ticket as it is before the transition. Do not modify.
	Ticket *ticket.Ticket
	// Actor is who asks for the transition.
	Actor ticket.Actor
	// To is the requested status code; for a routing, the ticket's
	// current status.
	To string
	// Route is the requested routing when the guard runs for a
	// [RoutingRule]; nil for a transition.
	Route *Route
	// Reason is the reason the actor gave, possibly empty.
	Reason string
	// Now is the time of the request.
	Now time.Time
	// TimeEntries is how many time entries the ticket has, as the
	// caller counted them (see [Request.TimeEntries]);
	// [GuardTimeEntryRequired] reads it.
	TimeEntries int
}

// Names of the built-in guards. A host guard may not reuse them.
const (
	// GuardReasonRequired passes when the request carries a non-blank
	// reason. [Machine.Available] skips it, since a user interface asks
	// for the reason when the transition is chosen.
	GuardReasonRequired = "reason_required"
	// GuardActionsDone passes when the ticket has no open actions.
	GuardActionsDone = "actions_done"
	// GuardAssigned passes when the ticket has an assignee.
	GuardAssigned = "assigned"
	// GuardCustomerSet passes when the ticket names a customer by ID or
	// email.
	GuardCustomerSet = "customer_set"
	// GuardTimeEntryRequired passes when the ticket has at least one
	// time entry ([GuardInput.TimeEntries], which ticketkit's Desk
	// counts in the store). [Machine.Available] skips it, as the time
	// may be logged when the transition is chosen.
	GuardTimeEntryRequired = "time_entry_required"
)

// BuiltinGuards returns the names of the built-in guards.
func BuiltinGuards() []string {
	return []string{GuardReasonRequired, GuardActionsDone, GuardAssigned, GuardCustomerSet, GuardTimeEntryRequired}
}

func builtinGuards() map[string]Guard {
	return map[string]Guard{
		GuardReasonRequired: func(_ context.Context, in GuardInput) error {
			if strings.TrimSpace(in.Reason) == "" {
				return errors.New("a reason is required")
			}
			return nil
		},
		GuardActionsDone: func(_ context.Context, in GuardInput) error {
			if n := in.Ticket.OpenActions(); n > 0 {
				if n == 1 {
					return errors.New("1 action is still open")
				}
				return fmt.Errorf("%d actions are still open", n)
			}
			return nil
		},
		GuardAssigned: func(_ context.Context, in GuardInput) error {
			if strings.TrimSpace(in.Ticket.Assignee) == "" {
				return errors.New("the ticket has no assignee")
			}
			return nil
		},
		GuardTimeEntryRequired: func(_ context.Context, in GuardInput) error {
			if in.TimeEntries <= 0 {
				return errors.New("no time is logged on the ticket")
			}
			return nil
		},
		GuardCustomerSet: func(_ context.Context, in GuardInput) error {
			if strings.TrimSpace(in.Ticket.Customer.ID) == "" && strings.TrimSpace(in.Ticket.Customer.Email) == "" {
				return errors.New("the ticket has no customer")
			}
			return nil
		},
	}
}
