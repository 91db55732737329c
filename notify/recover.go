package notify

import (
	"context"
	"fmt"
	"runtime/debug"
)

// Bounds of a [PanicError], so that a dead letter or a log line stays
// small whatever the panic carried.
const (
	// MaxPanicValue is the most bytes of the panic value's text a
	// PanicError keeps.
	MaxPanicValue = 1 << 10
	// MaxPanicStack is the most bytes of the stack a PanicError keeps:
	// its top, where the panic happened.
	MaxPanicStack = 8 << 10
)

// PanicError is the error [Recover] returns for a Notifier that
// panicked. Its text holds the panic value and the stack of the
// panicking goroutine, both cut to their bounds.
type PanicError struct {
	// Value is the value the Notifier panicked with.
	Value any
	// Stack is the top of the panicking goroutine's stack, at most
	// MaxPanicStack bytes.
	Stack []byte
}

// Error returns "notify: notifier panicked: <value>" followed by the
// stack on the next lines.
func (e *PanicError) Error() string {
	return fmt.Sprintf("notify: notifier panicked: %s\n%s", cut(fmt.Sprint(e.Value), MaxPanicValue), e.Stack)
}

// cut returns s cut to at most n bytes, marking the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + " …(cut)"
}

// Recover returns a Notifier that calls n and turns a panic of n into
// an error: a [PanicError] wrapped with [Permanent], since a notifier
// that panics on an event will most likely panic on it again. The
// Dispatcher and the Desk wrap their notifiers with it, so that a
// panicking notifier costs one event, not the loop or the caller's
// request; a host calling a Notifier directly may wrap it too. A nil n
// gives nil.
func Recover(n Notifier) Notifier {
	if n == nil {
		return nil
	}
	return NotifierFunc(func(ctx context.Context, e Event) (err error) {
		defer func() {
			if v := recover(); v != nil {
				stack := debug.Stack()
				if len(stack) > MaxPanicStack {
					stack = append(stack[:MaxPanicStack:MaxPanicStack], "\n…(cut)"...)
				}
				err = Permanent(&PanicError{Value: v, Stack: stack})
			}
		}()
		return n.Notify(ctx, e)
	})
}
