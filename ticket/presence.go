package ticket

import "time"

// PresenceActivity is what a staff user present on a ticket is doing.
type PresenceActivity string

// The presence activities.
const (
	// PresenceViewing: the user has the ticket open.
	PresenceViewing PresenceActivity = "viewing"
	// PresenceReplying: the user is writing a reply or a note.
	PresenceReplying PresenceActivity = "replying"
)

// PresenceActivities returns every presence activity.
func PresenceActivities() []PresenceActivity {
	return []PresenceActivity{PresenceViewing, PresenceReplying}
}

// Presence is a short lease a staff user holds on a ticket while viewing
// it or replying to it, so that other staff see the collision coming. A
// lease ends by itself at ExpiresAt unless its holder renews it.
type Presence struct {
	TenantID string           `json:"-"`
	TicketID string           `json:"ticket_id"`
	UserID   string           `json:"user_id"`
	Activity PresenceActivity `json:"activity"`
	// Since is when the user's current stay on the ticket began (a renewal
	// keeps it), ExpiresAt when the lease ends unless renewed; both UTC.
	Since     time.Time `json:"since"`
	ExpiresAt time.Time `json:"expires_at"`
}
