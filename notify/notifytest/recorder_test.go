package notifytest_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
)

func event(id string, k notify.Kind) notify.Event {
	return notify.Event{ID: id, Kind: k, TenantID: "t1"}
}

func TestRecorder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		recorder  func() *notifytest.Recorder
		events    []notify.Event
		wantKinds []notify.Kind
		wantOpen  []string // IDs of the KindOpened events
	}{
		{
			name:      "Empty",
			recorder:  notifytest.NewRecorder,
			wantKinds: []notify.Kind{},
		},
		{
			name:      "ZeroValue",
			recorder:  func() *notifytest.Recorder { return new(notifytest.Recorder) },
			events:    []notify.Event{event("1", notify.KindOpened)},
			wantKinds: []notify.Kind{notify.KindOpened},
			wantOpen:  []string{"1"},
		},
		{
			name:     "KeepsOrder",
			recorder: notifytest.NewRecorder,
			events: []notify.Event{
				event("1", notify.KindOpened),
				event("2", notify.KindStatusChanged),
				event("3", notify.KindOpened),
				event("4", notify.KindClosed),
			},
			wantKinds: []notify.Kind{notify.KindOpened, notify.KindStatusChanged, notify.KindOpened, notify.KindClosed},
			wantOpen:  []string{"1", "3"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := tt.recorder()
			for _, e := range tt.events {
				require.NoError(t, r.Notify(t.Context(), e))
			}
			require.Equal(t, len(tt.events), r.Len())
			require.Equal(t, tt.wantKinds, r.Kinds())
			if len(tt.events) == 0 {
				require.Empty(t, r.Events())
			} else {
				require.Equal(t, tt.events, r.Events())
			}
			var open []string
			for _, e := range r.OfKind(notify.KindOpened) {
				open = append(open, e.ID)
			}
			require.Equal(t, tt.wantOpen, open)

			r.Reset()
			require.Zero(t, r.Len())
			require.Empty(t, r.Events())
			require.NoError(t, r.Notify(t.Context(), event("after", notify.KindEscalated)))
			require.Equal(t, []notify.Kind{notify.KindEscalated}, r.Kinds())
		})
	}
}

func TestRecorderEventsReturnsACopy(t *testing.T) {
	t.Parallel()
	r := notifytest.NewRecorder()
	require.NoError(t, r.Notify(t.Context(), event("1", notify.KindOpened)))
	got := r.Events()
	got[0].ID = "changed"
	_ = append(got[:0], event("x", notify.KindClosed))
	require.Equal(t, "1", r.Events()[0].ID)
}

func TestRecorderIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	r := notifytest.NewRecorder()
	const n = 50
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_ = r.Notify(t.Context(), event(fmt.Sprint(i), notify.KindMessageAdded))
			_ = r.Len()
			_ = r.Events()
			_ = r.Kinds()
			_ = r.OfKind(notify.KindMessageAdded)
		})
	}
	wg.Wait()
	require.Equal(t, n, r.Len())
	require.Len(t, r.OfKind(notify.KindMessageAdded), n)
}

func TestFailing(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	n := notifytest.Failing(boom)
	for range 2 {
		require.ErrorIs(t, n.Notify(t.Context(), event("1", notify.KindOpened)), boom)
	}
}
