package notify

import (
	"context"
	"strings"

	"github.com/ticketkit/ticketkit/ticket"
)

// Kinds of complaint events. The Desk emits them besides the ticket
// kinds a change of a complaint derives (a posting is also a
// KindStatusChanged), each with [Event].Complaint set.
const (
	// KindComplaintDecided: a complaint was decided (Desk.ComplaintDecide).
	KindComplaintDecided Kind = "complaint.decided"
	// KindComplaintPosted: a complaint was posted, its remedy carried out.
	KindComplaintPosted Kind = "complaint.posted"
	// KindComplaintReversed: a posted complaint was reversed
	// (Desk.ComplaintReverse).
	KindComplaintReversed Kind = "complaint.reversed"
	// KindComplaintActionAssigned: an action of a complaint's plan got a
	// new owner (ComplaintFacts.Action), including an action added with
	// one.
	KindComplaintActionAssigned Kind = "complaint.action_assigned"
	// KindComplaintActionOverdue: an open action of a complaint's plan
	// (ComplaintFacts.Action) passed its due date. The escalation sweep
	// (Desk.RunEscalations) sends it once per action and due date: a new
	// due date re-arms it, a done action never gets one.
	KindComplaintActionOverdue Kind = "complaint.action_overdue"
)

// ComplaintKinds returns the kinds of complaint events; [Kinds] lists
// them too.
func ComplaintKinds() []Kind {
	return []Kind{KindComplaintDecided, KindComplaintPosted, KindComplaintReversed, KindComplaintActionAssigned,
		KindComplaintActionOverdue}
}

// complaintKindPrefix is the prefix of complaint kinds; their template
// files are named with "complaint_" instead ("complaint_decided").
const complaintKindPrefix = "complaint."

// Audiences of complaint events. Events without Complaint facts reach
// none of them.
const (
	// AudienceActionOwner is the owner of the action a
	// [KindComplaintActionAssigned] or [KindComplaintActionOverdue] event
	// is about, looked up in the [Directory].
	AudienceActionOwner Audience = "action_owner"
	// AudienceSalesperson is the complaint's salesperson
	// (ComplaintFacts.Salesperson), looked up in the [Directory].
	AudienceSalesperson Audience = "salesperson"
	// AudienceSuperUser is the tenant's super users: the holders of
	// ticket.RoleSupervisor, listed by a Directory that implements
	// [RoleDirectory].
	AudienceSuperUser Audience = "super_user"
)

// ComplaintFacts is the complaint side of a complaint event: what its
// templates show and its audiences resolve, so that a notifier needs no
// database access.
type ComplaintFacts struct {
	// Salesperson is the host user ID of the complaint's salesperson.
	Salesperson string `json:"salesperson,omitempty"`
	// Justified and Remedy are the decision, once decided.
	Justified bool              `json:"justified,omitempty"`
	Remedy    ticket.RemedyKind `json:"remedy,omitempty"`
	// Document is the host document of the event: the remedy's (such as
	// the credit note) for a posting, the reversing entry for a
	// reversal; nil when there is none.
	Document *ticket.RemedyDocument `json:"document,omitempty"`
	// Reason is the reason of a reversal.
	Reason string `json:"reason,omitempty"`
	// Action is the action of a [KindComplaintActionAssigned] or
	// [KindComplaintActionOverdue] event.
	Action *ticket.Action `json:"action,omitempty"`
}

// complaintAudience resolves an audience of complaint events; ok is
// false for other audiences.
func (r *Resolver) complaintAudience(ctx context.Context, a Audience, e Event) (rs []Recipient, ok bool, err error) {
	f := e.Complaint
	switch a {
	case AudienceActionOwner:
		if f == nil || f.Action == nil {
			return nil, true, nil
		}
		rs, err = r.user(ctx, a, e.TenantID, f.Action.Owner)
	case AudienceSalesperson:
		if f == nil {
			return nil, true, nil
		}
		rs, err = r.user(ctx, a, e.TenantID, f.Salesperson)
	case AudienceSuperUser:
		rs, err = r.role(ctx, a, e.TenantID, string(ticket.RoleSupervisor))
	default:
		return nil, false, nil
	}
	return rs, true, err
}

// role lists the holders of role in a tenant as recipients of audience
// a, through a Directory that implements RoleDirectory; none otherwise.
func (r *Resolver) role(ctx context.Context, a Audience, tenantID, role string) ([]Recipient, error) {
	rd, ok := r.Directory.(RoleDirectory)
	if !ok {
		return nil, nil
	}
	rs, err := rd.Role(ctx, tenantID, role)
	for i := range rs {
		rs[i].Audience = a
		if rs[i].Locale == "" {
			rs[i].Locale = r.locale()
		}
	}
	return rs, err
}

// templateKind returns the kind of a template file's name: "assigned"
// is "ticket.assigned", "complaint_decided" is "complaint.decided".
func templateKind(name string) Kind {
	if rest, ok := strings.CutPrefix(name, "complaint_"); ok {
		return Kind(complaintKindPrefix + rest)
	}
	return Kind("ticket." + name)
}

// hideComplaintStaff removes from complaint facts written for the
// customer the staff user IDs and internal reasons (see TemplateData).
func (d *TemplateData) hideComplaintStaff() {
	f := d.Event.Complaint
	if f == nil {
		return
	}
	c := *f
	c.Salesperson, c.Reason = "", ""
	if c.Action != nil {
		a := *c.Action
		a.Owner = ""
		c.Action = &a
	}
	d.Event.Complaint = &c
}
