package ticketkit

import (
	"errors"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// Errors a Desk returns, re-exported from the packages that define them so
// that hosts test them with errors.Is from one place.
var (
	// ErrNotFound: no such ticket in the actor's tenant, or the actor may
	// not see it (a customer asking for another customer's ticket).
	ErrNotFound = storage.ErrNotFound
	// ErrConflict: the ticket changed since the version the caller read.
	ErrConflict = storage.ErrConflict
	// ErrForbidden: the actor's role may not do this.
	ErrForbidden = workflow.ErrForbidden
	// ErrNoTransition: the workflow has no transition between the two
	// statuses.
	ErrNoTransition = workflow.ErrNoTransition
	// ErrGuard: a transition guard (such as a required closure reason)
	// refused the change.
	ErrGuard = workflow.ErrGuard
	// ErrReopenWindow: the ticket was closed too long ago to reopen.
	ErrReopenWindow = workflow.ErrReopenWindow
	// ErrNoRoute: the workflow's routing rules let no ticket in its
	// status go to the requested department or assignee (see
	// [workflow.RoutingRule]); the error is a *[TransitionError] whose
	// Route is set.
	ErrNoRoute = workflow.ErrNoRoute
	// ErrStepOrder: an 8D step cannot be completed yet (see
	// [Desk.ComplaintStepComplete]); the error is a *[workflow.StepError].
	ErrStepOrder = workflow.ErrStepOrder
	// ErrInvalidActor: the host passed an actor without an ID, a tenant
	// or a valid role (or a customer without a customer ID). It is a
	// programming error of the host, not bad input of its user; the
	// error is also a *ValidationError naming the actor's fields.
	ErrInvalidActor = errors.New("ticketkit: invalid actor")
)

// ValidationError lists every invalid field of an input; see
// [ticket.ValidationError].
type ValidationError = ticket.ValidationError

// FieldError is one invalid field of a [ValidationError].
type FieldError = ticket.FieldError

// TransitionError says why the workflow refused a status change; see
// [workflow.TransitionError].
type TransitionError = workflow.TransitionError

// Actor is whoever performs an operation; see [ticket.Actor].
type Actor = ticket.Actor
