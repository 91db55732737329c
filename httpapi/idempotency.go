package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
)

// Idempotency keys (draft-ietf-httpapi-idempotency-key-header). A POST
// sent with an Idempotency-Key runs in one transaction of the Desk's
// store with the record of its key: the key is claimed first, the use
// case runs through the Desk's ...Tx variant, and its answer is stored
// before the commit. So the change and its answer commit together, and a
// retry, even after the server died between the commit and the answer,
// gets the first answer again instead of a second change.

// idempotencyHeader is the request header that carries the key.
const idempotencyHeader = "Idempotency-Key"

// replayedHeader marks an answer replayed from an idempotency record.
const replayedHeader = "Idempotent-Replayed"

// maxIdempotencyKey is the longest key a client may send, in bytes.
const maxIdempotencyKey = 255

// Error codes of idempotency keys.
const (
	codeIdempotencyReused      = "idempotency_key_reused"      // 422: the key was used for another request.
	codeIdempotencyInProgress  = "idempotency_key_in_progress" // 409: the key's first request has not finished.
	codeIdempotencyUnsupported = "idempotency_unsupported"     // 501: the Desk's store keeps no idempotency keys.
)

// afterIdempotentCommit, when set (by tests only), runs after the
// transaction of a request with an idempotency key committed and before
// its answer is written.
var afterIdempotentCommit func()

// txKey is the context key of the store transaction a request with an
// idempotency key runs in.
type txKey struct{}

// requestTx returns the transaction r runs in, or nil.
func requestTx(ctx context.Context) storage.Tx {
	tx, _ := ctx.Value(txKey{}).(storage.Tx)
	return tx
}

// call runs a use case of the Desk: plain in the Desk's own transaction,
// or inTx, its ...Tx variant, in the transaction of a request sent with
// an idempotency key. Every endpoint that changes data calls the Desk
// through it: a plain call inside that transaction would wait for the
// store's lock the transaction holds.
func call[P, R any](r *http.Request, actor ticketkit.Actor, p P,
	plain func(context.Context, ticketkit.Actor, P) (R, error),
	inTx func(context.Context, storage.Tx, ticketkit.Actor, P) (R, error),
) (R, error) {
	if tx := requestTx(r.Context()); tx != nil {
		return inTx(r.Context(), tx, actor, p)
	}
	return plain(r.Context(), actor, p)
}

// storedAnswer is the answer of a request as an idempotency record keeps
// it.
type storedAnswer struct {
	Status int         `json:"status"`
	Header http.Header `json:"header"`
	Body   []byte      `json:"body"`
}

// recorder is the http.ResponseWriter an endpoint writes to in the
// transaction of a request with an idempotency key.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

// Header implements http.ResponseWriter.
func (rec *recorder) Header() http.Header { return rec.header }

// WriteHeader implements http.ResponseWriter.
func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
}

// Write implements http.ResponseWriter.
func (rec *recorder) Write(b []byte) (int, error) {
	rec.WriteHeader(http.StatusOK)
	return rec.body.Write(b)
}

// replay writes a stored answer to w.
func replay(w http.ResponseWriter, a storedAnswer) {
	hdr := w.Header()
	for k, v := range a.Header {
		hdr[k] = v
	}
	w.WriteHeader(a.Status)
	_, _ = w.Write(a.Body) // the client went away; nothing left to tell it
}

// errAnswered rolls back the transaction of an endpoint that wrote an
// error answer itself; the answer is recorded.
var errAnswered = errors.New("httpapi: the endpoint answered an error")

// idempotencyKey reads the key of r: one header value, a string of 1 to
// maxIdempotencyKey printable ASCII characters, with or without the
// quotes of a structured-field string.
func idempotencyKey(r *http.Request) (string, error) {
	values := r.Header.Values(idempotencyHeader)
	bad := func(msg string) error {
		return invalid(fieldError{Field: idempotencyHeader, Code: "idempotency_key", Message: msg})
	}
	if len(values) != 1 {
		return "", bad("send one Idempotency-Key header")
	}
	key := strings.TrimSpace(values[0])
	if len(key) >= 2 && key[0] == '"' && key[len(key)-1] == '"' {
		key = key[1 : len(key)-1]
	}
	if key == "" || len(key) > maxIdempotencyKey {
		return "", bad(fmt.Sprintf("must be 1 to %d characters", maxIdempotencyKey))
	}
	for _, c := range []byte(key) {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return "", bad("must be printable ASCII without quotes or backslashes")
		}
	}
	return key, nil
}

