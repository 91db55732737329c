package ticketkit_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// readmeExamples are the files whose testable examples the README's Go
// snippets quote.
var readmeExamples = []string{
	"example_tour_test.go",
	"example_test.go",
	"notify/email/example_desk_test.go",
	"httpapi/ui/example_test.go",
	"otelticketkit/example_test.go",
	"riverticketkit/example_test.go",
}

// The README's Go snippets are quoted from testable examples, so that
// they compile and do what the page says: every line of a snippet,
// except comment lines, appears in one example file, in the same order
// (the examples add error checks and output in between).
func TestREADMESnippetsAreExamples(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllSubmatch(readme, -1)
	require.NotEmpty(t, blocks)

	sources := map[string][]string{}
	for _, name := range readmeExamples {
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		sources[name] = codeLines(string(b), false)
	}
	for _, block := range blocks {
		snippet := codeLines(string(block[1]), true)
		best, bestAt := "", -1
		for name, src := range sources {
			if at := quoted(snippet, src); at > bestAt {
				best, bestAt = name, at
			}
		}
		if bestAt < len(snippet) {
			t.Errorf("README snippet line %q is not in %s (after the lines before it); snippet:\n%s", snippet[bestAt], best, block[1])
		}
	}
}

// codeLines returns the non-blank lines of src with white space runs
// collapsed, leaving out comment-only lines when skipComments is set.
func codeLines(src string, skipComments bool) []string {
	var out []string
	for line := range strings.Lines(src) {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" || (skipComments && strings.HasPrefix(line, "//")) {
			continue
		}
		out = append(out, line)
	}
	return out
}

// quoted returns how many lines of snippet, from the first, appear in
// src in order.
func quoted(snippet, src []string) int {
	n := 0
	for _, line := range src {
		if n < len(snippet) && line == snippet[n] {
			n++
		}
	}
	return n
}
