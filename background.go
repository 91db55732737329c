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
// returns, until ctx ends; it returns nil then. A round that panics (a
// host's Backoff, store decorator or log handler) does not end the
// loop: the panic is logged to log with its stack, and the next round
// follows after onPanic.
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

// survive runs one round of [every], turning its panic into a log line
// and a pause of onPanic. A round that did not return panicked, even
// when recover says nil (panic(nil) under GODEBUG=panicnil=1).
func survive(ctx context.Context, log *slog.Logger, onPanic time.Duration, round func(context.Context) time.Duration) (pause time.Duration) {
	returned := false
	defer func() {
		if !returned {
			log.ErrorContext(ctx, "ticketkit: background round panicked", "panic", recover(), "stack", string(debug.Stack()))
			pause = onPanic
		}
	}()
	pause = round(ctx)
	returned = true
	return pause
}
