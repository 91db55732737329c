// Package ticketkit is an embeddable help desk and complaint-handling
// library: tickets with human numbers, configurable statuses, priorities
// and categories, a validated workflow, message threads with attachments,
// field-level history and notifications that are never lost, on the
// host's own database.
//
// # Getting started
//
// A host builds a [Desk] from a store and, optionally, a catalog, a
// workflow and a notifier, then calls its methods on behalf of an
// [Actor] (a customer, an agent, a supervisor or the system):
//
//	desk, err := ticketkit.New(ticketkit.Config{Store: memory.New()})
//	agent := ticketkit.Actor{ID: "u1", Role: ticket.RoleAgent, TenantID: "acme"}
//	t, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Broken kettle"})
//	t, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: t.ID, To: ticket.StatusInProgress})
//
// Every constructor of the module takes a Config whose zero fields mean
// documented defaults, exported as Default... constants; its
// WithDefaults method shows the configuration a constructor runs with,
// and the constructor reports every invalid field at once. A workflow
// and an SLA built on their own [ticket.DefaultCatalog] fit a Desk
// whose catalog is the default: catalogs are compared by content
// ([ticket.Catalog.Equal]), not by pointer.
//
// # Packages
//
// The root package wires the others and is the only one that imports
// them all:
//
//   - ticket: domain types (Ticket, Message, Event, Complaint), catalogs,
//     numbers, validation, reports.
//   - workflow: the state machine and its guards, business-hours
//     calendars, SLA policies and escalation levels, the complaint
//     workflow; pure rules, no I/O.
//   - storage: the Store contract; storage/memory, storage/bunstore
//     (PostgreSQL and SQLite through Bun; storage/bunstore/bunopen opens
//     either) and storage/storagetest, the conformance suite every
//     adapter passes.
//   - notify: notification events, the Notifier interface, recipient
//     rules and templates; notify/email (a module of its own, so that
//     hosts that send no mail get no SMTP client), notify/webhook and
//     notify/notifytest.
//   - httpapi: a JSON API over the Desk; mailin and mailin/intake:
//     tickets from email, threaded through mailthread's IDs. Both import
//     the root package, not the other way round, so hosts that need
//     neither do not compile them.
//   - blob: attachment content; phone: mobile number normalization;
//     clock: the time source, with a fake for tests.
//   - otelticketkit: OpenTelemetry spans and metrics through [Observer]
//     (a module of its own, so that hosts without OpenTelemetry do not
//     download it).
//
// # Use cases
//
// Every use case validates its input, asks the workflow where a rule
// applies, and stores the ticket change, one history line per changed
// field and the resulting notifications in one transaction. Inputs that
// fail validation return a *[ValidationError] naming every bad field;
// refused status changes return a *[TransitionError]; unknown or
// invisible tickets return [ErrNotFound]; lost version races with an
// explicit version return [ErrConflict]. A change without a version is
// run again on the fresh ticket when another write wins, after a short
// wait with jitter, until it succeeds or its context ends.
//
// Method names follow the storage contract's: a ticket's use cases are
// plain verbs ([Desk.Open], [Desk.Reply], [Desk.Transition]), the
// complaint document's start with Complaint, then the part and the verb
// ([Desk.ComplaintDecide], [Desk.ComplaintCostAdd],
// [Desk.ComplaintLineDecide]), so that each family sorts together. Each
// takes a parameter struct named after it ([OpenParams],
// [ComplaintDecideParams]) or after what it carries ([MessageParams]).
//
// Each use case that changes data has a ...Tx variant ([Desk.OpenTx],
// [Desk.TransitionTx], [Desk.ComplaintPostTx], ...) that runs it in a
// transaction the host began, so that the change commits or rolls back
// with the host's own rows (River's InsertTx): the host passes a
// storage.Tx of its transaction, such as bunstore.Store.WithTx of its
// bun.Tx. Such a variant delivers nothing inline and does not run a lost
// race again: it fails with [ErrConflict], and the host retries its
// transaction. See [Desk.OpenTx].
//
// # Merge, split and links
//
// [Desk.Merge] merges duplicate tickets into a target in one
// transaction: their messages move to it in time order, each merged
// ticket is closed with [ticket.Ticket].MergedInto set, history lines on
// both sides name the other number, customers and contacts are combined
// and every customer involved gets one notify.KindMerged notification.
// A merged number still resolves ([Desk.GetByNumber] returns the
// target), and messages and mail sent to a merged ticket reach the
// target. [Desk.Split] moves chosen messages into a new ticket linked to
// its origin. [Desk.Link] relates tickets with typed links (parent and
// child, related, duplicate of, caused by), listed by [Desk.Links] and
// searched with [SearchParams].ParentID and LinkedTo; parent and
// duplicate-of cycles are refused, and a parent is not resolved or
// closed while a child is open unless Config.CloseParentsWithOpenChildren
// says so. Links are internal: customers never see them. The store needs
// the optional storage.MessageMover and storage.LinkStore; with
// storage.TicketLocker, merges of crossing pairs wait for each other
// instead of deadlocking.
//
// # Bulk actions and collision warnings
//
// [Desk.Bulk] applies one [BulkAction] (a transition, an assignee, a
// department, a priority, tags to add or remove) to up to
// Config.MaxBulkTickets tickets and reports each ticket's [BulkOutcome]:
// every ticket changes through its single-ticket path, with its own
// history and notifications, in transactions of 100 tickets, and one
// refused ticket never rolls back another.
//
// [Desk.TakePresence] gives a staff user a short presence lease on a
// ticket (viewing or replying) that ends by itself after
// Config.PresenceTTL unless renewed; [Desk.Presence] tells the others who
// is there. A reply or note that names the last message its author saw
// ([MessageParams].SeenMessageID) is refused with a *[StaleReplyError]
// (ErrStaleReply), or posted with [ticket.Message].Unseen set
// (Config.StaleReplies), when the customer wrote after it. Presence needs
// the optional storage.PresenceStore; customers never see leases.
//
// # Watchers and CC
//
// [Desk.Watch] makes an agent follow a ticket: the notifications the
// rules give notify.AudienceWatchers reach them. Watchers are internal.
// [Desk.AddCC] copies an address on a ticket, by staff or by the
// ticket's customer, at most Config.MaxCC: the address gets the mails
// the customer gets, and the mail intake threads its replies in; mail
// never copies anyone by itself. Both need the optional
// storage.WatcherStore.
//
// # Access
//
// Every call is scoped to the actor's tenant. Customers see only their own
// tickets (others are reported as not found), and the tickets of their
// organisation's customers when the organisation lets its members see
// them (ticket.Actor.OrganisationID, Config.Organisations: reads only).
// Customers never see internal notes
// nor the help desk's internals of a ticket (assignee, tags, action plan,
// SLA state, internal custom fields), nor staff user IDs: staff authors
// of messages and actors in the history are shown by the display name
// Config.Staff gives, or Config.StaffLabel, and the notification data
// written for the customer names no staff user. Customers may not
// assign or edit tickets and may only take the status changes the
// workflow grants their role (none, by default). [Desk.Transitions]
// lists the changes an actor may take.
//
// Input from a customer is never trusted for a privileged effect. A
// customer who opens a ticket may not set its priority, department,
// assignee, tags or internal custom fields, and an internal field marked
// Required is not required of them; their contact data comes from the
// host's Config.Customers, which replaces what they typed, and without
// it a customer-typed email or mobile, and any address of a contact they
// name, is refused. Each refusal is a *[ValidationError] field with rule
// "forbidden" (see [OpenParams]). Host code that opens a ticket for a
// customer with data of its own, such as the mail intake with the
// sender's address, says so with OpenParams.Vouched. The SLA tier is the
// host's to set.
//
// # Attachments
//
// Attachment content goes to the blob store (Config.Blobs) before the
// transaction that records its message, so that no transaction waits on
// an upload; a refused change deletes it again. A process that dies in
// between leaves content no message references: [Desk.ReconcileBlobs],
// run by the host from time to time, deletes such content once it is
// older than a grace period that must exceed the longest transaction.
//
// # SLA and escalation
//
// With Config.SLA set, every change runs the ticket's SLA clocks in its
// own transaction (paused while the status waits on the customer), and
// [Desk.RunEscalations] — or an [EscalationWorker] the host starts —
// fires warnings, breaches and escalation levels once per cycle, each
// written to the history and notified, wakes pending tickets and
// auto-closes resolved ones. A customer's reply within
// Config.ReopenWithin reopens a closed ticket; a later one opens a linked
// follow-up. [Desk.SLAReport] turns the metrics each ticket keeps into
// time to first response, resolution time, reopen rate and breaches.
//
// # Tenant configurations
//
// Each tenant may run on a configuration of its own, data rather than
// code: a [TenantConfig] holds its catalog, workflow and SLA, and the
// tenant's admin ([ticket.RoleAdmin]) saves a new version with
// [Desk.ConfigureTenant] at runtime. The store keeps every version (the
// optional storage.ConfigStore); a change is validated as a whole and
// may not strand tickets in codes it removes unless it maps them. Every
// use case and the escalation sweep run on the configuration of the
// ticket's tenant, cached per process and read again after
// Config.TenantConfigTTL, so that a change made anywhere is seen
// everywhere within that time; a tenant without one runs on the Desk's
// Config. On PostgreSQL a process may also listen for changes
// (bunopen.ListenTenantConfigs, handing tenants to
// [Desk.ForgetTenantConfig]) and use them at once; the TTL stays the
// bound. Tickets record the version they were last changed under
// (Ticket.ConfigVersion).
//
// A configuration also holds the tenant's notification rules and
// switches, mail templates, ticket number format and tag catalog. The
// Desk is a notify.TenantSource ([Desk.NotifySetup]): give it to the
// notify.Resolver of the notifier (notify/email) as its Tenants, and
// every event is written with its ticket's tenant's catalog, templates
// and rules, while package notify imports nothing of ticketkit. The mail
// intake (mailin/intake) finds replies by the tenant's ticket number
// format ([Desk.FindTicketNumber]).
//
// On a Desk with complaints, a configuration may also hold the tenant's
// complaint catalog and workflow ([ComplaintTenantConfig]): statuses,
// categories, reason codes and labels are data, while the remedy,
// source and numbering handlers stay the host's Config.Complaints.
// Every complaint use case runs on its tenant's.
//
// # Complaints
//
// With Config.Complaints set, [Desk.ComplaintOpen] and its siblings
// handle complaint documents (see package ticket's "Complaints"): action
// plans, decisions and remedies, the complaint workflow, posting through
// the host's remedy handler in the same transaction, and reports.
// [Desk.ComplaintJournal] is the complaint journal: a filtered (status or
// status category, reason, priority, severity, counterparty, business
// unit, employee in charge, salesperson, dates, source document, amount,
// text), cursor-paged list that customers see only their own part of.
// A complaint may be logged without a reason code and get one at the
// follow-up; the employee in charge is the source of truth and the
// ticket's assignee follows it. ComplaintConfig.Numbering numbers
// complaints from gap-free series such as "CC-BU1-2026-0001".
// [Desk.ComplaintAttach] attaches typed files to the document itself,
// stored in Config.Blobs like message attachments, which customers open
// ([Desk.ComplaintAttachmentOpen]) only when marked customer-visible.
// [Desk.ComplaintCostAdd] records internal costs that customers never
// see; [Desk.ComplaintCostList] and [Desk.ComplaintCostReport] total them
// per currency and, through a host's rate source, in one currency.
// A posted complaint is never edited: [Desk.ComplaintReverse] posts the
// reversing entry through ComplaintConfig.Reversals and links it to the
// complaint, once. Decisions, postings, reversals and actions given to
// an owner are announced as the notify.ComplaintKinds events, which
// reach the action owner, the salesperson and the super users.
// ComplaintConfig.Deadlines ([ActionDeadlines]) makes actions due in
// business hours on a calendar (containment within 24 business hours),
// and [Desk.RunEscalations] announces each action left open past its due
// date once per due date (notify.KindComplaintActionOverdue).
// The 8D structure is internal to the help desk: actions typed
// containment, corrective or preventive ([Desk.ComplaintPlan]) with an
// effectiveness check ([Desk.ComplaintEffectivenessRecord]), a root cause coded
// from the catalog's cause and defect code groups ([Desk.ComplaintRootCauseSet];
// [Desk.ComplaintReport] counts by both), and optional steps D1 to D8
// that complete in order ([Desk.ComplaintStepComplete], refused with
// [ErrStepOrder] naming the step).
// [Desk.ComplaintLineDecide] decides each line with partial and multiple
// remedies (40 % credit on one line, 3 pieces replaced on another), which
// the remedy handler gets as RemedyRequest.LineRemedies when posting;
// [Desk.ComplaintLineReturnLink] links a line to the host's return (RMA)
// through the source resolver. Lines are addressed by their number
// (ticket.ComplaintLine.No, never given twice in a complaint), and
// [Desk.ComplaintLineAdd], [Desk.ComplaintLineUpdate] and
// [Desk.ComplaintLineRemove] change them after opening. The counterparty may be a customer, a
// supplier or a carrier, and [Desk.ComplaintClaimRaise] raises a linked
// supplier or carrier claim (back-charge) that customers never see.
//
// # Notifications
//
// Each change writes its notifications to the store's outbox in the same
// transaction, so a rolled-back change notifies no one and a committed
// one always does. A [Dispatcher] the host starts delivers them: it
// claims batches (several dispatchers in several processes never deliver
// one entry at once), retries failures with exponential backoff and
// jitter, and keeps what failed MaxAttempts times as dead letters the
// host can list and retry. With Config.Notifier set, the Desk also
// delivers each change's notifications right after the commit, one
// attempt within Config.InlineTimeout, and leaves failures, timeouts and
// panics to the Dispatcher; the use case succeeds all the same. In the
// host's own transaction (a ...Tx method, or a Desk over a store
// bunstore.New built over a bun.Tx) the Desk delivers nothing itself:
// the Dispatcher delivers once the host commits, and a host rollback
// announces nothing. A notifier that panics costs the Dispatcher one dead
// letter, never its loop.
//
// # Observability
//
// Config.Observer and DispatcherConfig.Observer take an [Observer]: a
// small hook called around every use case of the Desk, every store
// transaction it runs, every Dispatcher round and delivery and every
// escalation sweep, with identifiers (tenant, ticket ID and number, event
// kind), never personal data. The library depends on no telemetry
// package; the module github.com/ticketkit/ticketkit/otelticketkit
// implements the hook with OpenTelemetry spans and metrics, and
// storage.OutboxStatsStore gives its outbox backlog gauges their data.
// Without an Observer the hook costs nothing measurable.
//
// # Retention and erasure
//
// [Desk.RunRetention] deletes what Config.Retention keeps only for a
// while: delivered outbox entries, inbound-mail records and closed
// tickets past their tenant's period, those archived first through
// [TicketArchiver] when one is set. [Desk.EraseCustomer] erases a
// customer's personal data wherever the Desk keeps it, leaving the
// statistics and a tombstone; [Desk.ExportCustomer] exports it.
package ticketkit
