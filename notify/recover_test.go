package notify_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
)

// panicking is a Notifier that panics with v.
func panicking(v any) notify.Notifier {
	return notify.NotifierFunc(func(context.Context, notify.Event) error { panic(v) })
}

func TestRecover(t *testing.T) {
	t.Parallel()
	ctx := t.Context()

	t.Run("PanicBecomesAPermanentErrorWithValueAndStack", func(t *testing.T) {
		t.Parallel()
		err := notify.Recover(panicking("template exploded")).Notify(ctx, notify.Event{})
		require.ErrorIs(t, err, notify.ErrPermanent)
		var pe *notify.PanicError
		require.ErrorAs(t, err, &pe)
		require.Equal(t, "template exploded", pe.Value)
		require.Contains(t, err.Error(), "notifier panicked: template exploded")
		require.Contains(t, string(pe.Stack), "notify/recover_test.go:", "the stack shows where it panicked")
	})

	t.Run("HugePanicIsCut", func(t *testing.T) {
		t.Parallel()
		err := notify.Recover(panicking(strings.Repeat("x", 1<<20))).Notify(ctx, notify.Event{})
		require.Error(t, err)
		require.Less(t, len(err.Error()), notify.MaxPanicValue+notify.MaxPanicStack+200)
		var deep func(n int) error
		deep = func(n int) error {
			if n == 0 {
				panic("deep")
			}
			return deep(n - 1)
		}
		err = notify.Recover(notify.NotifierFunc(func(context.Context, notify.Event) error { return deep(500) })).Notify(ctx, notify.Event{})
		var pe *notify.PanicError
		require.ErrorAs(t, err, &pe)
		require.LessOrEqual(t, len(pe.Stack), notify.MaxPanicStack+len("\n…(cut)"))
		require.True(t, strings.HasSuffix(string(pe.Stack), "(cut)"))
	})

	t.Run("ErrorsAndSuccessPassThrough", func(t *testing.T) {
		t.Parallel()
		boom := errors.New("smtp: 451")
		err := notify.Recover(notify.NotifierFunc(func(context.Context, notify.Event) error { return boom })).Notify(ctx, notify.Event{})
		require.Equal(t, boom, err)
		rec := notifytest.NewRecorder()
		require.NoError(t, notify.Recover(rec).Notify(ctx, notify.Event{ID: "e1"}))
		require.Equal(t, 1, rec.Len())
		require.Nil(t, notify.Recover(nil))
	})
}

func TestFanoutSurvivesNilAndPanickingMembers(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	require.NoError(t, notify.Fanout(nil).Notify(ctx, notify.Event{}), "Fanout(nil) delivers to no one")
	require.NoError(t, notify.Fanout().Notify(ctx, notify.Event{}))

	rec := notifytest.NewRecorder()
	require.NoError(t, notify.Fanout(nil, rec, nil).Notify(ctx, notify.Event{ID: "e1"}))
	require.Equal(t, 1, rec.Len(), "nil members are skipped")

	rec = notifytest.NewRecorder()
	err := notify.Fanout(panicking("boom"), rec).Notify(ctx, notify.Event{ID: "e2"})
	require.Equal(t, 1, rec.Len(), "the members after a panicking one still get the event")
	require.ErrorIs(t, err, notify.ErrPermanent)
	require.ErrorAs(t, err, new(*notify.PanicError))
}

// TestRecoverPanicNilUnderOldGODEBUG panics with nil where the host's
// binary sets GODEBUG=panicnil=1 (the pre-Go 1.21 behaviour a
// //go:debug line in main restores): recover then returns nil, and a
// Recover that tells panics by the recovered value reports the event
// delivered. It must fail for good instead.
func TestRecoverPanicNilUnderOldGODEBUG(t *testing.T) {
	t.Setenv("GODEBUG", "panicnil=1") // not parallel: GODEBUG is the process's
	err := notify.Recover(panicking(nil)).Notify(t.Context(), notify.Event{})
	require.ErrorIs(t, err, notify.ErrPermanent, "a panic(nil) is no delivery")
	var pe *notify.PanicError
	require.ErrorAs(t, err, &pe)
	require.Nil(t, pe.Value)
	require.Contains(t, err.Error(), "notifier panicked with nil or called runtime.Goexit")
}

// TestRecoverGoexit calls runtime.Goexit in a notifier (what t.FailNow
// or a log handler's exit-goroutine does): the goroutine that called
// Recover's Notify must survive it and get a permanent error, since a
// dispatcher's loop or a host's request handler runs on that goroutine.
func TestRecoverGoexit(t *testing.T) {
	t.Parallel()
	goexit := notify.NotifierFunc(func(context.Context, notify.Event) error { runtime.Goexit(); return nil })
	for name, n := range map[string]notify.Notifier{
		"Recover": notify.Recover(goexit),
		"Fanout":  notify.Fanout(goexit, notifytest.NewRecorder()),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			result := make(chan error, 1)
			survived := make(chan bool, 1)
			go func() {
				returned := false
				defer func() { survived <- returned }()
				result <- n.Notify(t.Context(), notify.Event{ID: "e1"})
				returned = true
			}()
			require.True(t, <-survived, "Notify returned to its caller")
			err := <-result
			require.ErrorIs(t, err, notify.ErrPermanent)
			require.ErrorAs(t, err, new(*notify.PanicError))
			require.Contains(t, err.Error(), "runtime.Goexit")
		})
	}
}

// TestRecoverHugeCompositeIsNotFormattedWhole panics with a 64 MiB
// slice: formatting it whole took ~130 MB and seconds to keep 1 KiB.
// Not parallel, so that the allocation count is this test's.
func TestRecoverHugeCompositeIsNotFormattedWhole(t *testing.T) {
	huge := make([]byte, 64<<20)
	n := panicking(huge)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := notify.Recover(n).Notify(t.Context(), notify.Event{})
	runtime.ReadMemStats(&after)
	require.ErrorAs(t, err, new(*notify.PanicError))
	require.Contains(t, err.Error(), "[]uint8")
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "bytes allocated")
}

// explosive is a panic value whose Error method panics too.
type explosive struct{}

func (explosive) Error() string { panic("Error exploded") }

func TestRecoverValueWhoseErrorPanics(t *testing.T) {
	t.Parallel()
	err := notify.Recover(panicking(explosive{})).Notify(t.Context(), notify.Event{})
	require.ErrorIs(t, err, notify.ErrPermanent)
	require.Contains(t, err.Error(), "Error exploded", "formatted, not re-panicked")
}
