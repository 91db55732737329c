package notify

import (
	"context"
	"slices"
	"strings"
)

// KindRuleNotified: an automation rule's notify action fired
// (ticketkit's ActionNotify of an event or time rule): Event.Rule names
// the rule and carries the text its template rendered and whom it
// tells. The default rules send it to [AudienceRule] only.
const KindRuleNotified Kind = "ticket.rule_notified"

// AudienceRule is whom an automation rule's notify action names
// (Event.Rule.Audience): the ticket audiences "customer", "contacts",
// "department", "assignee", "owner" and "watchers" as those audiences;
// "user:<id>" entries through the [Directory]; any other name as a role
// through a Directory that also implements [RoleDirectory].
const AudienceRule Audience = "rule"

// RuleNotice is the automation rule of a [KindRuleNotified] event.
type RuleNotice struct {
	// ID is the rule's ID; Name its description, if it has one.
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Time says that a time rule fired, rather than an event rule.
	Time bool `json:"time,omitempty"`
	// Text is what the action's template rendered.
	Text string `json:"text"`
	// Audience is whom the action tells (see [AudienceRule]).
	Audience []string `json:"audience,omitempty"`
}

// ruleTicketAudiences are the audiences a rule's Audience entries may
// name directly.
var ruleTicketAudiences = []Audience{AudienceCustomer, AudienceContacts, AudienceDepartment, AudienceAssignee, AudienceOwner, AudienceWatchers}

// rule resolves the Audience list of e's rule.
func (r *Resolver) rule(ctx context.Context, e Event) ([]Recipient, error) {
	if e.Rule == nil {
		return nil, nil
	}
	var out []Recipient
	for _, target := range e.Rule.Audience {
		var rs []Recipient
		var err error
		if a := Audience(target); slices.Contains(ruleTicketAudiences, a) {
			rs, err = r.audience(ctx, a, e)
		} else if userID, ok := strings.CutPrefix(target, "user:"); ok {
			rs, err = r.user(ctx, AudienceRule, e.TenantID, userID)
		} else if r.Directory != nil {
			rs, err = r.role(ctx, AudienceRule, e.TenantID, target)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}
