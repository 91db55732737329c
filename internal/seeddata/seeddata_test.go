package seeddata

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"
)

func TestPickFollowsTheWeights(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	counts := map[string]int{}
	for range 10_000 {
		counts[Pick(r, []Weighted[string]{{"never", 0}, {"rare", 1}, {"often", 9}})]++
	}
	require.Zero(t, counts["never"])
	require.InDelta(t, 9000, counts["often"], 300)
	require.InDelta(t, 1000, counts["rare"], 300)
}

func TestSubjectStartsUpperCaseAndNamesAProduct(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		s := Subject(r)
		require.True(t, unicode.IsUpper([]rune(s)[0]), s)
		found := false
		for _, p := range Products {
			found = found || strings.Contains(strings.ToLower(s), p)
		}
		require.True(t, found, s)
	}
	require.Equal(t, "tenant-01", TenantID(0))
	require.Equal(t, "tenant-12", TenantID(11))
}
