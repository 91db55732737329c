package ticket

import "time"

// RuleTimer is one episode of a time rule on a ticket: the ticket entered
// the rule's state at Since, the rule comes due at Due, and Fired says
// that it fired (or was passed over) in this episode. When the ticket
// leaves the state the episode ends and the timer is dropped; entering
// the state again starts a new episode, in which the rule may fire once
// more.
type RuleTimer struct {
	Rule  string    `json:"rule"`
	Since time.Time `json:"since"`
	Due   time.Time `json:"due"`
	Fired bool      `json:"fired,omitempty"`
}

// FieldTimeRule is the history field of the line a time rule writes when
// it fires: New names the rule.
const FieldTimeRule = "automation.time_rule"
