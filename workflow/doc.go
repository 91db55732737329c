// Package workflow holds the rules of ticketkit: which status changes are
// allowed, for whom, under which conditions, and what they do to a ticket.
//
// The package is pure: it performs no I/O and never reads the clock. It
// takes a ticket, an actor and a time, and returns decisions as values. The
// root Desk asks it, then persists and notifies.
//
// # Definitions
//
// A [Definition] is data: a list of named [Transition] values (from which
// statuses, to which status, for which roles, behind which guards, with
// which effects) and an optional [ReopenRule]. Write it in Go, or load it
// with [ParseJSON] or [ParseYAML]; both reject unknown fields, and YAML
// errors carry line:column. [DefaultDefinition] is the workflow for
// [ticket.DefaultCatalog]; testdata/default.yaml shows it as YAML:
//
//	name: default
//	transitions:
//	  - name: close
//	    from: [open, in_progress, waiting, escalated, resolved]
//	    to: closed
//	    roles: [agent, supervisor, system]
//	    guards: [reason_required]
//	reopen:
//	  to: in_progress
//	  within: 336h
//	  roles: [agent, supervisor, system]
//
// "*" in From stands for every non-terminal status. A terminal status (see
// [ticket.Status].Terminal) is left only through the reopen rule.
//
// # Validation
//
// [New] checks a definition against a catalog and reports every problem at
// once in a *[DefinitionError]: unknown or duplicate names, unknown status,
// role, guard, department, priority or category codes, transitions out of
// terminal statuses, statuses no path reaches from the initial status, bad
// action templates and a bad reopen rule.
//
// # Deciding
//
// [Machine.Decide] answers a [Request] with a [Decision] or a
// *[TransitionError] wrapping [ErrNoTransition], [ErrForbidden], [ErrGuard]
// or [ErrReopenWindow]; test them with [errors.Is] and read the details with
// [errors.As]. [Decision.Apply] then changes the ticket: status, ClosedAt,
// ClosureReason and the transition's effects. [Machine.Available] lists
// what an actor may do now, for menus and buttons.
//
// # Routing
//
// A definition's Routing lists [RoutingRule] values that govern
// allocation as transitions govern status changes: which department (or
// assignee) a ticket may be routed to, from which statuses, by whom,
// behind which guards, with which effects. A field no rule names is free,
// as before; once a rule names it, [Machine.Route] allows a change only
// through a rule and otherwise refuses with a *[TransitionError] whose
// Route is set, wrapping [ErrNoRoute], [ErrForbidden] or [ErrGuard] and
// naming the rule. "No department before verification" reads:
//
//	routing:
//	  - name: allocate
//	    field: department
//	    statuses: [verified, in_progress, waiting, escalated]
//	    roles: [agent, supervisor, system]
//
// The root Desk asks Route in Desk.Assign, in a department change of
// Desk.Update, and in Desk.Open for the department and assignee a ticket
// is opened with (a routing from no value in the initial status); effects of transitions and escalation levels that set a
// department are the workflow's own decisions and are not asked again.
//
// # Guards
//
// Guards are checks run before a transition. The built-in ones are
// [GuardReasonRequired], [GuardActionsDone], [GuardAssigned] and
// [GuardCustomerSet]; a host adds its own by name in [Config.Guards]. A
// guard returns a non-nil error to deny; its message is shown to the user.
//
// # Diagrams
//
// [Machine.Mermaid] and [Machine.Graphviz] draw the workflow, in a
// deterministic order so the output can be committed and reviewed.
package workflow
