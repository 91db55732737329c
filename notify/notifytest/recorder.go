// Package notifytest helps hosts test code that emits ticketkit
// notifications.
//
// A [Recorder] is a [notify.Notifier] that keeps every event it receives.
// The Desk notifies synchronously once a change has committed, so a test
// can inspect the recorder right after the call that caused the events:
//
//	rec := notifytest.NewRecorder()
//	// ... configure the Desk with rec, open a ticket ...
//	require.Equal(t, []notify.Kind{notify.KindOpened}, rec.Kinds())
//
// [Failing] returns a notifier that always fails, to test retries and
// the outbox.
package notifytest

import (
	"context"
	"slices"
	"sync"

	"github.com/ticketkit/ticketkit/notify"
)

var _ notify.Notifier = (*Recorder)(nil)

// Recorder is a [notify.Notifier] that records the events it receives, in
// order. It is safe for concurrent use. The zero value is ready to use.
//
// The accessors return copies of the recorded slice; the events'
// pointer fields (Ticket, Message, Changes) are shared with the sender.
type Recorder struct {
	mu     sync.Mutex
	events []notify.Event
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder {
	return &Recorder{}
}

// Notify records e and returns nil.
func (r *Recorder) Notify(_ context.Context, e notify.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return nil
}

// Events returns the recorded events in the order they arrived.
func (r *Recorder) Events() []notify.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// Kinds returns the kinds of the recorded events in the order they
// arrived.
func (r *Recorder) Kinds() []notify.Kind {
	r.mu.Lock()
	defer r.mu.Unlock()
	kinds := make([]notify.Kind, len(r.events))
	for i, e := range r.events {
		kinds[i] = e.Kind
	}
	return kinds
}

// OfKind returns the recorded events of kind k in the order they arrived.
func (r *Recorder) OfKind(k notify.Kind) []notify.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []notify.Event
	for _, e := range r.events {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// Len returns the number of recorded events.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// Reset forgets every recorded event.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = nil
}

// Failing returns a [notify.Notifier] whose Notify always returns err.
func Failing(err error) notify.Notifier {
	return notify.NotifierFunc(func(context.Context, notify.Event) error { return err })
}
