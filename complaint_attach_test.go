package ticketkit_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// withBlobs returns a desk over cd's store and clock with complaints and
// a memory blob store, and that blob store.
func withBlobs(t *testing.T, cd *complaintDesk) (*ticketkit.Desk, *blob.Memory) {
	t.Helper()
	blobs := blob.NewMemory(blob.Config{Clock: cd.clock})
	desk, err := ticketkit.New(ticketkit.Config{Store: cd.store, Clock: cd.clock, Blobs: blobs, Complaints: &ticketkit.ComplaintConfig{}})
	require.NoError(t, err)
	return desk, blobs
}

// file returns an attachment input named name whose content is its name.
func file(name string) ticketkit.AttachmentInput {
	return ticketkit.AttachmentInput{Name: name, ContentType: "application/octet-stream", Content: strings.NewReader("content of " + name)}
}

// readAttachment opens an attachment of a complaint as actor and returns
// its content.
func readAttachment(t *testing.T, desk *ticketkit.Desk, actor ticket.Actor, complaintID, id string) (string, error) {
	t.Helper()
	_, r, err := desk.ComplaintAttachmentOpen(t.Context(), actor, ticketkit.ComplaintAttachmentParams{ComplaintID: complaintID, AttachmentID: id})
	if err != nil {
		return "", err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	return string(b), nil
}

// TestDesk_ComplaintAttach attaches files to a complaint.
func TestDesk_ComplaintAttach(t *testing.T) {
	t.Parallel()

	t.Run("StoresTypedFilesThatOnlyTheRightPeopleOpen", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
			desk, blobs := withBlobs(t, cd)
			c := cd.open(t)

			first, err := desk.ComplaintAttach(ctx, agent, ticketkit.ComplaintAttachParams{
				ComplaintID: c.ID, Type: ticket.AttachPhoto, CustomerVisible: true, Files: []ticketkit.AttachmentInput{file("damage.jpg")},
			})
			require.NoError(t, err)
			require.Len(t, first.Details.Attachments, 1)
			got, err := desk.ComplaintAttach(ctx, agent, ticketkit.ComplaintAttachParams{
				ComplaintID: c.ID, Type: ticket.AttachLabReport, Files: []ticketkit.AttachmentInput{file("lab.pdf")},
			})
			require.NoError(t, err)
			require.Len(t, got.Details.Attachments, 2)
			photo, lab := got.Details.Attachments[0], got.Details.Attachments[1]
			require.Equal(t, ticket.AttachPhoto, photo.Type)
			require.True(t, photo.CustomerVisible)
			require.Equal(t, ticket.AttachLabReport, lab.Type)
			require.False(t, lab.CustomerVisible)
			require.Equal(t, agent.ID, lab.By)
			require.Equal(t, 2, blobs.Len())

			stored, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, got.Details.Attachments, stored.Details.Attachments, "stored as returned")
			require.Contains(t, historyFields(t, cd, c.ID), ticket.FieldAttachments)

			{ // Staff open every file.
				text, err := readAttachment(t, desk, agent, c.ID, lab.ID)
				require.NoError(t, err)
				require.Equal(t, "content of lab.pdf", text)
			}

			{ // Customers see and open only the files visible to them.
				mine, err := desk.ComplaintGet(ctx, customer, c.ID)
				require.NoError(t, err)
				require.Len(t, mine.Details.Attachments, 1)
				require.Equal(t, photo.ID, mine.Details.Attachments[0].ID)
				text, err := readAttachment(t, desk, customer, c.ID, photo.ID)
				require.NoError(t, err)
				require.Equal(t, "content of damage.jpg", text)
				_, err = readAttachment(t, desk, customer, c.ID, lab.ID)
				require.ErrorIs(t, err, ticketkit.ErrNotFound)
				stranger := customer
				stranger.CustomerID = "C-9"
				_, err = readAttachment(t, desk, stranger, c.ID, photo.ID)
				require.ErrorIs(t, err, ticketkit.ErrNotFound)
				_, err = desk.ComplaintAttach(ctx, customer, ticketkit.ComplaintAttachParams{ComplaintID: c.ID, Files: []ticketkit.AttachmentInput{file("x")}})
				require.ErrorIs(t, err, ticketkit.ErrForbidden)
			}

			{ // Reconciling the blob store keeps the document's files.
				cd.clock.Advance(48 * time.Hour)
				res, err := desk.ReconcileBlobs(ctx, ticketkit.ReconcileBlobsParams{Grace: time.Hour})
				require.NoError(t, err)
				require.Zero(t, res.Deleted)
				_, err = readAttachment(t, desk, agent, c.ID, photo.ID)
				require.NoError(t, err)
			}
		})
	})

	t.Run("FailuresLeaveNoContentBehind", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
			desk, blobs := withBlobs(t, cd)
			c := cd.open(t)

			_, err := desk.ComplaintAttach(ctx, agent, ticketkit.ComplaintAttachParams{ComplaintID: c.ID, Type: "selfie", Files: []ticketkit.AttachmentInput{file("a")}})
			var v *ticket.ValidationError
			require.ErrorAs(t, err, &v)
			require.Equal(t, []string{"type"}, fieldNames(v))
			_, err = desk.ComplaintAttach(ctx, agent, ticketkit.ComplaintAttachParams{ComplaintID: c.ID})
			require.ErrorAs(t, err, &v)

			// A failed change leaves no content behind.
			_, err = desk.ComplaintAttach(ctx, agent, ticketkit.ComplaintAttachParams{ComplaintID: "no-such-complaint", Files: []ticketkit.AttachmentInput{file("a")}})
			require.ErrorIs(t, err, ticketkit.ErrNotFound)
			require.Zero(t, blobs.Len())

			p := cd.toFulfilled(t, c)
			_, err = cd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: p.ID})
			require.NoError(t, err)
			_, err = desk.ComplaintAttach(ctx, agent, ticketkit.ComplaintAttachParams{ComplaintID: p.ID, Files: []ticketkit.AttachmentInput{file("late.jpg")}})
			require.ErrorIs(t, err, ticketkit.ErrPosted)
			require.Zero(t, blobs.Len())

			_, err = cd.desk.ComplaintAttach(ctx, agent, ticketkit.ComplaintAttachParams{ComplaintID: c.ID, Files: []ticketkit.AttachmentInput{file("a")}})
			require.ErrorIs(t, err, ticketkit.ErrNoBlobStore)
		})
	})
}

