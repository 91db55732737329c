package notify

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
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
// panicked or called runtime.Goexit. Its text holds the panic value and
// the stack of the panicking goroutine, both cut to their bounds.
type PanicError struct {
	// Value is the value the Notifier panicked with. It is nil when the
	// Notifier called runtime.Goexit, or panicked with nil in a program
	// that sets GODEBUG=panicnil=1.
	Value any
	// Stack is the top of the panicking goroutine's stack, at most
	// MaxPanicStack bytes.
	Stack []byte

	// text is Value's text cut to MaxPanicValue, formatted once.
	text string
}

// Error returns "notify: notifier panicked: <value>" (or "notify:
// notifier panicked with nil or called runtime.Goexit") followed by the
// stack on the next lines.
func (e *PanicError) Error() string {
	if e.Value == nil {
		return fmt.Sprintf("notify: notifier panicked with nil or called runtime.Goexit\n%s", e.Stack)
	}
	text := e.text
	if text == "" {
		text = valueText(e.Value)
	}
	return fmt.Sprintf("notify: notifier panicked: %s\n%s", text, e.Stack)
}

// valueText returns the text of a panic value cut to MaxPanicValue bytes,
// marking the cut. A slice, array, map or channel longer than
// MaxPanicValue, unless it formats itself (error, fmt.Stringer), is
// named by type and length rather than formatted whole to keep 1 KiB of
// it. fmt formats the rest, since it survives a panicking Error or
// String method.
func valueText(v any) string {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case error, fmt.Stringer:
		s = fmt.Sprint(x)
	default:
		switch rv := reflect.ValueOf(v); rv.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map, reflect.Chan:
			if rv.Len() > MaxPanicValue {
				return fmt.Sprintf("%T of length %d", v, rv.Len())
			}
		}
		s = fmt.Sprint(v)
	}
	if len(s) <= MaxPanicValue {
		return s
	}
	return s[:MaxPanicValue] + " …(cut)"
}

// panicError returns the PanicError of a Notifier that ended with v
// (nil after runtime.Goexit): it is called while the Notifier's goroutine
// unwinds, so that the stack shows where it panicked.
func panicError(v any) *PanicError {
	stack := make([]byte, MaxPanicStack)
	stack = stack[:runtime.Stack(stack, false)]
	if len(stack) == MaxPanicStack {
		stack = append(stack, "\n…(cut)"...)
	}
	e := &PanicError{Value: v, Stack: stack}
	if v != nil {
		e.text = valueText(v)
	}
	return e
}

// Recover returns a Notifier that calls n and turns a panic of n into
// an error: a [PanicError] wrapped with [Permanent], since a notifier
// that panics on an event will most likely panic on it again. The
// Dispatcher and the Desk wrap their notifiers with it, so that a
// panicking notifier costs one event, not the loop or the caller's
// request; a host calling a Notifier directly may wrap it too. A nil n
// gives nil.
//
// n runs on a goroutine of its own, which Recover waits for: a Notifier
// that calls runtime.Goexit (t.FailNow in a test does) ends that
// goroutine, not the caller's, and fails like a panic. Only a Notify
// that returns counts as an outcome, so neither Goexit nor panic(nil)
// under GODEBUG=panicnil=1 passes for a delivery.
func Recover(n Notifier) Notifier {
	if n == nil {
		return nil
	}
	return NotifierFunc(func(ctx context.Context, e Event) error {
		result := make(chan error, 1)
		go func() {
			returned := false
			defer func() {
				if !returned {
					// recover() is nil after runtime.Goexit, which goes on
					// ending this goroutine once the error is sent.
					result <- Permanent(panicError(recover()))
				}
			}()
			err := n.Notify(ctx, e)
			returned = true
			result <- err
		}()
		return <-result
	})
}
