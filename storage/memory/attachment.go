package memory

import (
	"context"
	"fmt"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.AttachmentRefChecker = (*Store)(nil)

// AttachmentRefCheck returns the keys that an attachment of a stored
// message or complaint references, in any tenant.
func (s *Store) AttachmentRefCheck(ctx context.Context, params storage.AttachmentRefCheckParams) ([]string, error) {
	return read(s, func(x *tx) ([]string, error) { return x.AttachmentRefCheck(ctx, params) })
}

// AttachmentRefCheck returns the keys that an attachment of a stored
// message or complaint references, in any tenant: it reads every message
// and complaint once per call.
func (x *tx) AttachmentRefCheck(ctx context.Context, p storage.AttachmentRefCheckParams) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memory: check attachment references: %w", err)
	}
	if x.ended {
		return nil, fmt.Errorf("memory: check attachment references: %w", errEnded)
	}
	found := make(map[string]bool, len(p.Keys))
	for _, k := range p.Keys {
		if k != "" {
			found[k] = false
		}
	}
	var out []string
	mark := func(atts []ticket.Attachment) {
		for _, a := range atts {
			if seen, ok := found[a.Key]; ok && !seen {
				found[a.Key] = true
				out = append(out, a.Key)
			}
		}
	}
	for _, m := range x.db.messages {
		mark(m.Attachments)
	}
	for _, d := range x.db.complaints {
		for _, a := range d.Attachments {
			mark([]ticket.Attachment{a.Attachment})
		}
	}
	return out, nil
}
