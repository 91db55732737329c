package otelticketkit

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel/attribute"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
)

// The metrics an [Observer] records.
const (
	// MetricUseCaseDuration is a histogram of the Desk's use cases, in
	// seconds, by AttrUseCase and, when they fail, AttrErrorType.
	MetricUseCaseDuration = "ticketkit.use_case.duration"
	// MetricTxDuration is a histogram of the store transactions the Desk
	// runs, in seconds, by AttrUseCase and AttrErrorType.
	MetricTxDuration = "ticketkit.tx.duration"
	// MetricDeliveries counts deliveries by AttrOutcome, AttrEventKind
	// and AttrInline (the Desk's own right after a change, or a
	// Dispatcher's); those of outcome "dead" are the new dead letters.
	MetricDeliveries = "ticketkit.outbox.deliveries"
	// MetricOutboxPending is a gauge of the outbox entries waiting for
	// delivery (Config.Store).
	MetricOutboxPending = "ticketkit.outbox.pending"
	// MetricOutboxOldestAge is a gauge of the age of the oldest pending
	// outbox entry, in seconds: how far delivery lags (Config.Store).
	MetricOutboxOldestAge = "ticketkit.outbox.oldest_pending.age"
	// MetricOutboxDead is a gauge of the dead letters in the outbox
	// (Config.Store).
	MetricOutboxDead = "ticketkit.outbox.dead"
	// MetricSweepDuration is a histogram of the escalation sweeps, in
	// seconds.
	MetricSweepDuration = "ticketkit.sweep.duration"
	// MetricSweepFirings counts what the sweeps fired, by AttrFiringKind.
	MetricSweepFirings = "ticketkit.sweep.firings"
	// MetricSLABreaches counts the SLA targets the sweeps found breached.
	MetricSLABreaches = "ticketkit.sla.breaches"
)

// The attributes of the spans and metrics. None holds personal data:
// tickets are named by ID and number, people not at all.
const (
	// AttrUseCase is the Desk method's name, such as "Open".
	AttrUseCase = attribute.Key("ticketkit.use_case")
	// AttrTenant is the tenant's ID.
	AttrTenant = attribute.Key("ticketkit.tenant_id")
	// AttrTicketID and AttrTicketNumber name the ticket a use case works
	// on, once the Desk knows it.
	AttrTicketID     = attribute.Key("ticketkit.ticket.id")
	AttrTicketNumber = attribute.Key("ticketkit.ticket.number")
	// AttrEventKind is a notification's kind, such as "ticket.opened".
	AttrEventKind = attribute.Key("ticketkit.event.kind")
	// AttrEntryID is an outbox entry's ID, the event's ID.
	AttrEntryID = attribute.Key("ticketkit.outbox.entry_id")
	// AttrAttempt counts a delivery's attempts, this one included.
	AttrAttempt = attribute.Key("ticketkit.delivery.attempt")
	// AttrOutcome is how a delivery ended: delivered, retry, dead or
	// released (see ticketkit.DeliveryOutcome).
	AttrOutcome = attribute.Key("ticketkit.delivery.outcome")
	// AttrInline says that a delivery is the Desk's own, right after
	// the change committed (ticketkit.Config.Notifier), not a
	// Dispatcher's.
	AttrInline = attribute.Key("ticketkit.delivery.inline")
	// AttrInHostTx says that a transaction is the host's.
	AttrInHostTx = attribute.Key("ticketkit.tx.host")
	// AttrClaimed, AttrDelivered, AttrRetried and AttrDead are a
	// Dispatcher round's counts (ticketkit.DispatchResult).
	AttrClaimed   = attribute.Key("ticketkit.dispatch.claimed")
	AttrDelivered = attribute.Key("ticketkit.dispatch.delivered")
	AttrRetried   = attribute.Key("ticketkit.dispatch.retried")
	AttrDead      = attribute.Key("ticketkit.dispatch.dead")
	// AttrSweepTickets and the other AttrSweep keys are a sweep's counts
	// (ticketkit.EscalationResult).
	AttrSweepTickets     = attribute.Key("ticketkit.sweep.tickets")
	AttrSweepWarnings    = attribute.Key("ticketkit.sweep.warnings")
	AttrSweepBreaches    = attribute.Key("ticketkit.sweep.breaches")
	AttrSweepEscalations = attribute.Key("ticketkit.sweep.escalations")
	AttrSweepReminders   = attribute.Key("ticketkit.sweep.reminders")
	AttrSweepAutoClosed  = attribute.Key("ticketkit.sweep.auto_closed")
	AttrSweepOverdue     = attribute.Key("ticketkit.sweep.overdue_actions")
	// AttrFiringKind is the kind of a sweep's firing: one of the Firing
	// constants.
	AttrFiringKind = attribute.Key("ticketkit.firing.kind")
	// AttrErrorType is the class of a failure (see [ErrorClass]), the
	// OpenTelemetry semantic conventions' error.type.
	AttrErrorType = attribute.Key("error.type")
)

// The values of AttrFiringKind.
const (
	FiringWarning       = "warning"
	FiringBreach        = "breach"
	FiringEscalation    = "escalation"
	FiringReminder      = "reminder"
	FiringAutoClose     = "auto_close"
	FiringOverdueAction = "overdue_action"
)

// errorClasses are the classes ErrorClass knows, most specific first.
var errorClasses = []struct {
	class string
	is    func(error) bool
}{
	{"canceled", func(err error) bool { return errors.Is(err, context.Canceled) }},
	{"deadline_exceeded", func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }},
	{"validation", func(err error) bool { return errors.As(err, new(*ticketkit.ValidationError)) }},
	{"transition", func(err error) bool { return errors.As(err, new(*ticketkit.TransitionError)) }},
	{"not_found", func(err error) bool { return errors.Is(err, ticketkit.ErrNotFound) }},
	{"conflict", func(err error) bool { return errors.Is(err, ticketkit.ErrConflict) }},
	{"forbidden", func(err error) bool { return errors.Is(err, ticketkit.ErrForbidden) }},
	{"invalid_actor", func(err error) bool { return errors.Is(err, ticketkit.ErrInvalidActor) }},
	{"unsupported", func(err error) bool { return errors.Is(err, storage.ErrUnsupported) }},
	{"permanent", func(err error) bool { return errors.Is(err, notify.ErrPermanent) }},
}

// ErrorClass returns the class of err for AttrErrorType: "canceled",
// "deadline_exceeded", "validation", "transition", "not_found",
// "conflict", "forbidden", "invalid_actor", "unsupported" or "permanent"
// (a notifier's permanent failure), after the first that matches with
// errors.Is or errors.As, else "other"; "" for nil. It never returns the
// error's text, which may hold personal data.
func ErrorClass(err error) string {
	if err == nil {
		return ""
	}
	for _, c := range errorClasses {
		if c.is(err) {
			return c.class
		}
	}
	return "other"
}
