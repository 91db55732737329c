package ticketkit_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// Environment of the helper process of TestReconcileBlobsAfterSIGKILL.
const (
	blobHelperDB  = "TICKETKIT_BLOB_HELPER_DB" // the SQLite file
	blobHelperDir = "TICKETKIT_BLOB_HELPER_DIR"
)

// blobWriters is how many goroutines of the helper process write
// messages with attachments at once.
const blobWriters = 4

// TestReconcileBlobsAfterSIGKILL kills, three times, a copy of this test
// binary that writes messages with attachments in a loop on a SQLite
// file and a blob.Dir, with SIGKILL: each kill leaves content stored for
// messages that never committed, and temporary files of uploads cut
// short. ReconcileBlobs then removes all of it, and every attachment a
// committed message names is still there, intact.
func TestReconcileBlobsAfterSIGKILL(t *testing.T) {
	ctx := context.Background()
	db := dbtest.SQLite(t)
	store, err := bunstore.New(db, bunstore.Config{})
	require.NoError(t, err)
	require.NoError(t, store.Migrate(ctx))
	dir := t.TempDir()

	for round := range 3 {
		killWriterMidway(t, dbtest.SQLiteFile(t, db), dir, round)
	}

	blobs, err := blob.NewDir(dir, blob.Config{})
	require.NoError(t, err)
	// The reconciler runs a minute after the helper died, with a grace
	// of a minute: every upload of the helper is old enough.
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Blobs: blobs, Clock: clock.NewFake(time.Now().Add(2 * time.Minute))})
	require.NoError(t, err)

	atts := committedAttachments(t, desk)
	stored := listKeys(t, blobs)
	temps, err := filepath.Glob(filepath.Join(dir, ".put-*.tmp"))
	require.NoError(t, err)
	orphans := 0
	for key := range stored {
		if _, ok := atts[key]; !ok {
			orphans++
		}
	}
	for key := range atts {
		require.Contains(t, stored, key, "committed attachment content exists")
	}
	t.Logf("%d committed attachments, %d orphans, %d temporary files", len(atts), orphans, len(temps))
	require.NotZero(t, orphans, "the kills left content of uncommitted messages")
	require.NotZero(t, len(temps), "the kills left temporary files")

	res, err := desk.ReconcileBlobs(ctx, ticketkit.ReconcileBlobsParams{Grace: time.Minute})
	require.NoError(t, err)
	require.Equal(t, orphans, res.Deleted)
	require.Equal(t, len(temps), res.TempRemoved)
	require.Zero(t, res.Failed)

	after := listKeys(t, blobs)
	require.Len(t, after, len(atts), "only committed attachments remain")
	for key, a := range atts {
		require.Contains(t, after, key)
		r, err := blobs.Open(ctx, key)
		require.NoError(t, err)
		h := sha256.New()
		n, err := io.Copy(h, r)
		require.NoError(t, err)
		require.NoError(t, r.Close())
		require.Equal(t, a.Size, n, a.Name)
		require.Equal(t, a.SHA256, hex.EncodeToString(h.Sum(nil)), a.Name)
	}
	temps, err = filepath.Glob(filepath.Join(dir, ".put-*.tmp"))
	require.NoError(t, err)
	require.Empty(t, temps)
}

// killWriterMidway starts the helper process, lets it commit a few
// messages and kills it with SIGKILL.
func killWriterMidway(t *testing.T, dbFile, dir string, round int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperBlobWriterProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), blobHelperDB+"="+dbFile, blobHelperDir+"="+dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	committed := make(chan struct{}, 1024)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == "committed" {
				committed <- struct{}{}
			}
		}
		close(committed)
	}()
	deadline := time.After(time.Minute)
	for n := 0; n < 3*blobWriters; {
		select {
		case _, ok := <-committed:
			if !ok {
				_ = cmd.Wait()
				t.Fatalf("round %d: the helper ended after %d messages:\n%s", round, n, stderr.String())
			}
			n++
		case <-deadline:
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("round %d: the helper committed %d messages in a minute:\n%s", round, n, stderr.String())
		}
	}
	require.NoError(t, cmd.Process.Kill()) // SIGKILL: no deferred function, no error path runs
	err = cmd.Wait()
	require.Error(t, err, "killed")
	require.Contains(t, err.Error(), "killed")
}

// TestHelperBlobWriterProcess is the body of the helper process of
// TestReconcileBlobsAfterSIGKILL: blobWriters goroutines open tickets
// with two attachments each, the second uploaded slowly, and print
// "committed" after each, until the process is killed (or a minute has
// passed). Run directly, it does nothing.
func TestHelperBlobWriterProcess(t *testing.T) {
	dbFile := os.Getenv(blobHelperDB)
	if dbFile == "" {
		return
	}
	db, err := dbtest.OpenSQLite(dbFile)
	require.NoError(t, err)
	store, err := bunstore.New(db, bunstore.Config{})
	require.NoError(t, err)
	blobs, err := blob.NewDir(os.Getenv(blobHelperDir), blob.Config{})
	require.NoError(t, err)
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Blobs: blobs})
	require.NoError(t, err)
	var mu sync.Mutex
	var wg sync.WaitGroup
	stop := time.Now().Add(time.Minute) // should the parent die before it kills us
	for w := range blobWriters {
		wg.Go(func() {
			for i := 0; time.Now().Before(stop); i++ {
				_, err := desk.Open(context.Background(), agent, ticketkit.OpenParams{
					Subject: fmt.Sprintf("writer %d message %d", w, i), Message: "Photos attached.",
					Attachments: []ticketkit.AttachmentInput{
						{Name: "photo.jpg", Content: strings.NewReader(strings.Repeat(fmt.Sprintf("w%d-%d ", w, i), 500))},
						{Name: "scan.pdf", Content: &slowReader{chunks: 8, pause: 25 * time.Millisecond}},
					},
				})
				if err != nil {
					fmt.Fprintln(os.Stderr, "open:", err)
					os.Exit(1)
				}
				mu.Lock()
				fmt.Println("committed")
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

// slowReader yields chunks of 1 KiB with a pause before each, as a slow
// client uploads.
type slowReader struct {
	chunks int
	pause  time.Duration
}

func (r *slowReader) Read(p []byte) (int, error) {
	if r.chunks == 0 {
		return 0, io.EOF
	}
	time.Sleep(r.pause)
	r.chunks--
	n := min(len(p), 1024)
	for i := range n {
		p[i] = byte('a' + i%26)
	}
	return n, nil
}

// committedAttachments returns the attachments of every stored message
// of the tenant, by key.
func committedAttachments(t *testing.T, desk *ticketkit.Desk) map[string]ticket.Attachment {
	t.Helper()
	out := map[string]ticket.Attachment{}
	p := ticketkit.MessageListParams{Limit: 500}
	for {
		page, err := desk.Messages(context.Background(), agent, p)
		require.NoError(t, err)
		for _, m := range page.Messages {
			for _, a := range m.Attachments {
				out[a.Key] = a
			}
		}
		if page.Next == "" {
			return out
		}
		p.After = page.Next
	}
}

// listKeys returns the keys a blob store lists.
func listKeys(t *testing.T, l blob.Lister) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for e, err := range l.List(context.Background()) {
		require.NoError(t, err)
		out[e.Key] = true
	}
	return out
}
