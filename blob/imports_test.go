package blob_test

import (
	"go/build"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestImportsOnlyStandardLibrary(t *testing.T) {
	t.Parallel()
	pkg, err := build.ImportDir(".", 0)
	require.NoError(t, err)
	for _, path := range pkg.Imports {
		first, _, _ := strings.Cut(path, "/")
		require.NotContains(t, first, ".", "blob imports %s", path)
	}
}
