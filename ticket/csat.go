package ticket

import "time"

// Bounds of a satisfaction rating ([Rating.Score]).
const (
	// MinRatingScore is the lowest score a customer may give.
	MinRatingScore = 1
	// MaxRatingScore is the highest score a customer may give.
	MaxRatingScore = 5
	// MaxRatingComment is the longest comment of a rating, in bytes.
	MaxRatingComment = 4000
)

// FieldRating is the history field of a satisfaction rating: New holds
// the score ("1" to "5"); the comment is in the rating itself.
const FieldRating = "rating"

// Rating is a customer's answer to the satisfaction survey (CSAT) of a
// resolved ticket: at most one per ticket. AgentID, Department and
// Category are the ticket's assignee, department and category when it
// was rated, kept so that reports need no join.
type Rating struct {
	TenantID string `json:"tenant_id"`
	TicketID string `json:"ticket_id"`
	// Score is from [MinRatingScore] (very unsatisfied) to
	// [MaxRatingScore] (very satisfied).
	Score      int       `json:"score"`
	Comment    string    `json:"comment,omitempty"`
	CustomerID string    `json:"customer_id,omitempty"`
	AgentID    string    `json:"agent_id,omitempty"`
	Department string    `json:"department,omitempty"`
	Category   string    `json:"category,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}
