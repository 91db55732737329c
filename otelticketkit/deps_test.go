package otelticketkit_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPackageUsesTheAPIOnly checks that the package compiles the
// OpenTelemetry API and none of the SDK, which the host brings: its
// go.mod requires the SDK for these tests only.
func TestPackageUsesTheAPIOnly(t *testing.T) {
	t.Parallel()
	cmd := exec.CommandContext(t.Context(), "go", "list", "-deps", ".")
	out, err := cmd.Output()
	require.NoError(t, err)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "go.opentelemetry.io/otel/trace")
	require.Contains(t, deps, "go.opentelemetry.io/otel/metric")
	for _, dep := range deps {
		require.False(t, strings.HasPrefix(dep, "go.opentelemetry.io/otel/sdk"), "the package compiles %s", dep)
		require.False(t, strings.HasPrefix(dep, "github.com/uptrace/bun"), "the package compiles %s", dep)
	}
}
