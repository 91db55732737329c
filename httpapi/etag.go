package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// Conditional requests (RFC 9110 section 13). A ticket or complaint has a
// strong entity tag made of its ID and version, "<id>.<version>"; every
// answer that holds one carries it in ETag. A PATCH or POST that changes
// a ticket or complaint takes If-Match: the version of the tag given is
// handed to the Desk as the expected Version, so the check and the write
// are one atomic step, and a mismatch is answered 412. A GET with
// If-None-Match naming the current tag is answered 304.

const codePreconditionFailed = "precondition_failed"     // 412: If-Match names no current tag.
const codePreconditionRequired = "precondition_required" // 428: Config.RequireIfMatch and no If-Match.

// etagID returns the part of an entity tag that names the resource: the
// ID itself when it is made of characters an entity tag may hold
// (letters, digits, "-" and "_", as the Desk's UUIDs), else a hash of it.
func etagID(id string) string {
	for _, c := range []byte(id) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			sum := sha256.Sum256([]byte(id))
			return "h" + hex.EncodeToString(sum[:12])
		}
	}
	return id
}

// etag returns the strong entity tag of version of the resource id.
func etag(id string, version int64) string {
	return `"` + etagID(id) + "." + strconv.FormatInt(version, 10) + `"`
}

// etagOf returns the entity tag of v when it is a ticket or complaint,
// else "".
func etagOf(v any) string {
	switch x := v.(type) {
	case *ticket.Ticket:
		if x != nil {
			return etag(x.ID, x.Version)
		}
	case *ticket.Complaint:
		if x != nil {
			return etag(x.ID, x.Version)
		}
	case ticketView:
		return etagOf(x.Ticket)
	case complaintView:
		return etagOf(x.Complaint)
	}
	return ""
}

// entityTags splits the values of an If-Match or If-None-Match header
// into entity tags, weak ones with their W/ prefix; "*" is returned as
// it is.
func entityTags(values []string) []string {
	var tags []string
	for _, v := range values {
		for t := range strings.SplitSeq(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				tags = append(tags, t)
			}
		}
	}
	return tags
}

// writeEntity answers a GET of a ticket or complaint: 304 Not Modified
// with its ETag when If-None-Match names the current tag (weak
// comparison) or is "*", else v with status.
func writeEntity(w http.ResponseWriter, r *http.Request, status int, v any) {
	if tag := etagOf(v); tag != "" {
		for _, t := range entityTags(r.Header.Values("If-None-Match")) {
			if t == "*" || strings.TrimPrefix(t, "W/") == tag {
				w.Header().Set("ETag", tag)
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
	}
	writeJSON(w, status, v)
}

// decodeVersioned decodes the JSON body of a change into req and sets
// *version, the body's "version" member, to the version the change must
// find: the body's combined with If-Match (see expectVersion).
func (h *handler) decodeVersioned(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor, req any, version *int64) error {
	if err := h.decodeJSON(w, r, req); err != nil {
		return err
	}
	v, err := h.expectVersion(r, actor, *version)
	if err != nil {
		return err
	}
	*version = v
	return nil
}

// expectVersion returns the version a change of the ticket or complaint
// named by the path's id must find: the body's "version" (0 for any)
// combined with If-Match. A tag of If-Match gives its version; "*"
// gives none (the Desk answers 404 for a resource that does not exist).
// Tags of another resource, weak tags (If-Match compares strongly) and a
// body version other than the tag's are answered 412 at once. Of several
// tags of the resource, the one of its current version is handed on,
// which the Desk then checks again as it writes. With Config.RequireIfMatch a
// PATCH or a status change without If-Match is answered 428.
func (h *handler) expectVersion(r *http.Request, actor ticketkit.Actor, body int64) (int64, error) {
	if err := checkVersion(body); err != nil {
		return 0, err
	}
	tags := entityTags(r.Header.Values("If-Match"))
	if len(tags) == 0 {
		if h.requireIfMatch && (r.Method == http.MethodPatch || strings.HasSuffix(r.URL.Path, "/transitions")) {
			return 0, &apiError{status: http.StatusPreconditionRequired, Code: codePreconditionRequired,
				Message: "this change needs an If-Match header with the ETag of the version read"}
		}
		return body, nil
	}
	prefix := `"` + etagID(r.PathValue("id")) + "."
	versions := map[int64]bool{}
	for _, t := range tags {
		if t == "*" {
			return body, nil
		}
		digits, ok := strings.CutPrefix(t, prefix)
		if !ok {
			continue // weak, malformed or another resource's: never matches
		}
		digits, ok = strings.CutSuffix(digits, `"`)
		v, err := strconv.ParseInt(digits, 10, 64)
		if ok && err == nil && v > 0 && strconv.FormatInt(v, 10) == digits {
			versions[v] = true
		}
	}
	var version int64
	switch len(versions) {
	case 0:
		return 0, preconditionFailed()
	case 1:
		for v := range versions {
			version = v
		}
	default:
		// Several tags: hand the Desk the current version when it is one
		// of them, else any of them, which the Desk refuses (412), or
		// answers 404 for a resource the actor may not see. The read
		// goes to the store, in the request's transaction if it has
		// one: the Desk's own would wait for that transaction's lock.
		var src storage.Tx = h.desk.Store()
		if tx := requestTx(r.Context()); tx != nil {
			src = tx
		}
		for v := range versions {
			version = v
		}
		t, err := src.TicketGet(r.Context(), storage.TicketGetParams{TenantID: actor.TenantID, ID: r.PathValue("id")})
		if err == nil && versions[t.Version] {
			version = t.Version
		}
	}
	if body != 0 && body != version {
		return 0, preconditionFailed()
	}
	return version, nil
}

// preconditionFailed returns the 412 error of a stale If-Match.
func preconditionFailed() *apiError {
	return &apiError{status: http.StatusPreconditionFailed, Code: codePreconditionFailed,
		Message: "the resource changed since the ETag given in If-Match; read it again and retry"}
}

// ifMatchVersion reports whether r made its change conditional on a tag
// of If-Match (not "*"), so that a version conflict is answered 412.
func ifMatchVersion(r *http.Request) bool {
	tags := entityTags(r.Header.Values("If-Match"))
	return len(tags) > 0 && !(len(tags) == 1 && tags[0] == "*")
}

// checkedVersion returns the version If-Match names for a request to a
// checked route (see serveInTx), after making sure the actor sees the
// resource: a 412 must not tell a customer that another's ticket exists.
func (h *handler) checkedVersion(r *http.Request, actor ticketkit.Actor) (int64, error) {
	if _, err := h.desk.Get(r.Context(), actor, r.PathValue("id")); err != nil {
		return 0, err
	}
	return h.expectVersion(r, actor, 0)
}

// versionIs reads, in tx, the version of the ticket or complaint the path
// names, locking a complaint where the store can, and answers 412 unless
// it is from or to.
func versionIs(ctx context.Context, tx storage.Tx, r *http.Request, actor ticketkit.Actor, from, to int64) error {
	p := storage.TicketGetParams{TenantID: actor.TenantID, ID: r.PathValue("id")}
	var version int64
	if l, ok := tx.(storage.ComplaintLocker); ok && strings.HasPrefix(r.URL.Path, "/complaints/") {
		c, err := l.ComplaintLock(ctx, p)
		if err != nil {
			return err
		}
		version = c.Version
	} else {
		t, err := tx.TicketGet(ctx, p)
		if err != nil {
			return err
		}
		version = t.Version
	}
	if version != from && version != to {
		return preconditionFailed()
	}
	return nil
}
