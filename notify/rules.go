package notify

import (
	"context"
	"maps"
	"slices"

	"github.com/ticketkit/ticketkit/ticket"
)

// Audience is a group of people an event can be sent to. [Rules] list
// the audiences of each event kind; a [Resolver] turns them into
// [Recipient] values.
type Audience string

// Audiences an event can reach.
const (
	// AudienceCustomer is the ticket's customer, at Ticket.Customer.Email.
	AudienceCustomer Audience = "customer"
	// AudienceDepartment is the ticket's department, at the Email of its
	// catalog entry.
	AudienceDepartment Audience = "department"
	// AudienceAssignee is the ticket's assignee, looked up in the
	// [Directory].
	AudienceAssignee Audience = "assignee"
	// AudienceOwner is whoever owns the ticket: the assignee, or the
	// department while the ticket is unassigned.
	AudienceOwner Audience = "owner"
	// AudienceWatchers is the agents following the ticket
	// (Event.Watchers, ticketkit's Desk.Watch), looked up in the
	// [Directory].
	AudienceWatchers Audience = "watchers"
	// AudienceEscalation is whom an escalation level names in its Notify
	// list (Event.Escalation): "user:<id>" entries through the
	// [Directory], role names through a Directory that also implements
	// [RoleDirectory].
	AudienceEscalation Audience = "escalation"
	// AudiencePreviousDepartment is the department a [KindRouted] event
	// took the ticket from (Event.From), at the Email of its catalog
	// entry. No default rule names it: add it to tell a department that
	// a ticket left it, as [Rules.TellPreviousDepartment] does.
	AudiencePreviousDepartment Audience = "previous_department"
	// AudienceContacts is the ticket's contacts that have an email
	// address (Ticket.Contacts), copied on a message only when its author
	// chose so (Event.CopyContacts); never on an internal note. They read
	// what the customer reads.
	AudienceContacts Audience = "contacts"
)

// RoleDirectory is implemented by a [Directory] that can also list the
// users holding a role in a tenant, such as its supervisors, for
// escalation levels that notify roles.
type RoleDirectory interface {
	Role(ctx context.Context, tenantID, role string) ([]Recipient, error)
}

// Audiences returns every audience.
func Audiences() []Audience {
	return []Audience{AudienceCustomer, AudienceDepartment, AudienceAssignee, AudienceOwner, AudienceWatchers, AudienceEscalation,
		AudienceActionOwner, AudienceSalesperson, AudienceSuperUser, AudiencePreviousDepartment,
		AudienceContacts, AudienceRule}
}

// Valid reports whether a is one of [Audiences].
func (a Audience) Valid() bool { return slices.Contains(Audiences(), a) }

// Recipient is one person or mailbox an event is sent to.
type Recipient struct {
	// Audience is why the recipient gets the event.
	Audience Audience `json:"audience"`
	// Address is an email address.
	Address string `json:"address"`
	// Name is the display name, if known.
	Name string `json:"name,omitempty"`
	// UserID is the host's user ID for staff recipients; empty for the
	// customer and for department mailboxes.
	UserID string `json:"user_id,omitempty"`
	// Locale is the BCP 47 locale messages to the recipient are written
	// in, such as "fr-CA".
	Locale string `json:"locale,omitempty"`
}

// Rules map each event kind to the audiences that receive it. A kind
// that is missing, or maps to no audience, notifies no one.
//
// Events of [KindMessageAdded] are first looked up under
// [MessageRule] of their message's kind, and under KindMessageAdded
// only when that key is missing, so that customer messages, agent
// replies, internal notes and system messages can reach different
// people. Whatever the rules say, internal notes never reach the
// customer.
type Rules map[Kind][]Audience

// MessageRule returns the key under which [Rules] list the audiences of
// a [KindMessageAdded] event whose message is of kind k, such as
// "ticket.message_added/note".
func MessageRule(k ticket.MessageKind) Kind {
	return KindMessageAdded + "/" + Kind(k)
}

