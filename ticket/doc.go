// Package ticket holds ticketkit's domain types: tickets, messages,
// history events and actors, the catalogs that configure them, ticket
// numbers and input validation. It imports only the standard library and
// github.com/go-playground/validator/v10, and nothing else of ticketkit;
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
// # History
//
// Each tracked change of a ticket is recorded as an [Event] naming the
// field (one of the Field* constants, or "fields.<key>" for custom
// fields) with its old and new text. [Diff] computes these events from
// two versions of a ticket, in a fixed field order.
package ticket
