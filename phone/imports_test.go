package phone_test

import (
	"go/build"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestImportsOnlyStandardLibrary guards the reason this package exists:
// hosts that import it must not link the phonenumbers metadata.
func TestImportsOnlyStandardLibrary(t *testing.T) {
	t.Parallel()
	pkg, err := build.ImportDir(".", 0)
	require.NoError(t, err)
	for _, path := range pkg.Imports {
		first, _, _ := strings.Cut(path, "/")
		require.NotContains(t, first, ".", "phone imports %s", path)
	}
}
