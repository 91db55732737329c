package ticket

import (
	"maps"
	"slices"
	"time"
)

// Ticket is a help desk ticket or a customer complaint.
//
// Status, Priority, Category and Department hold codes from the [Catalog];
// the catalog turns them into labels. A Ticket value is plain data: the Desk
// validates it, the workflow decides what may happen to it and a store keeps
// it. Version is the optimistic-concurrency counter maintained by the store.
type Ticket struct {
	ID          string  `json:"id"`
	Number      string  `json:"number"`
	TenantID    string  `json:"tenant_id"`
	Subject     string  `json:"subject"`
	Description string  `json:"description,omitempty"`
	Status      string  `json:"status"`
	Priority    string  `json:"priority"`
	Category    string  `json:"category,omitempty"`
	Department  string  `json:"department,omitempty"`
	Channel     Channel `json:"channel,omitempty"`
	// Kind tells a plain ticket from the ticket of a complaint document.
	// Stores set it; see [Kind].
	Kind Kind `json:"kind,omitempty"`

	// Customer is the party the ticket is about.
	Customer Customer `json:"customer"`
	// Contacts are further people involved on the customer's side.
	Contacts []Contact `json:"contacts,omitempty" validate:"dive"`
	// References link the ticket to the host's own objects.
	References []Reference `json:"references,omitempty" validate:"dive"`

	// Assignee is a host user ID; ticketkit keeps no user table.
	Assignee string   `json:"assignee,omitempty"`
	Tags     []string `json:"tags,omitempty"`
	// Fields holds custom field values keyed by [FieldDef.Key]; each value
	// is the canonical text form of its field type (see [FieldType]).
	Fields map[string]string `json:"fields,omitempty"`
	// Actions is the ticket's checklist (action plan).
	Actions []Action `json:"actions,omitempty"`
	// Reason is a complaint reason code from the catalog.
	Reason string `json:"reason,omitempty"`
	// ClosureReason is the reason given when the ticket was last closed.
	ClosureReason string `json:"closure_reason,omitempty"`
	// FollowUpOf is the ID of the ticket this one follows up: a customer
	// wrote again about a ticket closed too long ago to reopen.
	FollowUpOf string `json:"follow_up_of,omitempty"`
	// MergedInto is the ID of the ticket this one was merged into (see
	// ticketkit's Desk.Merge); empty for a ticket that was not merged.
	// A merged ticket is closed, and its messages are the target's.
	MergedInto string `json:"merged_into,omitempty"`

	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	ClosedAt  time.Time `json:"closed_at,omitzero"`
	// SLA is the ticket's SLA bookkeeping: the policy that applies, its
	// clocks and due times, what has fired, and the response and
	// resolution metrics. The Desk maintains it; see [SLAState].
	SLA SLAState `json:"sla,omitzero"`
	// Version counts the stored revisions of the ticket, starting at 1.
	Version int64 `json:"version"`
	// SLAVersion counts the stored revisions of SLA, kept apart from
	// Version by the store: the escalation sweep stores a ticket's SLA
	// state alone, without changing the ticket or its Version, so that
	// an SLA warning firing never makes an agent's edit stale. It is 0
	// until a ticket's SLA state is first stored. Like Version, it must
	// be the value read when the ticket is stored again.
	SLAVersion int64 `json:"-"`
	// ConfigVersion is the version of its tenant's configuration the
	// ticket was last changed under (see ticketkit.TenantConfig); 0 is
	// the host's default configuration. The Desk sets it; stores keep
	// it.
	ConfigVersion int64 `json:"config_version,omitempty"`
	// SortKeys are the ticket's positions in its catalog's orders, for
	// sorting by priority, status and category in catalog order. The
	// Desk sets them; stores keep them. They are not part of the
	// ticket's JSON.
	SortKeys SortKeys `json:"-"`
}

// Customer is the person or organisation a ticket concerns.
type Customer struct {
	// ID is the host's own customer (account) ID.
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty" validate:"max=200,singleline"`
	// Email is matched case-insensitively.
	Email string `json:"email,omitempty" validate:"omitempty,email,max=254"`
	// Mobile is stored in E.164 form (+33612345678) once the Desk has
	// normalized it.
	Mobile string `json:"mobile,omitempty" validate:"max=32"`
	// OrganisationID is the host's ID of the organisation the customer
	// belongs to, if any (see ticketkit's Config.Organisations): the
	// tickets of its members may be shown to each other, and searches
	// and reports select by it.
	OrganisationID string `json:"organisation_id,omitempty" validate:"max=200,singleline"`
}

// Contact is a person on the customer's side, such as a buyer or a
// technician, with the role they play for this ticket.
type Contact struct {
	Name  string `json:"name" validate:"required,max=200,singleline"`
	Email string `json:"email,omitempty" validate:"omitempty,email,max=254"`
	Phone string `json:"phone,omitempty"`
	Role  string `json:"role,omitempty"`
}

// Reference links a ticket to an object the host owns, such as an order
// or a serial number.
type Reference struct {
	Kind  RefKind `json:"kind" validate:"required,refkind"`
	ID    string  `json:"id" validate:"required,max=200"`
	Label string  `json:"label,omitempty" validate:"max=200"`
}

// Action is one item of a ticket's checklist or complaint action plan.
type Action struct {
	ID     string    `json:"id"`
	Title  string    `json:"title"`
	Owner  string    `json:"owner,omitempty"`
	DueAt  time.Time `json:"due_at,omitzero"`
	Done   bool      `json:"done"`
	DoneAt time.Time `json:"done_at,omitzero"`
	Result string    `json:"result,omitempty"`
	// Type is the action's quality type on a complaint (containment,
	// corrective, preventive); empty for a plain action.
	Type ActionType `json:"type,omitempty"`
	// Effectiveness is the check of whether the done action worked;
	// zero until checked.
	Effectiveness EffectivenessCheck `json:"effectiveness,omitzero"`
}

// Reference returns the first reference of the given kind.
func (t *Ticket) Reference(kind RefKind) (Reference, bool) {
	for _, r := range t.References {
		if r.Kind == kind {
			return r, true
		}
	}
	return Reference{}, false
}

// OpenActions reports how many checklist actions are not done.
func (t *Ticket) OpenActions() int {
	n := 0
	for _, a := range t.Actions {
		if !a.Done {
			n++
		}
	}
	return n
}

// Clone returns a deep copy of t, so that the copy can be changed without
// touching t.
func (t *Ticket) Clone() *Ticket {
	if t == nil {
		return nil
	}
	c := *t
	c.Contacts = slices.Clone(t.Contacts)
	c.References = slices.Clone(t.References)
	c.Tags = slices.Clone(t.Tags)
	c.Fields = maps.Clone(t.Fields)
	c.Actions = slices.Clone(t.Actions)
	c.SLA = t.SLA.Clone()
	return &c
}
