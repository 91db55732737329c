// Package ids makes the identifiers of ticketkit's rows.
package ids

import "github.com/google/uuid"

// New returns a new time-ordered UUID (version 7) in its text form, so
// that IDs sort roughly by creation time and index well.
func New() string {
	return uuid.Must(uuid.NewV7()).String()
}