// DefaultRules returns the rules a [Resolver] uses unless told
// otherwise:
//
//   - opened: the customer and the department;
//   - a customer message: the owner (the assignee, or the department
//     while the ticket is unassigned) and the watchers;
//   - an agent reply: the customer, the ticket's contacts when the
//     agent copies them (Event.CopyContacts), and the watchers;
//   - a system message: the customer;
//   - an internal note: the owner and the watchers, never the customer;
//   - status changed: the customer and the watchers;
//   - closed: the customer and the watchers;
//   - assigned: the (new) assignee;
//   - routed (the department changed, by Desk.Assign, a transition's
//     or an escalation level's effect): the receiving department; the
//     previous one too after [Rules.TellPreviousDepartment];
//   - escalated: whom the level names, and the department;
//   - SLA warning and SLA breached: the owner;
//   - merged: the customer (one event per customer and merge);
//   - complaint decided: the owner (the employee in charge) and the
//     salesperson (the customer hears of the decision through the reply
//     on the complaint's thread);
//   - complaint posted: the owner and the salesperson;
//   - complaint reversed: the owner, the salesperson and the super
//     users;
//   - complaint action assigned: the action's owner;
//   - complaint action overdue: the action's owner and the super users;
//   - survey requested: the customer;
//   - rule notified: whom the rule's notify action names (AudienceRule).
//
// Each call returns a new map the caller may change.
func DefaultRules() Rules {
	return Rules{
		KindOpened:                          {AudienceCustomer, AudienceDepartment},
		MessageRule(ticket.MessageCustomer): {AudienceOwner, AudienceWatchers},
		MessageRule(ticket.MessageReply):    {AudienceCustomer, AudienceContacts, AudienceWatchers},
		MessageRule(ticket.MessageSystem):   {AudienceCustomer},
		MessageRule(ticket.MessageNote):     {AudienceOwner, AudienceWatchers},
		KindStatusChanged:                   {AudienceCustomer, AudienceWatchers},
		KindClosed:                          {AudienceCustomer, AudienceWatchers},
		KindAssigned:                        {AudienceAssignee},
		KindRouted:                          {AudienceDepartment},
		KindEscalated:                       {AudienceEscalation, AudienceDepartment},
		KindSLAWarning:                      {AudienceOwner},
		KindSLABreached:                     {AudienceOwner},
		KindMerged:                          {AudienceCustomer},
		KindComplaintDecided:                {AudienceOwner, AudienceSalesperson},
		KindComplaintPosted:                 {AudienceOwner, AudienceSalesperson},
		KindComplaintReversed:               {AudienceOwner, AudienceSalesperson, AudienceSuperUser},
		KindComplaintActionAssigned:         {AudienceActionOwner},
		KindComplaintActionOverdue:          {AudienceActionOwner, AudienceSuperUser},
		KindSurveyRequested:                 {AudienceCustomer},
		KindRuleNotified:                    {AudienceRule},
	}
}

// Clone returns a deep copy of r.
func (r Rules) Clone() Rules {
	if r == nil {
		return nil
	}
	c := maps.Clone(r)
	for k, v := range c {
		c[k] = slices.Clone(v)
	}
	return c
}

// Without returns a copy of r in which no kind reaches any of the given
// audiences, such as DefaultRules().Without(AudienceCustomer) for a
// tenant that writes to its customers itself.
func (r Rules) Without(audiences ...Audience) Rules {
	c := r.Clone()
	for k, v := range c {
		c[k] = slices.DeleteFunc(v, func(a Audience) bool { return slices.Contains(audiences, a) })
	}
	return c
}

// TellPreviousDepartment returns a copy of r in which a [KindRouted]
// event also reaches the department the ticket left
// ([AudiencePreviousDepartment]).
func (r Rules) TellPreviousDepartment() Rules {
	c := r.Clone()
	if c == nil {
		c = Rules{}
	}
	if !slices.Contains(c[KindRouted], AudiencePreviousDepartment) {
		c[KindRouted] = append(c[KindRouted], AudiencePreviousDepartment)
	}
	return c
}

// For returns the audiences of e: for message events the entry of its
// message kind (see [MessageRule]) if r has one, otherwise the entry of
// e.Kind.
func (r Rules) For(e Event) []Audience {
	if e.Kind == KindMessageAdded && e.Message != nil {
		if a, ok := r[MessageRule(e.Message.Kind)]; ok {
			return a
		}
	}
	return r[e.Kind]
}
