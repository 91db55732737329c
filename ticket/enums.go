package ticket

import "slices"

// Channel is the way a ticket reached the desk.
type Channel string

// Channels a ticket can arrive through.
const (
	ChannelInStore Channel = "in_store" // ChannelInStore: opened by staff at a shop counter.
	ChannelWeb     Channel = "web"      // ChannelWeb: a web form or storefront.
	ChannelEmail   Channel = "email"    // ChannelEmail: an inbound email.
	ChannelPortal  Channel = "portal"   // ChannelPortal: the customer's self-service portal.
	ChannelPhone   Channel = "phone"    // ChannelPhone: a phone call taken by an agent.
	ChannelAPI     Channel = "api"      // ChannelAPI: another system through an API.
	ChannelManual  Channel = "manual"   // ChannelManual: entered by staff by hand; a customer may not claim it.
)

// Channels returns every known channel.
func Channels() []Channel {
	return []Channel{ChannelInStore, ChannelWeb, ChannelEmail, ChannelPortal, ChannelPhone, ChannelAPI, ChannelManual}
}

// Valid reports whether c is one of [Channels].
func (c Channel) Valid() bool { return slices.Contains(Channels(), c) }

// RefKind is the kind of host object a [Reference] points at.
type RefKind string

// Kinds of host objects a ticket can reference.
const (
	RefOrder       RefKind = "order"       // RefOrder: a sales order.
	RefTransaction RefKind = "transaction" // RefTransaction: a purchase or loyalty transaction.
	RefInvoice     RefKind = "invoice"     // RefInvoice: an invoice.
	RefProduct     RefKind = "product"     // RefProduct: a product or SKU.
	RefSerial      RefKind = "serial"      // RefSerial: a serial or batch number.
	RefContract    RefKind = "contract"    // RefContract: a contract.
	RefAccount     RefKind = "account"     // RefAccount: a customer account.
	RefJob         RefKind = "job"         // RefJob: a work order or job.
	RefReturn      RefKind = "return"      // RefReturn: a return or RMA document.
)

// RefKinds returns every known reference kind.
func RefKinds() []RefKind {
	return []RefKind{RefOrder, RefTransaction, RefInvoice, RefProduct, RefSerial, RefContract, RefAccount, RefJob, RefReturn}
}

// Valid reports whether k is one of [RefKinds].
func (k RefKind) Valid() bool { return slices.Contains(RefKinds(), k) }

// Role is what an [Actor] is allowed to do.
type Role string

// Roles an actor can have.
const (
	RoleCustomer   Role = "customer"   // RoleCustomer: the customer; sees only their own tickets and no internal notes.
	RoleAgent      Role = "agent"      // RoleAgent: help desk staff.
	RoleSupervisor Role = "supervisor" // RoleSupervisor: staff who may also review, override and reopen.
	RoleSystem     Role = "system"     // RoleSystem: ticketkit itself or a host job.
	RoleAdmin      Role = "admin"      // RoleAdmin: a tenant's admin; staff who may also change the tenant's configuration.
)

// Roles returns every role.
func Roles() []Role { return []Role{RoleCustomer, RoleAgent, RoleSupervisor, RoleSystem, RoleAdmin} }

// Valid reports whether r is one of [Roles].
func (r Role) Valid() bool { return slices.Contains(Roles(), r) }

// Staff reports whether r is an agent, a supervisor, the system or an
// admin.
func (r Role) Staff() bool {
	return r == RoleAgent || r == RoleSupervisor || r == RoleSystem || r == RoleAdmin
}

// MessageKind says who wrote a message and who may read it.
type MessageKind string

// Kinds of messages in a ticket's thread.
const (
	MessageCustomer MessageKind = "customer" // MessageCustomer: written by the customer.
	MessageReply    MessageKind = "reply"    // MessageReply: an agent's answer, visible to the customer.
	MessageNote     MessageKind = "note"     // MessageNote: an internal note, never shown to the customer.
	MessageSystem   MessageKind = "system"   // MessageSystem: written by ticketkit, visible to the customer.
)

// MessageKinds returns every message kind.
func MessageKinds() []MessageKind {
	return []MessageKind{MessageCustomer, MessageReply, MessageNote, MessageSystem}
}

// Valid reports whether k is one of [MessageKinds].
func (k MessageKind) Valid() bool { return slices.Contains(MessageKinds(), k) }

// Internal reports whether messages of kind k are hidden from customers.
func (k MessageKind) Internal() bool { return k == MessageNote }

// StatusCategory groups configurable statuses into the five states that
// reports, SLA clocks and customers understand.
type StatusCategory string

// Status categories.
const (
	CategoryNew      StatusCategory = "new"      // CategoryNew: not yet looked at.
	CategoryOpen     StatusCategory = "open"     // CategoryOpen: being worked on.
	CategoryPending  StatusCategory = "pending"  // CategoryPending: waiting on the customer or a third party.
	CategoryResolved StatusCategory = "resolved" // CategoryResolved: answered; may still be reopened.
	CategoryClosed   StatusCategory = "closed"   // CategoryClosed: finished.
)

// StatusCategories returns every status category in lifecycle order.
func StatusCategories() []StatusCategory {
	return []StatusCategory{CategoryNew, CategoryOpen, CategoryPending, CategoryResolved, CategoryClosed}
}

// Valid reports whether c is one of [StatusCategories].
func (c StatusCategory) Valid() bool { return slices.Contains(StatusCategories(), c) }

// FieldType is the type of a custom field's value.
type FieldType string

// Custom field types. Values are kept as text in their canonical form.
const (
	FieldText   FieldType = "text"   // FieldText: any text.
	FieldNumber FieldType = "number" // FieldNumber: a decimal number such as "12.50".
	FieldBool   FieldType = "bool"   // FieldBool: "true" or "false".
	FieldDate   FieldType = "date"   // FieldDate: a calendar date, "2006-01-02".
	FieldChoice FieldType = "choice" // FieldChoice: one of the definition's choices.
)

// FieldTypes returns every custom field type.
func FieldTypes() []FieldType {
	return []FieldType{FieldText, FieldNumber, FieldBool, FieldDate, FieldChoice}
}

// Valid reports whether t is one of [FieldTypes].
func (t FieldType) Valid() bool { return slices.Contains(FieldTypes(), t) }
