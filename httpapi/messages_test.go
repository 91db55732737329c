package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/notify"
)

type messagePage struct {
	Messages   []apiMessage `json:"messages"`
	NextCursor string       `json:"next_cursor"`
}

func TestMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tk := e.open(ada, map[string]any{"subject": "Where is my order?"})
	path := "/tickets/" + tk.ID + "/messages"

	steps := []struct {
		name string
		as   actorT
		body map[string]any
		kind string // the stored kind
	}{
		{"CustomerWrites", ada, map[string]any{"body": "It has been two weeks."}, "customer"},
		{"AgentNotes", agent, map[string]any{"kind": "note", "body": "Carrier lost it; do not tell yet."}, "note"},
		{"AgentReplies", agent, map[string]any{"kind": "reply", "body": "We are on it.", "type": "question"}, "reply"},
	}
	for _, s := range steps {
		w := e.send(s.as, http.MethodPost, path, s.body)
		require.Equal(t, http.StatusCreated, w.Code, s.name+": "+w.Body.String())
		m := decode[apiMessage](t, w)
		require.Equal(t, s.kind, m.Kind, s.name)
		require.NotEmpty(t, m.ID)
	}
	require.Len(t, e.rec.OfKind(notify.KindMessageAdded), 3)

	t.Run("AgentSeesTheWholeThread", func(t *testing.T) {
		t.Parallel()
		w := e.get(agent, path)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		page := decode[messagePage](t, w)
		require.Len(t, page.Messages, 3)
		require.Equal(t, []string{"customer", "note", "reply"}, kinds(page.Messages))
	})

	t.Run("InternalNotesAreInvisibleToCustomers", func(t *testing.T) {
		t.Parallel()
		for _, q := range []string{"", "?kind=note", "?kind=note,reply"} {
			w := e.get(ada, path+q)
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			require.NotContains(t, w.Body.String(), "Carrier lost it", q)
			for _, m := range decode[messagePage](t, w).Messages {
				require.NotEqual(t, "note", m.Kind, q)
			}
		}
	})

	t.Run("CustomerMayNotWriteNotes", func(t *testing.T) {
		t.Parallel()
		requireError(t, e.send(ada, http.MethodPost, path, map[string]any{"kind": "note", "body": "psst"}), http.StatusForbidden, "forbidden")
	})

	t.Run("OtherCustomerGetsNotFound", func(t *testing.T) {
		t.Parallel()
		requireError(t, e.get(bob, path), http.StatusNotFound, "not_found")
		requireError(t, e.send(bob, http.MethodPost, path, map[string]any{"body": "hi"}), http.StatusNotFound, "not_found")
	})

	t.Run("BadInput", func(t *testing.T) {
		t.Parallel()
		bad := requireError(t, e.send(agent, http.MethodPost, path, map[string]any{"kind": "shout", "body": "x"}), http.StatusBadRequest, "validation_failed")
		require.Equal(t, []string{"kind"}, bad.fieldNames())
		bad = requireError(t, e.send(agent, http.MethodPost, path, map[string]any{"body": ""}), http.StatusBadRequest, "validation_failed")
		require.Equal(t, []string{"body"}, bad.fieldNames())
		bad = requireError(t, e.get(agent, path+"?kind=shout&cursor=zzz"), http.StatusBadRequest, "validation_failed")
		require.Equal(t, []string{"kind[0]"}, bad.fieldNames())
		bad = requireError(t, e.get(agent, path+"?cursor=zzz"), http.StatusBadRequest, "validation_failed")
		require.Equal(t, []string{"cursor"}, bad.fieldNames())
	})

	t.Run("Paging", func(t *testing.T) {
		t.Parallel()
		w := e.get(agent, path+"?limit=2")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		first := decode[messagePage](t, w)
		require.Len(t, first.Messages, 2)
		require.NotEmpty(t, first.NextCursor)
		w = e.get(agent, path+"?limit=2&cursor="+first.NextCursor)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		second := decode[messagePage](t, w)
		require.Equal(t, []string{"reply"}, kinds(second.Messages))
		require.Empty(t, second.NextCursor)
	})
}

func kinds(ms []apiMessage) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Kind)
	}
	return out
}

