package notify

import "time"

// KindSurveyRequested: a ticket was resolved and its customer is asked
// to rate it (ticketkit's satisfaction surveys): Event.Survey carries
// the signed, single-use link. The default rules send it to the
// customer only.
const KindSurveyRequested Kind = "ticket.survey_requested"

// SurveyInvite is the satisfaction survey link of a
// [KindSurveyRequested] event.
type SurveyInvite struct {
	// URL is the host's survey page with the link's signed token in it.
	URL string `json:"url"`
	// ExpiresAt is when the link stops working.
	ExpiresAt time.Time `json:"expires_at"`
}
