package ticket

import (
	"slices"
	"time"
)

// LinkType says how two tickets are related. A [Link] points from one
// ticket (From) to another (To) and reads "From <type> To".
type LinkType string

// Link types. Parent and DuplicateOf form chains that may not loop: a
// ticket has at most one parent and is the duplicate of at most one
// ticket, and the Desk refuses a link that would close a cycle.
const (
	LinkParent      LinkType = "parent"       // LinkParent: To is the parent of From (From is a child of To).
	LinkRelated     LinkType = "related"      // LinkRelated: From and To are related; the link reads the same both ways.
	LinkDuplicateOf LinkType = "duplicate_of" // LinkDuplicateOf: From duplicates To.
	LinkCausedBy    LinkType = "caused_by"    // LinkCausedBy: From was caused by To.
	LinkSplitFrom   LinkType = "split_from"   // LinkSplitFrom: From was split off To (Desk.Split sets it; not set by hand).
)

// LinkTypes returns every link type, in the order above.
func LinkTypes() []LinkType {
	return []LinkType{LinkParent, LinkRelated, LinkDuplicateOf, LinkCausedBy, LinkSplitFrom}
}

// Valid reports whether t is one of [LinkTypes].
func (t LinkType) Valid() bool { return slices.Contains(LinkTypes(), t) }

// Chained reports whether links of type t form chains that may not loop
// and of which a ticket has at most one outgoing link (parent,
// duplicate of).
func (t LinkType) Chained() bool { return t == LinkParent || t == LinkDuplicateOf }

// Link relates two tickets of one tenant: "From <Type> To". Links are
// internal to the help desk: customers never see them.
type Link struct {
	TenantID string   `json:"tenant_id"`
	Type     LinkType `json:"type"`
	FromID   string   `json:"from_id"`
	// FromNumber and ToNumber are the tickets' numbers, kept with the
	// link (numbers never change) so that a list needs no look-up.
	FromNumber string    `json:"from_number"`
	ToID       string    `json:"to_id"`
	ToNumber   string    `json:"to_number"`
	CreatedBy  string    `json:"created_by,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// Other returns the ID and number of the ticket at the other end of l
// from the ticket id, and whether l points away from id (id is From).
func (l *Link) Other(id string) (otherID, otherNumber string, outgoing bool) {
	if l.FromID == id {
		return l.ToID, l.ToNumber, true
	}
	return l.FromID, l.FromNumber, false
}

// History field names of ticket relations (see [Event]).
const (
	FieldMergedInto = "merged_into" // FieldMergedInto: the ticket was merged into the ticket numbered New.
	FieldMerged     = "merged"      // FieldMerged: the ticket numbered New was merged into this one.
	FieldSplitFrom  = "split_from"  // FieldSplitFrom: the ticket was split off the ticket numbered New.
	FieldSplit      = "split"       // FieldSplit: messages were split off into the ticket numbered New.
	FieldLink       = "link"        // FieldLink: a link was added (New) or removed (Old), as "<type> <number>" read from this ticket.
)
