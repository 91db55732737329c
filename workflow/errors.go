package workflow

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ticketkit/ticketkit/ticket"
)

// Sentinel errors a [TransitionError] wraps. Test with [errors.Is].
var (
	// ErrNoTransition means the definition has no transition from the
	// ticket's status to the requested one.
	ErrNoTransition = errors.New("workflow: no such transition")
	// ErrForbidden means a transition exists but the actor's role may not
	// take it.
	ErrForbidden = errors.New("workflow: transition forbidden for role")
	// ErrGuard means a guard denied the transition.
	ErrGuard = errors.New("workflow: transition denied by guard")
	// ErrReopenWindow means the ticket was closed too long ago to be
	// reopened.
	ErrReopenWindow = errors.New("workflow: reopen window has passed")
)

// TransitionError explains why [Machine.Decide] refused a status change,
// or why [Machine.Route] refused a routing (then Route is set and From
// and To are both the ticket's status).
type TransitionError struct {
	// From and To are the current and requested status codes.
	From, To string
	// Route is the refused routing; nil for a status change.
	Route *Route
	// Rule names the routing rule that refused, for a routing refused
	// by role or guard.
	Rule string
	// Role is the role of the actor who asked.
	Role ticket.Role
	// Guard names the guard that failed, for ErrGuard.
	Guard string
	// Reason says why, in words a user can read.
	Reason string
	// Err is ErrNoTransition, ErrForbidden, ErrGuard or ErrReopenWindow,
	// or for a routing ErrNoRoute, ErrForbidden or ErrGuard.
	Err error
}

// Error returns a one-line message naming the statuses (or the routing
// and its rule), the role and the reason.
func (e *TransitionError) Error() string {
	var b strings.Builder
	if r := e.Route; r != nil {
		fmt.Fprintf(&b, "workflow: cannot route ticket to %s %q", r.Field, r.To)
		if e.Rule != "" {
			fmt.Fprintf(&b, " (routing rule %q)", e.Rule)
		}
	} else {
		b.WriteString("workflow: cannot move ticket from ")
		fmt.Fprintf(&b, "%q to %q", e.From, e.To)
	}
	if e.Role != "" {
		fmt.Fprintf(&b, " as %s", e.Role)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "workflow: "))
	}
	if e.Guard != "" {
		fmt.Fprintf(&b, " %q", e.Guard)
	}
	if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	return b.String()
}

// Unwrap returns Err, so errors.Is(err, ErrForbidden) and its siblings
// work.
func (e *TransitionError) Unwrap() error { return e.Err }

// DefinitionError lists every problem [New] found in a definition.
type DefinitionError struct {
	Problems []string
}

// Error joins all problems into one message.
func (e *DefinitionError) Error() string {
	return "workflow: invalid definition: " + strings.Join(e.Problems, "; ")
}
