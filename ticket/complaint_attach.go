package ticket

import (
	"slices"
	"time"
)

// AttachmentType says what a file attached to a complaint document is.
type AttachmentType string

// Types of complaint attachments.
const (
	AttachPhoto        AttachmentType = "photo"         // AttachPhoto: a photo, such as of the damage.
	AttachDeliveryNote AttachmentType = "delivery_note" // AttachDeliveryNote: a delivery note.
	AttachLabReport    AttachmentType = "lab_report"    // AttachLabReport: a laboratory or test report.
	AttachOther        AttachmentType = "other"         // AttachOther: any other file.
)

// AttachmentTypes returns every attachment type.
func AttachmentTypes() []AttachmentType {
	return []AttachmentType{AttachPhoto, AttachDeliveryNote, AttachLabReport, AttachOther}
}

// Valid reports whether t is one of [AttachmentTypes].
func (t AttachmentType) Valid() bool { return slices.Contains(AttachmentTypes(), t) }

// ComplaintAttachment is a file attached to a complaint document itself
// rather than to a message of its thread: an [Attachment] (stored in the
// same blob store, with its key at the same place in the JSON, so blob
// reconciliation keeps it) with a type and a visibility.
type ComplaintAttachment struct {
	Attachment
	// Type is what the file is; empty on attachments stored before
	// types existed, which read as [AttachOther].
	Type AttachmentType `json:"type,omitempty"`
	// CustomerVisible lets the complaint's customer see and open the
	// file; without it the file is internal to the help desk.
	CustomerVisible bool `json:"customer_visible,omitempty"`
	// By is the host user ID of who attached the file, at At.
	By string    `json:"by,omitempty"`
	At time.Time `json:"at,omitzero"`
}

// visibilityText renders an attachment's visibility for history lines.
func visibilityText(visible bool) string {
	if visible {
		return "customer-visible"
	}
	return "internal"
}
