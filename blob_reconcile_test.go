package ticketkit_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestDesk_ReconcileBlobs stores attachments through the Desk and
// orphans behind its back (content stored, message never committed, as
// when a process dies in between), then reconciles: only old orphans go.
func TestDesk_ReconcileBlobs(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			clk := clock.NewFake(t0)
			blobs := blob.NewMemory(blob.Config{Clock: clk})
			desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), Clock: clk, Blobs: blobs})
			require.NoError(t, err)
			files := func(names ...string) []ticketkit.AttachmentInput {
				out := make([]ticketkit.AttachmentInput, len(names))
				for i, n := range names {
					out[i] = ticketkit.AttachmentInput{Name: n, Content: strings.NewReader("content of " + n)}
				}
				return out
			}
			orphan := func(n int) {
				for i := range n {
					_, err := blobs.Put(ctx, strings.NewReader(fmt.Sprintf("orphan %d", i)), 0)
					require.NoError(t, err)
				}
			}

			tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Kettle", Message: "Photos.", Attachments: files("a.jpg", "b.jpg")})
			require.NoError(t, err)
			const orphans = 2*storage.MaxLimit + 7 // three batches of reference checks
			orphan(orphans)
			clk.Advance(30 * time.Minute)
			_, err = desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "Invoice.", Attachments: files("c.pdf")})
			require.NoError(t, err)
			clk.Advance(30 * time.Minute)
			orphan(1) // an upload whose message may still commit
			require.Equal(t, 3+orphans+1, blobs.Len())

			clk.Advance(30 * time.Minute) // the old orphans are 90 min old, the new one 30
			res, err := desk.ReconcileBlobs(ctx, ticketkit.ReconcileBlobsParams{Grace: time.Hour})
			require.NoError(t, err)
			require.Equal(t, ticketkit.ReconcileBlobsResult{
				Listed: 3 + orphans + 1, Checked: 2 + orphans, Deleted: orphans, // c.pdf is exactly one hour old
				DeletedBytes: res.DeletedBytes,
			}, res)
			require.Greater(t, res.DeletedBytes, int64(orphans*len("orphan 0")-1))
			require.Equal(t, 4, blobs.Len(), "the three attachments and the recent upload")
			requireAttachmentsReadable(t, desk, tk.ID, 3)

			again, err := desk.ReconcileBlobs(ctx, ticketkit.ReconcileBlobsParams{Grace: time.Hour})
			require.NoError(t, err)
			require.Zero(t, again.Deleted, "a second run finds nothing")

			clk.Advance(time.Hour)
			res, err = desk.ReconcileBlobs(ctx, ticketkit.ReconcileBlobsParams{})
			require.NoError(t, err)
			require.Zero(t, res.Deleted, "the default grace is a day")
			clk.Advance(ticketkit.DefaultReconcileGrace)
			res, err = desk.ReconcileBlobs(ctx, ticketkit.ReconcileBlobsParams{})
			require.NoError(t, err)
			require.Equal(t, 1, res.Deleted, "the recent upload, once older than the grace")
			requireAttachmentsReadable(t, desk, tk.ID, 3)
		})
	}
}

// requireAttachmentsReadable checks that the ticket's messages carry n
// attachments in all and that the content of each can be read.
func requireAttachmentsReadable(t *testing.T, desk *ticketkit.Desk, ticketID string, n int) {
	t.Helper()
	ctx := context.Background()
	page, err := desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: ticketID})
	require.NoError(t, err)
	seen := 0
	for _, m := range page.Messages {
		for _, a := range m.Attachments {
			_, r, err := desk.OpenAttachment(ctx, agent, ticketID, a.ID)
			require.NoError(t, err, a.Name)
			data, err := io.ReadAll(r)
			require.NoError(t, err)
			require.NoError(t, r.Close())
			require.Equal(t, "content of "+a.Name, string(data))
			seen++
		}
	}
	require.Equal(t, n, seen)
}

func TestDesk_ReconcileBlobsRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	type plainBlobs struct{ blob.Store }    // hides blob.Lister
	type plainStore struct{ storage.Store } // hides storage.AttachmentRefChecker
	tests := []struct {
		name  string
		cfg   ticketkit.Config
		grace time.Duration
		check func(t *testing.T, err error)
	}{
		{"NoBlobStore", ticketkit.Config{Store: memory.New()}, 0,
			func(t *testing.T, err error) { require.ErrorIs(t, err, ticketkit.ErrNoBlobStore) }},
		{"BlobStoreWithoutLister", ticketkit.Config{Store: memory.New(), Blobs: plainBlobs{blob.NewMemory(blob.Config{})}}, 0,
			func(t *testing.T, err error) {
				require.ErrorIs(t, err, ticketkit.ErrReconcileUnsupported)
				require.ErrorContains(t, err, "blob.Lister")
			}},
		{"StoreWithoutRefChecker", ticketkit.Config{Store: plainStore{memory.New()}, Blobs: blob.NewMemory(blob.Config{})}, 0,
			func(t *testing.T, err error) {
				require.ErrorIs(t, err, ticketkit.ErrReconcileUnsupported)
				require.ErrorContains(t, err, "storage.AttachmentRefChecker")
			}},
		{"NegativeGrace", ticketkit.Config{Store: memory.New(), Blobs: blob.NewMemory(blob.Config{})}, -time.Second,
			func(t *testing.T, err error) {
				var v *ticket.ValidationError
				require.ErrorAs(t, err, &v)
				require.Equal(t, "grace", v.Fields[0].Field)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			desk, err := ticketkit.New(tt.cfg)
			require.NoError(t, err)
			res, err := desk.ReconcileBlobs(ctx, ticketkit.ReconcileBlobsParams{Grace: tt.grace})
			tt.check(t, err)
			require.Zero(t, res)
		})
	}
}
