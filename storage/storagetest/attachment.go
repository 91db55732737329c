package storagetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// refStore returns a fresh store as an AttachmentRefChecker.
func (s suite) refStore(t *testing.T) (storage.Store, storage.AttachmentRefChecker) {
	t.Helper()
	st := s.store(t)
	return st, as[storage.AttachmentRefChecker](t, st)
}

// attachmentRef checks the optional AttachmentRefChecker; with
// complaints declared, the attachments of complaint documents must count
// as references.
func (s suite) attachmentRef(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, rc storage.AttachmentRefChecker, keys ...string) []string {
		t.Helper()
		got, err := rc.AttachmentRefCheck(ctx, storage.AttachmentRefCheckParams{Keys: keys})
		require.NoError(t, err)
		return got
	}
	// withAttachments stores a message on a new ticket of tenant holding
	// atts, and returns their keys.
	withAttachments := func(t *testing.T, st storage.Store, tenant string, atts []ticket.Attachment) []string {
		t.Helper()
		tk := newTicket(tenant)
		mustCreate(t, st, tk)
		m := newMessage(tk, ticket.MessageCustomer, time.Minute)
		m.Attachments = atts
		require.NoError(t, st.MessageCreate(ctx, m))
		keys := make([]string, len(atts))
		for i, a := range atts {
			keys[i] = a.Key
		}
		return keys
	}

	t.Run("KeysOfStoredMessagesOfEveryTenantAreReferenced", func(t *testing.T) {
		t.Parallel()
		st, rc := s.refStore(t)
		a := withAttachments(t, st, tenantA, attachments(2))
		b := withAttachments(t, st, tenantB, attachments(1))
		got := check(t, rc, a[0], "orphan-1", b[0], a[1], "orphan-2", "")
		require.ElementsMatch(t, []string{a[0], a[1], b[0]}, got)
	})
	t.Run("UnknownKeysAndNoKeysReferenceNothing", func(t *testing.T) {
		t.Parallel()
		st, rc := s.refStore(t)
		withAttachments(t, st, tenantA, attachments(1))
		require.Empty(t, check(t, rc, "orphan"))
		require.Empty(t, check(t, rc))
		require.Empty(t, check(t, rc, ""), "an empty key is never referenced")
	})
	t.Run("EachKeyIsReturnedOnce", func(t *testing.T) {
		t.Parallel()
		st, rc := s.refStore(t)
		atts := attachments(1)
		key := withAttachments(t, st, tenantA, []ticket.Attachment{atts[0], atts[0]})[0]
		withAttachments(t, st, tenantB, atts) // another message names it too
		require.Equal(t, []string{key}, check(t, rc, key, key))
	})
	t.Run("RolledBackMessageReferencesNothing", func(t *testing.T) {
		t.Parallel()
		st, rc := s.refStore(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		m := newMessage(tk, ticket.MessageCustomer, time.Minute)
		m.Attachments = attachments(1)
		boom := errors.New("boom")
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.MessageCreate(ctx, m); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		require.Empty(t, check(t, rc, m.Attachments[0].Key))
	})
	t.Run("MessageThatFailsReferencesNothing", func(t *testing.T) {
		t.Parallel()
		st, rc := s.refStore(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		m := newMessage(tk, ticket.MessageCustomer, time.Minute)
		require.NoError(t, st.MessageCreate(ctx, m))
		again := newMessage(tk, ticket.MessageCustomer, 2*time.Minute)
		again.ID = m.ID // taken: the message is refused, and its keys with it
		again.Attachments = attachments(1)
		require.ErrorIs(t, st.MessageCreate(ctx, again), storage.ErrConflict)
		require.Empty(t, check(t, rc, again.Attachments[0].Key))
	})
	t.Run("MaxLimitKeysInOneCall", func(t *testing.T) {
		t.Parallel()
		st, rc := s.refStore(t)
		key := withAttachments(t, st, tenantA, attachments(1))[0]
		keys := make([]string, storage.MaxLimit)
		for i := range keys {
			keys[i] = fmt.Sprintf("orphan-%d", i)
		}
		keys[storage.MaxLimit/2] = key
		require.Equal(t, []string{key}, check(t, rc, keys...))
	})
	t.Run("ComplaintAttachmentsAreReferenced", func(t *testing.T) {
		t.Parallel()
		if !s.declared.Complaints {
			t.Log("not run: Features does not declare storage.ComplaintStore")
			return
		}
		st, rc := s.refStore(t)
		plain := newComplaint(tenantA, 0, func(c *ticket.Complaint) { c.Details.Attachments = nil })
		c := newComplaint(tenantB, 0)
		c.Details.Attachments = append(c.Details.Attachments, ticket.ComplaintAttachment{Attachment: ticket.Attachment{ID: "a2", Name: "note.pdf", Key: "complaint-key-2"}, Type: ticket.AttachOther})
		mustCreateComplaint(t, st, plain, c)
		inMessage := withAttachments(t, st, tenantA, attachments(1))[0]
		got := check(t, rc, "complaint-key-2", "orphan", c.Details.Attachments[0].Key, inMessage)
		require.ElementsMatch(t, []string{c.Details.Attachments[0].Key, "complaint-key-2", inMessage}, got)
	})
}
