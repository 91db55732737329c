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

// TransitionError explains why [Machine.Decide] refused a status change.
type TransitionError struct {
	// From and To are the current and requested status codes.
	From, To string
	// Role is the role of the actor who asked.
	Role ticket.Role
	// Guard names the guard that failed, for ErrGuard.
	Guard string
	// Reason says why, in words a user can read.
	Reason string
	// Err is ErrNoTransition, ErrForbidden, ErrGuard or ErrReopenWindow.
	Err error
}

// Error returns a one-line message naming the statuses, the role and the
// reason.
func (e *TransitionError) Error() string {
	var b strings.Builder
	b.WriteString("workflow: cannot move ticket from ")
	fmt.Fprintf(&b, "%q to %q", e.From, e.To)
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
