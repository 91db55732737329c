package ticket

import (
	"slices"
	"time"
)

// WatcherKind tells the two kinds of people who follow a ticket without
// being its customer or assignee.
type WatcherKind string

// Watcher kinds.
const (
	// WatcherAgent: a staff user (Watcher.Key is the host's user ID)
	// who follows the ticket and gets the notifications the rules give
	// the watchers audience. Internal: customers never see them.
	WatcherAgent WatcherKind = "agent"
	// WatcherCC: an email address (Watcher.Key, lower-cased) copied on
	// the ticket, which gets the mails the customer gets and whose
	// replies thread in.
	WatcherCC WatcherKind = "cc"
)

// WatcherKinds returns every watcher kind, in the order above.
func WatcherKinds() []WatcherKind { return []WatcherKind{WatcherAgent, WatcherCC} }

// Valid reports whether k is one of [WatcherKinds].
func (k WatcherKind) Valid() bool { return slices.Contains(WatcherKinds(), k) }

// Watcher is one person following a ticket: an agent (by user ID) or a
// CC address.
type Watcher struct {
	TenantID string      `json:"tenant_id"`
	TicketID string      `json:"ticket_id"`
	Kind     WatcherKind `json:"kind"`
	// Key is the agent's user ID for WatcherAgent, the lower-cased email
	// address for WatcherCC.
	Key string `json:"key"`
	// CreatedBy is the ID of the actor who added the watcher.
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// History field names of watchers and CC addresses (see [Event]).
const (
	FieldWatcher = "watcher" // FieldWatcher: an agent started (New) or stopped (Old) following the ticket; the value is the user ID.
	FieldCC      = "cc"      // FieldCC: an address was copied on the ticket (New) or removed (Old).
)
