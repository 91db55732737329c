// Package ticket holds ticketkit's domain types: tickets, messages,
// history events and actors, the catalogs that configure them, ticket
// numbers and input validation. It imports only the standard library,
// github.com/go-playground/validator/v10, github.com/shopspring/decimal
// and golang.org/x/text/currency, and nothing else of ticketkit;
// the workflow, storage and notify packages build on it.
//
// # Tickets
//
// A [Ticket] is plain data: a subject, a description, a [Customer],
// further [Contact] people, [Reference] links to the host's own objects
// (orders, serials, contracts), tags, custom fields and a checklist of
// [Action] items. Its Status, Priority, Category, Department and Reason
// hold codes from a [Catalog]. A ticket's thread is made of [Message]
// values, and every operation is done by an [Actor] whose [Role] decides
// what it may do and see.
//
// # Catalogs
//
// Statuses, priorities, categories, departments, complaint reasons and
// custom field definitions are data the host configures: a [CatalogSpec],
// written in Go or loaded from JSON or YAML, becomes a [Catalog] through
// [NewCatalog], which reports every problem of the spec in one
// *[CatalogError]. Every entry has a [Label] with per-locale translations
// ([Label.In] falls back from "fr-CA" to "fr" to the default text).
// [DefaultCatalog] is a ready-made catalog to start from. A catalog also
// checks input against itself: [Catalog.CheckRefs] for codes and
// [Catalog.ValidateFields] for custom field values.
//
// # Numbers
//
// Customers quote human numbers such as "TK-2026-000042". A [Numberer]
// renders them from gap-free counters the store keeps, and finds them
// again in free text such as an email subject. [PatternNumberer], built
// by [NewNumberer] from a [NumberFormat] or by [DefaultNumberer], covers
// prefixes, yearly counters, padding, separators and a Luhn check digit.
//
// # Validation
//
// [Validate] checks a struct against its `validate` tags and returns a
// *[ValidationError] that names every invalid field by its JSON path,
// such as "customer.email" or "references[0].id", with the failed rule
// and an English message. Catalog checks return [FieldError] values of
// the same shape, so [NewValidationError] can merge all of them into one
// error. Use errors.As to get at a *ValidationError.
//
// Validate also refuses, at any depth and whatever the tags say, what no
// store or mailer can keep: strings with NUL bytes or invalid UTF-8,
// times outside the years [MinYear] to [MaxYear], and lists or maps over
// [MaxItems] items without a max of their own (inputs only:
// [ValidateComplaint], which checks a stored document whose lists grow
// with its history, does not hold it to MaxItems). [CheckText] and
// [CheckTime] apply the same rules to a lone value, such as an ID. Names
// of a [Customer] or [Contact] must be single lines and their emails
// plain addresses. A ValidationError keeps and reports at most
// [MaxFieldErrors] fields and counts the rest in More, so that the answer
// to a flood of bad input stays small.
//
// # Complaints
//
// A [Complaint] is a ticket with a complaint section: it embeds [Ticket]
// (the shared core) and adds [ComplaintDetails] under the JSON key
// "complaint". It is not a parallel document type, because a complaint
// needs everything a ticket has: a number, a status moved by a workflow,
// SLA clocks, messages, history, notifications, access rules and search.
// The core's fields keep their meaning (Subject is the working name,
// Customer the counterparty, Contacts the contact persons with roles,
// Reason a catalog reason code, Actions the action plan), so &c.Ticket
// goes wherever a *Ticket does. It is not a field on Ticket either, so
// plain tickets, their stores and their JSON stay unchanged; a store keeps
// the section next to the ticket row, and hosts that never file
// complaints never pay for it.
//
// The section holds what only complaints have: date of issue, remedy
// sought, severity, the source document ([Reference] to an invoice, order
// or job) and its [ComplaintLine] products with serial and batch numbers,
// [Accounting] (sales adjustment, company, counterparty, contract, a
// decimal amount and an ISO 4217 currency; money is never a float),
// [Responsibility], per-line [LineDecision]s with [LineRemedy] parts and
// return (RMA) references, the [CounterpartyRole] and [ClaimLink]s between
// a customer complaint and its supplier or carrier claims,
// typed [ComplaintAttachment] files (customer-visible
// or internal), internal [CostEntry] costs, comments, [Review] approvals and
// [ReviewResult] findings, the 8D quality structure ([RootCause] coded
// from the catalog's cause and defect [CodeGroup]s, [StepRecord]s of
// D1 to D8, and actions typed by [ActionType] with an
// [EffectivenessCheck]), the [ComplaintDecision] with its typed
// [Remedy], the end date and the posting. The reason code may stay empty
// until the follow-up; posting needs one. [SeriesNumberer] numbers
// complaints per document type, business unit or company. [ValidateComplaint] names every bad field, such as
// "complaint.accounting.amount"; [ValidCurrency] checks currency codes
// with golang.org/x/text/currency.
//
// [ComplaintCatalog] holds the complaint statuses (registered, planned,
// fulfilled, posted, rejected). A catalog whose spec sets AllowNewReasons
// accepts reason codes it does not hold yet, and [Catalog.WithReason]
// adds one. [Complaint.SetCategory] adds a category's template actions,
// asking the host first; [Complaint.Decide] records a decision and, when a
// credit is required, a follow-up action for the salesperson (a new
// decision replaces the open follow-up of the previous one); a posted
// complaint is immutable and every change fails with [ErrPosted] (see
// [Complaint.CheckEditable]).
//
// The host plugs its ERP in through two one-method interfaces: a
// [SourceResolver] finds the invoice, order or job a complaint is created
// from ([Complaint.ApplySource] copies it in), and a [RemedyHandler]
// carries out the decided remedy and returns the [RemedyDocument] it
// issued (a credit note, a return, a replacement or repair order, or a
// kind of the host's own). The package only declares them; it
// performs no I/O. Reports such as [ComplaintsByReason],
// [ComplaintsBySeries], [ComplaintsJustified], [TimeToDecision] and
// [ClaimedAmounts] are pure functions over a slice of complaints, so any
// store can feed them; so are the cost reports ([CostTotals],
// [CostsByProduct], ...), and [ConvertTotals] converts totals into one
// currency through a host's one-method [RateSource].
//
// # History
//
// Each tracked change of a ticket is recorded as an [Event] naming the
// field (one of the Field* constants, or "fields.<key>" for custom
// fields) with its old and new text. [Diff] computes these events from
// two versions of a ticket, in a fixed field order.
package ticket
