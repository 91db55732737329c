// Package testenv holds the one rule ticketkit's tests follow when
// something they need from the machine is missing (a database server, a
// browser): skip with a one-line reason on a developer's machine, fail
// under CI (CI=true), so that no CI run passes by skipping.
package testenv

import (
	"os"
	"testing"
)

// CI reports whether the tests run under CI (CI=true).
func CI() bool { return os.Getenv("CI") == "true" }

// Unavailable stops the test because something it needs is missing: it
// fails under CI and skips elsewhere, giving reason either way.
func Unavailable(t testing.TB, reason string) {
	t.Helper()
	if CI() {
		t.Fatalf("%s (CI=true: this test must run, not skip)", reason)
	}
	t.Skip(reason)
}