// TestDesk_ComplaintAttachmentRemove removes a complaint's attachment.
func TestDesk_ComplaintAttachmentRemove(t *testing.T) {
	t.Parallel()

	t.Run("DeletesTheContentOnlyAfterTheCommit", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
			desk, blobs := withBlobs(t, cd)
			c := cd.open(t)
			c, err := desk.ComplaintAttach(ctx, agent, ticketkit.ComplaintAttachParams{
				ComplaintID: c.ID, Type: ticket.AttachDeliveryNote, Files: []ticketkit.AttachmentInput{file("dn.pdf"), file("dn2.pdf")},
			})
			require.NoError(t, err)
			require.Equal(t, 2, blobs.Len())

			gone := c.Details.Attachments[0]
			c, err = desk.ComplaintAttachmentRemove(ctx, agent, ticketkit.ComplaintAttachmentParams{ComplaintID: c.ID, AttachmentID: gone.ID})
			require.NoError(t, err)
			require.Len(t, c.Details.Attachments, 1)
			require.Equal(t, 1, blobs.Len(), "the removed file's content is deleted after the commit")
			_, err = readAttachment(t, desk, agent, c.ID, gone.ID)
			require.ErrorIs(t, err, ticketkit.ErrNotFound)
			hist, err := desk.History(ctx, agent, c.ID)
			require.NoError(t, err)
			last := hist[len(hist)-1]
			require.Equal(t, ticket.FieldAttachments, last.Field)
			require.Contains(t, last.Old, "dn.pdf")
			require.NotContains(t, last.New, "dn.pdf")

			_, err = desk.ComplaintAttachmentRemove(ctx, agent, ticketkit.ComplaintAttachmentParams{ComplaintID: c.ID, AttachmentID: gone.ID})
			require.ErrorIs(t, err, ticketkit.ErrNotFound)

			// In the host's transaction, nothing is deleted: the host may
			// roll back, and the file must still open.
			rollback := errors.New("host rolls back")
			keep := c.Details.Attachments[0]
			err = cd.store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				_, err := desk.ComplaintAttachmentRemoveTx(ctx, tx, agent, ticketkit.ComplaintAttachmentParams{ComplaintID: c.ID, AttachmentID: keep.ID})
				require.NoError(t, err)
				return rollback
			})
			require.ErrorIs(t, err, rollback)
			text, err := readAttachment(t, desk, agent, c.ID, keep.ID)
			require.NoError(t, err)
			require.Equal(t, "content of dn2.pdf", text)
		})
	})
}
