package bunstore_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/workflow"
)

// TestBlackboxEveryMethodRefusesAnUnsafeSession calls every method of a
// store on sessions with standard_conforming_strings=off, with hostile
// values where a method takes text, and the background work above it
// (dispatcher, escalation sweep): each must refuse with ErrUnsafeSession,
// whichever method a host or a future use case calls first.
func TestBlackboxEveryMethodRefusesAnUnsafeSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	safe := dbtest.Postgres(t)
	newStore(t, safe, bunstore.Config{})
	unsafe := openUnsafe(t, safe)

	// Migrate and RunInTx have tests of their own; WithTx binds a host's
	// transaction and runs nothing (TestWithTxChecksTheSession checks the
	// store it returns); InHostTx and TablePrefix send no statement, nor
	// does the capability marker TicketFullText (TicketList, which reads
	// the full-text indexes, is checked here).
	skip := map[string]bool{"Migrate": true, "RunInTx": true, "WithTx": true, "InHostTx": true, "TablePrefix": true, "TicketFullText": true}
	st := reflect.TypeFor[*bunstore.Store]()
	for i := range st.NumMethod() {
		m := st.Method(i)
		if skip[m.Name] {
			continue
		}
		t.Run(m.Name, func(t *testing.T) {
			require.True(t, m.Type.NumIn() >= 2 && m.Type.In(1) == reflect.TypeFor[context.Context](),
				"%s takes no context first: say in skip which test checks its session", m.Name)
			// A fresh store per method: its first statement is the one checked.
			us, err := bunstore.New(unsafe, bunstore.Config{})
			require.NoError(t, err)
			args := []reflect.Value{reflect.ValueOf(us), reflect.ValueOf(ctx)}
			for j := 2; j < m.Type.NumIn(); j++ {
				args = append(args, hostileValue(m.Type.In(j)))
			}
			out := m.Func.Call(args)
			err, _ = out[len(out)-1].Interface().(error)
			require.ErrorIs(t, err, bunstore.ErrUnsafeSession, "%s ran on an unsafe session", m.Name)
		})
	}

	us, err := bunstore.New(unsafe, bunstore.Config{})
	require.NoError(t, err)
	sla, err := workflow.NewSLA(workflow.SLAConfig{Policies: []workflow.Policy{{
		Name: "standard", Targets: workflow.Targets{Resolution: workflow.Duration(4 * time.Hour)},
	}}}, nil)
	require.NoError(t, err)
	desk, err := ticketkit.New(ticketkit.Config{Store: us, SLA: sla})
	require.NoError(t, err)
	_, err = desk.RunEscalations(ctx)
	require.ErrorIs(t, err, bunstore.ErrUnsafeSession)
	called := false
	d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: us, Notifier: notify.NotifierFunc(func(context.Context, notify.Event) error {
		called = true
		return nil
	})})
	require.NoError(t, err)
	_, err = d.RunOnce(ctx)
	require.ErrorIs(t, err, bunstore.ErrUnsafeSession)
	require.False(t, called)
}

// hostileValue returns a value of type typ whose strings are byNumber,
// the value that ends a literal on an unsafe session.
func hostileValue(typ reflect.Type) reflect.Value {
	switch typ.Kind() {
	case reflect.Pointer:
		v := reflect.New(typ.Elem())
		fill(v.Elem(), 0)
		return v
	case reflect.Slice:
		v := reflect.MakeSlice(typ, 1, 1)
		v.Index(0).Set(hostileValue(typ.Elem()))
		return v
	default:
		v := reflect.New(typ).Elem()
		fill(v, 0)
		return v
	}
}

// fill sets every settable string of v, through nested structs, pointers
// to structs (to a depth of four) and slices, to byNumber (but cursors and
// sort fields, which are refused before any statement), durations to a
// minute and times to now.
func fill(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() && v.Type().Elem().Kind() == reflect.Struct && depth < 4 {
			p := reflect.New(v.Type().Elem())
			fill(p.Elem(), depth+1)
			v.Set(p)
		}
	case reflect.String:
		v.SetString(byNumber)
	case reflect.Int, reflect.Int64:
		if v.Type() == reflect.TypeFor[time.Duration]() {
			v.SetInt(int64(time.Minute))
		} else {
			v.SetInt(1)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Now().UTC()))
			return
		}
		for i := range v.NumField() {
			// Cursors and sort fields are checked before any statement.
			if f := v.Type().Field(i); f.IsExported() && f.Name != "After" && f.Name != "Sort" {
				fill(v.Field(i), depth)
			}
		}
	case reflect.Slice:
		switch v.Type().Elem().Kind() {
		case reflect.String:
			s := reflect.MakeSlice(v.Type(), 1, 1)
			s.Index(0).SetString(byNumber)
			v.Set(s)
		case reflect.Uint8: // bytes, such as a tenant configuration's data
			v.SetBytes([]byte(byNumber))
		}
	}
}

var _ storage.Store = (*bunstore.Store)(nil)