func TestAttachments(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tk := e.open(ada, map[string]any{"subject": "Broken blender"})
	path := "/tickets/" + tk.ID + "/messages"
	photo := bytes.Repeat([]byte{0xff, 0xd8, 0x01}, 4000)
	receipt := []byte("<html><script>alert(1)</script></html>")

	body, ct := multipartBody(t, map[string]string{"body": "Photo and receipt attached."},
		file{name: "jar.jpg", contentType: "image/jpeg", content: photo},
		file{name: "reçu été.html", contentType: "text/html; charset=utf-8", content: receipt},
	)
	w := e.do(request{as: &ada, method: http.MethodPost, path: path, body: body, contentType: ct})
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	msg := decode[apiMessage](t, w)
	require.Equal(t, "customer", msg.Kind)
	require.Len(t, msg.Attachments, 2)
	require.Equal(t, "jar.jpg", msg.Attachments[0].Name)
	require.Equal(t, int64(len(photo)), msg.Attachments[0].Size)
	require.Empty(t, msg.Attachments[0].Key, "blob keys stay inside")
	require.NotContains(t, w.Body.String(), `"key"`)

	// A note with a file customers must not reach.
	body, ct = multipartBody(t, map[string]string{"kind": "note", "body": "supplier invoice"},
		file{name: "invoice.pdf", contentType: "application/pdf", content: []byte("%PDF-1.7")})
	w = e.do(request{as: &agent, method: http.MethodPost, path: path, body: body, contentType: ct})
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	note := decode[apiMessage](t, w)

	url := func(m apiMessage, i int) string {
		return path + "/" + m.ID + "/attachments/" + m.Attachments[i].ID
	}
	t.Run("DownloadRoundTrip", func(t *testing.T) {
		t.Parallel()
		for i, want := range [][]byte{photo, receipt} {
			for _, as := range []actorT{ada, agent} {
				w := e.get(as, url(msg, i))
				require.Equal(t, http.StatusOK, w.Code, w.Body.String())
				require.Equal(t, want, w.Body.Bytes())
				sum := sha256.Sum256(want)
				require.Equal(t, hex.EncodeToString(sum[:]), msg.Attachments[i].SHA256)
				require.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
				require.True(t, strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment;"), w.Header().Get("Content-Disposition"))
				require.Contains(t, w.Header().Get("Content-Security-Policy"), "sandbox")
			}
		}
		w := e.get(ada, url(msg, 0))
		require.Equal(t, "image/jpeg", w.Header().Get("Content-Type"))
		require.Equal(t, `attachment; filename=jar.jpg`, w.Header().Get("Content-Disposition"))
		w = e.get(ada, url(msg, 1))
		require.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"))
		require.Equal(t, `attachment; filename*=utf-8''re%C3%A7u%20%C3%A9t%C3%A9.html`, w.Header().Get("Content-Disposition"))
	})

	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		for name, tc := range map[string]struct {
			as   actorT
			path string
		}{
			"OtherCustomer":        {bob, url(msg, 0)},
			"OtherTenant":          {outsider, url(msg, 0)},
			"CustomerOnANote":      {ada, url(note, 0)},
			"WrongMessage":         {agent, path + "/" + note.ID + "/attachments/" + msg.Attachments[0].ID},
			"UnknownAttachment":    {agent, path + "/" + msg.ID + "/attachments/nope"},
			"UnknownTicketMessage": {agent, "/tickets/nope/messages/" + msg.ID + "/attachments/" + msg.Attachments[0].ID},
		} {
			w := e.get(tc.as, tc.path)
			requireError(t, w, http.StatusNotFound, "not_found")
			require.NotEqual(t, photo, w.Body.Bytes(), name)
		}
		w := e.get(agent, url(note, 0))
		require.Equal(t, http.StatusOK, w.Code, "staff read notes' files")
	})

	t.Run("FormRejectsUnknownFields", func(t *testing.T) {
		t.Parallel()
		body, ct := multipartBody(t, map[string]string{"body": "x", "author": "ceo"})
		w := e.do(request{as: &ada, method: http.MethodPost, path: path, body: body, contentType: ct})
		bad := requireError(t, w, http.StatusBadRequest, "validation_failed")
		require.Equal(t, []string{"author"}, bad.fieldNames())
	})
}

func TestUploadLimits(t *testing.T) {
	t.Parallel()

	t.Run("WholeUploadOverMaxUploadSize", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, func(o *options) { o.api.MaxUploadSize = 64 << 10 })
		tk := e.open(ada, map[string]any{"subject": "Big files"})
		body, ct := multipartBody(t, map[string]string{"body": "two big ones"},
			file{name: "a.bin", contentType: "application/octet-stream", content: make([]byte, 40<<10)},
			file{name: "b.bin", contentType: "application/octet-stream", content: make([]byte, 40<<10)})
		w := e.do(request{as: &ada, method: http.MethodPost, path: "/tickets/" + tk.ID + "/messages", body: body, contentType: ct})
		requireError(t, w, http.StatusRequestEntityTooLarge, "too_large")
		require.Zero(t, e.blobs.Len(), "nothing is kept")
	})

	t.Run("OneFileOverTheDesksLimit", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, func(o *options) { o.maxAttachment = 1 << 10 })
		tk := e.open(ada, map[string]any{"subject": "Big file"})
		body, ct := multipartBody(t, map[string]string{"body": "one small, one big"},
			file{name: "small.txt", contentType: "text/plain", content: []byte("ok")},
			file{name: "big.bin", contentType: "application/octet-stream", content: make([]byte, 2<<10)})
		w := e.do(request{as: &ada, method: http.MethodPost, path: "/tickets/" + tk.ID + "/messages", body: body, contentType: ct})
		bad := requireError(t, w, http.StatusRequestEntityTooLarge, "too_large")
		require.Equal(t, []string{"attachments[1].content"}, bad.fieldNames())
		require.Zero(t, e.blobs.Len(), "the small file is deleted again")
	})

	t.Run("NoBlobStore", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, func(o *options) { o.noBlobs = true })
		tk := e.open(ada, map[string]any{"subject": "Files"})
		body, ct := multipartBody(t, map[string]string{"body": "x"}, file{name: "a.txt", contentType: "text/plain", content: []byte("a")})
		w := e.do(request{as: &ada, method: http.MethodPost, path: "/tickets/" + tk.ID + "/messages", body: body, contentType: ct})
		requireError(t, w, http.StatusNotImplemented, "attachments_unsupported")
	})
}
