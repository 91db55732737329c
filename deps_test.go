// The library's dependencies, as a host sees them (issue 14 item 7;
// measured with Go 1.26 and GOWORK=off on 2026-12-03):
//
//   - go list -deps . lists 188 packages: 143 of the standard library, 9
//     of ticketkit and 36 from 11 modules (go-playground/validator and
//     what it imports: locales, universal-translator, leodido/go-urn,
//     gabriel-vasile/mimetype, x/crypto, x/sys; goccy/go-yaml; x/text;
//     shopspring/decimal; google/uuid). No Bun, SQL driver, SMTP client or
//     server, MIME parser or browser: the tests below keep it so.
//   - A host module that imports only the root package and storage/memory
//     has 62 modules in go list -m all (issue 14 counted 69 before the
//     examples, notify/email and complaintdoc/pdf became modules of their
//     own), and go build downloads 11 of them. The others, pgx,
//     modernc.org/sqlite and go-sql-driver/mysql among them, are in the graph because this
//     module's go.mod requires them: storage/bunstore/bunopen opens databases with those drivers,
//     and bunstore's and the Desk's tests run on SQLite, PostgreSQL and
//     MySQL/MariaDB (internal/dbtest). Graph pruning keeps the host from downloading
//     more than their go.mod files to build; go mod tidy in the host fetches
//     them whole, to record checksums for the tests of the packages it
//     imports. Only a module of their own for bunstore, bunopen and the
//     database tests would take them out of the graph.
package ticketkit_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Modules that must stay out of the library module's go.mod, and so out
// of the module graph of every host: they are needed only to test
// notify/email and the examples, which are modules of their own.
var heavyModules = []string{
	"github.com/chromedp/",
	"github.com/emersion/go-smtp",
	"github.com/emersion/go-sasl",
	"github.com/wneessen/go-mail",
	"go.uber.org/goleak",
	"github.com/nats-io/",    // notify/nats
	"github.com/rabbitmq/",   // notify/rabbitmq
	"go.opentelemetry.io/",   // the otelticketkit module's; the root offers only ticketkit.Observer
	"github.com/riverqueue/", // the riverticketkit module's
}

// Packages that the library packages below must not compile: SQL
// drivers, SMTP clients and servers, browsers.
var heavyPackages = []string{
	"github.com/jackc/pgx/",
	"modernc.org/sqlite",
	"github.com/go-sql-driver/mysql",
	"github.com/emersion/",
	"github.com/wneessen/go-mail",
	"github.com/chromedp/",
}

// Packages that a host using only the Desk and the memory store must not
// compile either: Bun and the MIME parser come with bunstore and mailin.
var storePackages = []string{
	"github.com/uptrace/bun",
	"github.com/jhillyerd/enmime",
}

func goCmd(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", args...)
	cmd.Env = append(cmd.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	out, err := cmd.Output()
	require.NoError(t, err, "go %s", strings.Join(args, " "))
	return out
}

func TestModuleGraphIsLean(t *testing.T) {
	t.Parallel()
	var mod struct{ Require []struct{ Path string } }
	require.NoError(t, json.Unmarshal(goCmd(t, "mod", "edit", "-json"), &mod))
	require.NotEmpty(t, mod.Require)
	for _, r := range mod.Require {
		for _, heavy := range heavyModules {
			require.False(t, strings.HasPrefix(r.Path, heavy), "go.mod requires %s; it belongs in examples/go.mod, notify/email/go.mod or otelticketkit/go.mod", r.Path)
		}
	}
}

func TestLibraryPackagesCompileNoDriverOrMailClient(t *testing.T) {
	t.Parallel()
	for _, pkg := range []string{".", "./storage/memory", "./storage/bunstore", "./mailin", "./mailin/intake", "./httpapi"} {
		deps := strings.Fields(string(goCmd(t, "list", "-deps", pkg)))
		require.NotEmpty(t, deps)
		for _, dep := range deps {
			for _, heavy := range heavyPackages {
				require.False(t, strings.HasPrefix(dep, heavy), "%s compiles %s", pkg, dep)
			}
		}
	}
}

// A host on the memory store compiles no Bun (domain types carry no ORM
// tags) and no mail parser.
func TestRootAndMemoryStoreCompileNoBunOrMailParser(t *testing.T) {
	t.Parallel()
	for _, pkg := range []string{".", "./storage/memory"} {
		deps := strings.Fields(string(goCmd(t, "list", "-deps", pkg)))
		require.NotEmpty(t, deps)
		for _, dep := range deps {
			for _, heavy := range storePackages {
				require.False(t, strings.HasPrefix(dep, heavy), "%s compiles %s", pkg, dep)
			}
		}
	}
}

// A host copies an example out of the repository and builds it against
// the released module: its programs import no internal package.
func TestExamplesImportOnlyPublicPackages(t *testing.T) {
	t.Parallel()
	out := string(goCmd(t, "-C", "examples", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./..."))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Greater(t, len(lines), 5, "examples found: %q", out)
	for _, line := range lines {
		pkg, imports, _ := strings.Cut(line, " ")
		for imp := range strings.FieldsSeq(imports) {
			require.False(t, strings.HasPrefix(imp, "github.com/ticketkit/ticketkit/") && strings.Contains(imp, "/internal/"),
				"%s imports %s, which a copy outside the repository cannot", pkg, imp)
		}
	}
}
