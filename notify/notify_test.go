package notify_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/ticket"
)

func TestKinds(t *testing.T) {
	t.Parallel()
	kinds := notify.Kinds()
	require.Len(t, kinds, 12+len(notify.ComplaintKinds()))
	seen := make(map[notify.Kind]bool)
	for _, k := range kinds {
		require.NotEmpty(t, k)
		require.False(t, seen[k], "duplicate kind %q", k)
		seen[k] = true
	}
}

func TestNotifierFunc(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	tests := []struct {
		name    string
		ret     error
		wantErr error
	}{
		{"Nil", nil, nil},
		{"Error", boom, boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			type key struct{}
			ctx := context.WithValue(t.Context(), key{}, "v")
			var got notify.Event
			var gotCtx context.Context
			n := notify.NotifierFunc(func(ctx context.Context, e notify.Event) error {
				gotCtx, got = ctx, e
				return tt.ret
			})
			e := notify.Event{ID: "e1", Kind: notify.KindOpened}
			require.ErrorIs(t, n.Notify(ctx, e), tt.wantErr)
			require.Equal(t, e, got)
			require.Equal(t, "v", gotCtx.Value(key{}))
		})
	}
}

func TestDiscard(t *testing.T) {
	t.Parallel()
	for _, k := range notify.Kinds() {
		require.NoError(t, notify.Discard.Notify(t.Context(), notify.Event{Kind: k}))
	}
}

func TestFanout(t *testing.T) {
	t.Parallel()
	errA, errB := errors.New("a failed"), errors.New("b failed")
	tests := []struct {
		name     string
		failures []error // one notifier per entry; nil succeeds
	}{
		{"None", nil},
		{"OneSucceeds", []error{nil}},
		{"AllSucceed", []error{nil, nil, nil}},
		{"FirstFails", []error{errA, nil, nil}},
		{"MiddleFails", []error{nil, errA, nil}},
		{"SeveralFail", []error{errA, nil, errB}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			recs := make([]*notifytest.Recorder, len(tt.failures))
			notifiers := make([]notify.Notifier, len(tt.failures))
			for i, fail := range tt.failures {
				recs[i] = notifytest.NewRecorder()
				notifiers[i] = notify.NotifierFunc(func(ctx context.Context, e notify.Event) error {
					_ = recs[i].Notify(ctx, e)
					return fail
				})
			}
			e := notify.Event{ID: "e1", Kind: notify.KindClosed}
			err := notify.Fanout(notifiers...).Notify(t.Context(), e)

			for _, rec := range recs {
				require.Equal(t, []notify.Event{e}, rec.Events(), "every notifier is called")
			}
			var failed int
			for _, fail := range tt.failures {
				if fail != nil {
					failed++
					require.ErrorIs(t, err, fail)
				}
			}
			if failed == 0 {
				require.NoError(t, err)
			}
		})
	}
}

func TestFilter(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	onlyClosed := func(e notify.Event) bool { return e.Kind == notify.KindClosed }
	tests := []struct {
		name     string
		kind     notify.Kind
		next     error
		wantSent bool
		wantErr  error
	}{
		{"Kept", notify.KindClosed, nil, true, nil},
		{"KeptErrorPassedOn", notify.KindClosed, boom, true, boom},
		{"Dropped", notify.KindOpened, nil, false, nil},
		{"DroppedNeverFails", notify.KindOpened, boom, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := notifytest.NewRecorder()
			next := notify.Fanout(rec, notify.NotifierFunc(func(context.Context, notify.Event) error { return tt.next }))
			err := notify.Filter(next, onlyClosed).Notify(t.Context(), notify.Event{ID: "e1", Kind: tt.kind})
			require.ErrorIs(t, err, tt.wantErr)
			if tt.wantErr == nil {
				require.NoError(t, err)
			}
			require.Equal(t, tt.wantSent, rec.Len() == 1)
		})
	}
}

func TestLogWritesOneLinePerEvent(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	n := notify.Log(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})))
	e := notify.Event{ID: "ev-1", Kind: notify.KindStatusChanged, TenantID: "acme",
		Actor: ticket.Actor{ID: "agent-1"}, Ticket: &ticket.Ticket{Number: "TK-2026-000007"}, From: "open", To: "closed"}
	require.NoError(t, n.Notify(context.Background(), e))
	require.Equal(t, "level=INFO msg=\"ticketkit notification\" kind=ticket.status_changed event=ev-1 tenant=acme actor=agent-1 ticket=TK-2026-000007 from=open to=closed\n", buf.String())
}

func TestFanoutIsPermanentOnlyWhenEveryFailureIs(t *testing.T) {
	t.Parallel()
	perm := notify.NotifierFunc(func(context.Context, notify.Event) error {
		return notify.Permanent(errors.New("550 no such user"))
	})
	temp := notify.NotifierFunc(func(context.Context, notify.Event) error { return errors.New("503 busy") })
	ok := notify.Discard
	ctx := context.Background()

	err := notify.Fanout(perm, ok, perm).Notify(ctx, notify.Event{})
	require.ErrorIs(t, err, notify.ErrPermanent)

	err = notify.Fanout(perm, temp).Notify(ctx, notify.Event{})
	require.Error(t, err)
	require.NotErrorIs(t, err, notify.ErrPermanent, "the temporary failure must be retried")
	require.ErrorContains(t, err, "550 no such user")
	require.ErrorContains(t, err, "503 busy")

	require.NoError(t, notify.Fanout(ok, ok).Notify(ctx, notify.Event{}))
}
