package ticketkit

import (
	"context"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// background runs one function in a goroutine between start and stop:
// the lifecycle the Dispatcher and the EscalationWorker share (with
// [every], their polling loop). The zero value is ready to use.
type background struct {
	mu      sync.Mutex
	cancel  context.CancelFunc
	stopped chan struct{}
}

// start runs run(ctx) in a goroutine until stop or until ctx ends, and
// reports false when it is running already.
func (b *background) start(ctx context.Context, run func(context.Context) error) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped != nil {
		return false
	}
	ctx, cancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	b.cancel, b.stopped = cancel, stopped
	go func() {
		defer close(stopped)
		_ = run(ctx)
	}()
	return true
}

// stop cancels the running function and waits for it to return, or for
// ctx to end. Stopping what is not running does nothing.
func (b *background) stop(ctx context.Context) error {
	b.mu.Lock()
	cancel, stopped := b.cancel, b.stopped
	b.cancel, b.stopped = nil, nil
	b.mu.Unlock()
	if stopped == nil {
		return nil
	}
	cancel()
	select {
	case <-stopped:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// every runs round at once, then again after the pause each round
// returns, until ctx ends; it returns nil then. A round that panics or
// calls runtime.Goexit (a host's Backoff, store decorator or log
// handler) does not end the loop: it is logged to log with its stack,
// and the next round follows after onPanic.
func every(ctx context.Context, log *slog.Logger, onPanic time.Duration, round func(context.Context) time.Duration) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		timer.Reset(survive(ctx, log, onPanic, round))
	}
}

// survive runs one round of [every] on a goroutine of its own, which it
// waits for, and returns the round's pause. A round that did not return
// (a panic, even one whose recover says nil under GODEBUG=panicnil=1, or
// a runtime.Goexit, which ends only that goroutine) is logged and
// followed by a pause of onPanic.
func survive(ctx context.Context, log *slog.Logger, onPanic time.Duration, round func(context.Context) time.Duration) time.Duration {
	pause := make(chan time.Duration, 1)
	go func() {
		returned := false
		defer func() {
			if !returned {
				log.ErrorContext(ctx, "ticketkit: background round panicked or called runtime.Goexit",
					"panic", recover(), "stack", string(debug.Stack()))
				pause <- onPanic
			}
		}()
		p := round(ctx)
		returned = true
		pause <- p
	}()
	return <-pause
}
