package testenv_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/testenv"
)

// recorder notes whether the test was skipped or failed.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Skip(args ...any)                  { r.skipped = args[0].(string); panic(r) }
func (r *recorder) Fatalf(format string, args ...any) { r.failed = format; panic(r) }

func run(t *testing.T, ci string) *recorder {
	t.Setenv("CI", ci)
	r := &recorder{TB: t}
	func() {
		defer func() { require.Equal(t, r, recover()) }()
		testenv.Unavailable(r, "no server")
	}()
	return r
}

func TestUnavailableSkipsLocallyAndFailsUnderCI(t *testing.T) {
	local := run(t, "")
	require.Equal(t, "no server", local.skipped)
	require.Empty(t, local.failed)

	ci := run(t, "true")
	require.Empty(t, ci.skipped)
	require.Contains(t, ci.failed, "CI=true")
}
