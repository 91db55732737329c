// Package riverticketkit runs ticketkit's background work, outbox
// dispatch and escalation sweeps, as jobs of River
// (github.com/riverqueue/river), for hosts that operate River already and
// want no second scheduler next to it.
//
// [Register] adds two workers and two periodic jobs to the host's
// river.Config:
//
//   - [DispatchArgs] ("ticketkit_dispatch"): rounds of a
//     [ticketkit.Dispatcher] until the outbox has nothing due, every
//     Config.DispatchInterval;
//   - [EscalationArgs] ("ticketkit_escalations"): one
//     [ticketkit.Desk.RunEscalations] sweep, every
//     Config.EscalationInterval.
//
// River's elected leader inserts the periodic jobs, at most one of each
// kind per period, and any client of the cluster works them; when the
// leader dies, another client is elected and goes on. A job whose round
// fails (the claim, a sweep's statement) returns the error and River
// retries it with its retry policy, up to
// Config.MaxAttempts attempts. What keeps delivery and escalation exactly
// once does not depend on River: the Dispatcher claims outbox entries
// with SKIP LOCKED leases and a sweep fires each level once in the
// ticket's transaction, so a job that River runs twice, or jobs a host
// inserts itself (a [DispatchArgs] with InsertTx in the transaction of a
// ticket change, to deliver its notifications as soon as it commits), on
// several processes at once, never deliver an event twice nor fire a
// level twice.
//
// The package imports no River driver: the host picks one (riverpgxv5 or
// riverdatabasesql) and runs River's migrations (rivermigrate) in its
// PostgreSQL, next to ticketkit's (bunstore.Store.Migrate).
package riverticketkit
