package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Headers of the Standard Webhooks scheme.
const (
	// HeaderID holds the message ID, stable across delivery attempts:
	// [notify.Event.IdempotencyKey] of the event.
	HeaderID = "webhook-id"
	// HeaderTimestamp holds the time of the attempt in Unix seconds.
	HeaderTimestamp = "webhook-timestamp"
	// HeaderSignature holds space-separated signatures "v1,<base64>".
	HeaderSignature = "webhook-signature"
)

// SecretPrefix starts a secret given in the Standard Webhooks form:
// "whsec_" followed by the standard base64 encoding of the key.
const SecretPrefix = "whsec_"

// DefaultTolerance is how far a request's timestamp may lie from the
// present when [Verify] is given no tolerance.
const DefaultTolerance = 5 * time.Minute

// Errors of [Verify]. Its errors wrap one of them and say more.
var (
	// ErrInvalidSignature means that a request is missing a Standard
	// Webhooks header, or that none of its signatures matches the secret
	// and the body: it was not sent by the holder of the secret, or was
	// changed on the way.
	ErrInvalidSignature = errors.New("webhook: invalid signature")
	// ErrStaleTimestamp means that a correctly signed request has a
	// timestamp too far from the present: it may be a replay.
	ErrStaleTimestamp = errors.New("webhook: timestamp outside tolerance")
)

// key returns the HMAC key of secret: the decoded base64 after
// [SecretPrefix], or else the bytes of secret themselves.
func key(secret string) ([]byte, error) {
	if secret == "" {
		return nil, errors.New("secret is empty")
	}
	rest, ok := strings.CutPrefix(secret, SecretPrefix)
	if !ok {
		return []byte(secret), nil
	}
	k, err := base64.StdEncoding.DecodeString(rest)
	if err != nil {
		return nil, fmt.Errorf("secret after %q is not standard base64: %w", SecretPrefix, err)
	}
	if len(k) == 0 {
		return nil, fmt.Errorf("secret after %q is empty", SecretPrefix)
	}
	return k, nil
}

// mac returns the HMAC-SHA256 with k of id.timestamp.body.
func mac(k []byte, id, timestamp string, body []byte) []byte {
	h := hmac.New(sha256.New, k)
	h.Write([]byte(id))
	h.Write([]byte{'.'})
	h.Write([]byte(timestamp))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}

// signature returns the webhook-signature header value for keys.
func signature(keys [][]byte, id, timestamp string, body []byte) string {
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("v1,")
		b.WriteString(base64.StdEncoding.EncodeToString(mac(k, id, timestamp, body)))
	}
	return b.String()
}

// Sign returns the signature "v1,<base64>" of a message with the given
// ID, timestamp and body under secret, given as raw bytes or in the
// "whsec_" form. A [Sender] signs each request this way; Sign is for
// receivers' tests and for other senders.
func Sign(secret, id string, timestamp time.Time, body []byte) (string, error) {
	k, err := key(secret)
	if err != nil {
		return "", fmt.Errorf("webhook: %w", err)
	}
	return signature([][]byte{k}, id, strconv.FormatInt(timestamp.Unix(), 10), body), nil
}

// Verify checks a request received from a [Sender]: that one of the
// signatures in header matches the webhook-id and webhook-timestamp
// headers and body under secret (raw bytes or the "whsec_" form), and
// that the timestamp lies within tolerance of now, in either direction
// (DefaultTolerance if tolerance is not positive). body must be the raw
// request body, exactly as received: check it before decoding it.
//
// Signatures are compared in constant time. The error wraps
// [ErrInvalidSignature] or [ErrStaleTimestamp], or reports a malformed
// secret. During a rotation, a receiver that knows several secrets
// calls Verify with each until one succeeds.
func Verify(secret string, header http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	k, err := key(secret)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	id, timestamp, signatures := header.Get(HeaderID), header.Get(HeaderTimestamp), header.Get(HeaderSignature)
	for _, h := range [...]struct{ name, value string }{{HeaderID, id}, {HeaderTimestamp, timestamp}, {HeaderSignature, signatures}} {
		if h.value == "" {
			return fmt.Errorf("%w: no %s header", ErrInvalidSignature, h.name)
		}
	}
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %s %q is not a Unix time", ErrInvalidSignature, HeaderTimestamp, timestamp)
	}

	want := mac(k, id, timestamp, body)
	ok := false
	for _, s := range strings.Fields(signatures) {
		version, sig, found := strings.Cut(s, ",")
		if !found || version != "v1" {
			continue // another scheme, such as the asymmetric v1a
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err != nil {
			continue
		}
		if hmac.Equal(got, want) {
			ok = true
		}
	}
	if !ok {
		return fmt.Errorf("%w: no v1 signature matches", ErrInvalidSignature)
	}

	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	at := time.Unix(sec, 0)
	if d := now.Sub(at); d > tolerance {
		return fmt.Errorf("%w: sent at %s, %s ago; tolerance %s", ErrStaleTimestamp, at.UTC().Format(time.RFC3339), d.Round(time.Second), tolerance)
	} else if d < -tolerance {
		return fmt.Errorf("%w: sent at %s, %s ahead; tolerance %s", ErrStaleTimestamp, at.UTC().Format(time.RFC3339), -d.Round(time.Second), tolerance)
	}
	return nil
}