// hashParts returns the hexadecimal SHA-256 of parts, each prefixed with
// its length so that no two lists of parts hash alike.
func hashParts(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:", len(p))
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// readIdempotentBody reads r's body within the route's size limit and
// returns it with the hash of the request: path, media type and body.
// The boundary of a multipart body, which clients choose anew for each
// attempt, is left out.
func (h *handler) readIdempotentBody(w http.ResponseWriter, r *http.Request) ([]byte, string, error) {
	limit := h.maxBody
	mediaType, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if strings.HasPrefix(mediaType, "multipart/") {
		limit = max(limit, h.maxUpload)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		return nil, "", err
	}
	hashed := body
	if b := params["boundary"]; b != "" && strings.HasPrefix(mediaType, "multipart/") {
		hashed = bytes.ReplaceAll(body, []byte(b), nil)
	}
	return body, hashParts([]byte(r.URL.Path), []byte(mediaType), hashed), nil
}

// serveInTx serves a request in one transaction of the Desk's store,
// its answer recorded and written after the commit: a POST sent with an
// Idempotency-Key (idem), or a request with If-Match to a route whose
// use case takes no version (rt.checked).
//
// With idem, the first request with a key runs rt in one transaction
// with the record of its key and answer; a later one with the same key,
// actor and route gets that answer again (with Idempotent-Replayed:
// true), or 422 when its body or path differ, or 409 while the first has
// not finished. Only successful answers are kept: a request that failed
// changed nothing and may be sent again with its key. A Desk whose store
// keeps no keys answers 501, rather than run the request without the
// guarantee asked for.
//
// With rt.checked, the version of the ticket or complaint is read in the
// transaction before rt runs (under the complaint's lock where the store
// has one) and must be the one If-Match names; afterwards it must be that
// version or the next, the one rt wrote on top of it, else the change is
// rolled back with 412. A writer that slipped in between makes rt write
// on top of its version, which the second read sees.
func (h *handler) serveInTx(w http.ResponseWriter, r *http.Request, rt route, actor ticketkit.Actor, idem, checked bool) {
	store := h.desk.Store()
	var (
		claim   storage.IdempotencyClaimParams
		body    []byte
		reqHash string
	)
	if idem {
		key, err := idempotencyKey(r)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if _, ok := store.(storage.IdempotencyStore); !ok {
			h.writeError(w, unsupportedIdempotency())
			return
		}
		body, reqHash, err = h.readIdempotentBody(w, r)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		now := h.clock.Now()
		claim = storage.IdempotencyClaimParams{
			TenantID: actor.TenantID,
			// The key is scoped by actor and route: the same key sent by
			// two users, or to two routes, names two requests.
			Key:         hashParts([]byte(actor.ID), []byte(actor.Role), []byte(actor.CustomerID), []byte(rt.pattern()), []byte(key)),
			RequestHash: reqHash,
			At:          now,
			ExpiresAt:   now.Add(h.idemTTL),
		}
	}
	var expected int64
	if checked {
		var err error
		if expected, err = h.checkedVersion(r, actor); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	var (
		rec   *recorder
		found *storage.Idempotency
	)
	err := store.RunInTx(r.Context(), func(ctx context.Context, tx storage.Tx) error {
		is, ok := tx.(storage.IdempotencyStore)
		if idem {
			if !ok {
				return unsupportedIdempotency()
			}
			res, err := is.IdempotencyClaim(ctx, claim)
			if err != nil {
				return err
			}
			if !res.Claimed {
				found = &res.Record
				return nil
			}
		}
		if checked {
			if err := versionIs(ctx, tx, r, actor, expected, expected); err != nil {
				return err
			}
		}
		rec = &recorder{header: http.Header{}}
		r2 := r.WithContext(context.WithValue(ctx, txKey{}, tx))
		if idem {
			r2.Body = io.NopCloser(bytes.NewReader(body))
		}
		if err := rt.serve(h, rec, r2, actor); err != nil {
			return err
		}
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		if rec.status >= http.StatusBadRequest {
			return errAnswered
		}
		if checked {
			if err := versionIs(ctx, tx, r, actor, expected, expected+1); err != nil {
				return err
			}
		}
		if !idem {
			return nil
		}
		answer, err := json.Marshal(storedAnswer{Status: rec.status, Header: rec.header, Body: rec.body.Bytes()})
		if err != nil {
			return err
		}
		return is.IdempotencyComplete(ctx, storage.IdempotencyCompleteParams{
			TenantID: claim.TenantID, Key: claim.Key, At: claim.At, Status: rec.status, Response: answer,
		})
	})
	switch {
	case errors.Is(err, errAnswered):
		replay(w, storedAnswer{Status: rec.status, Header: rec.header, Body: rec.body.Bytes()})
	case err != nil:
		h.fail(w, r, err)
	case found != nil:
		h.replayFound(w, r, found, reqHash)
	default:
		if idem && afterIdempotentCommit != nil {
			afterIdempotentCommit()
		}
		replay(w, storedAnswer{Status: rec.status, Header: rec.header, Body: rec.body.Bytes()})
	}
}

// replayFound answers a request whose key has a record: the stored
// answer when the request is the same, else the error that says why not.
func (h *handler) replayFound(w http.ResponseWriter, r *http.Request, found *storage.Idempotency, reqHash string) {
	switch {
	case found.RequestHash != reqHash:
		h.writeError(w, &apiError{status: http.StatusUnprocessableEntity, Code: codeIdempotencyReused,
			Message: "this Idempotency-Key was used for another request; use a new key for a new request"})
	case found.Pending():
		h.writeError(w, &apiError{status: http.StatusConflict, Code: codeIdempotencyInProgress,
			Message: "a request with this Idempotency-Key is still in progress; retry later"})
	default:
		var a storedAnswer
		if err := json.Unmarshal(found.Response, &a); err != nil {
			h.fail(w, r, fmt.Errorf("httpapi: read the stored answer of an idempotency key: %w", err))
			return
		}
		w.Header().Set(replayedHeader, "true")
		replay(w, a)
	}
}

// unsupportedIdempotency returns the 501 error of a store that keeps no
// idempotency keys.
func unsupportedIdempotency() *apiError {
	return &apiError{status: http.StatusNotImplemented, Code: codeIdempotencyUnsupported,
		Message: "this desk's store keeps no idempotency keys; send the request without Idempotency-Key"}
}
