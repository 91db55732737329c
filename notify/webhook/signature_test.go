package webhook_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/notify/webhook"
)

func TestSignMatchesStandardWebhooksVector(t *testing.T) {
	t.Parallel()
	// The reference vector of the Standard Webhooks specification.
	sig, err := webhook.Sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	require.NoError(t, err)
	require.Equal(t, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", sig)
}

func TestVerify(t *testing.T) {
	t.Parallel()
	body := []byte(`{"type":"ticket.opened"}`)
	signed := func(secret string, at time.Time) http.Header {
		sig, err := webhook.Sign(secret, "msg_1", at, body)
		require.NoError(t, err)
		return http.Header{
			"Webhook-Id":        {"msg_1"},
			"Webhook-Timestamp": {strconv.FormatInt(at.Unix(), 10)},
			"Webhook-Signature": {"v1a,c29tZXRoaW5n v1,bm90IGl0 " + sig},
		}
	}
	without := func(h http.Header, name string) http.Header {
		h = h.Clone()
		h.Del(name)
		return h
	}

	for _, tc := range []struct {
		name    string
		secret  string
		header  http.Header
		body    []byte
		want    error
		wantMsg string
	}{
		{name: "AcceptsGoodRequest", secret: secret, header: signed(secret, now), body: body},
		{name: "AcceptsRawSecret", secret: "raw key", header: signed("raw key", now), body: body},
		{name: "AcceptsSlightlyOldRequest", secret: secret, header: signed(secret, now.Add(-4*time.Minute)), body: body},
		{name: "RejectsTamperedBody", secret: secret, header: signed(secret, now), body: []byte(`{"type":"ticket.closed"}`), want: webhook.ErrInvalidSignature},
		{name: "RejectsWrongSecret", secret: "whsec_c29tZXRoaW5nIGVsc2U=", header: signed(secret, now), body: body, want: webhook.ErrInvalidSignature},
		{name: "RejectsChangedTimestamp", secret: secret, header: func() http.Header {
			h := signed(secret, now)
			h.Set(webhook.HeaderTimestamp, strconv.FormatInt(now.Unix()+1, 10))
			return h
		}(), body: body, want: webhook.ErrInvalidSignature},
		{name: "RejectsStaleTimestamp", secret: secret, header: signed(secret, now.Add(-6*time.Minute)), body: body, want: webhook.ErrStaleTimestamp},
		{name: "RejectsFutureTimestamp", secret: secret, header: signed(secret, now.Add(6*time.Minute)), body: body, want: webhook.ErrStaleTimestamp},
		{name: "RejectsMissingID", secret: secret, header: without(signed(secret, now), webhook.HeaderID), body: body, want: webhook.ErrInvalidSignature, wantMsg: "no webhook-id header"},
		{name: "RejectsMissingTimestamp", secret: secret, header: without(signed(secret, now), webhook.HeaderTimestamp), body: body, want: webhook.ErrInvalidSignature, wantMsg: "no webhook-timestamp header"},
		{name: "RejectsMissingSignature", secret: secret, header: without(signed(secret, now), webhook.HeaderSignature), body: body, want: webhook.ErrInvalidSignature, wantMsg: "no webhook-signature header"},
		{name: "RejectsMalformedTimestamp", secret: secret, header: func() http.Header {
			h := signed(secret, now)
			h.Set(webhook.HeaderTimestamp, "yesterday")
			return h
		}(), body: body, want: webhook.ErrInvalidSignature},
		{name: "RejectsMalformedSecret", secret: "whsec_not base64!", header: signed(secret, now), body: body, wantMsg: "not standard base64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := webhook.Verify(tc.secret, tc.header, tc.body, now, 0)
			if tc.want == nil && tc.wantMsg == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
			}
			if tc.wantMsg != "" {
				require.ErrorContains(t, err, tc.wantMsg)
			}
		})
	}

	t.Run("HonorsTolerance", func(t *testing.T) {
		t.Parallel()
		h := signed(secret, now.Add(-time.Minute))
		require.NoError(t, webhook.Verify(secret, h, body, now, 2*time.Minute))
		require.ErrorIs(t, webhook.Verify(secret, h, body, now, 30*time.Second), webhook.ErrStaleTimestamp)
	})
}
