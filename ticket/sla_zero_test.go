package ticket_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/ticketkit/ticketkit/ticket"
)

// TestSLAStateIsZero sets each field of SLAState in turn, so that a field
// added later and forgotten in IsZero fails here.
func TestSLAStateIsZero(t *testing.T) {
	assert.True(t, ticket.SLAState{}.IsZero())
	typ := reflect.TypeFor[ticket.SLAState]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		var s ticket.SLAState
		v := reflect.ValueOf(&s).Elem().Field(i)
		switch v.Interface().(type) {
		case string:
			v.SetString("x")
		case int, time.Duration:
			v.SetInt(1)
		case bool:
			v.SetBool(true)
		case time.Time:
			v.Set(reflect.ValueOf(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
		case []string:
			v.Set(reflect.ValueOf([]string{"x"}))
		case []ticket.RuleTimer:
			v.Set(reflect.ValueOf([]ticket.RuleTimer{{Rule: "x"}}))
		default:
			t.Fatalf("field %s: type %s not covered by this test", f.Name, f.Type)
		}
		assert.False(t, s.IsZero(), "SLAState with only %s set", f.Name)
	}
}
