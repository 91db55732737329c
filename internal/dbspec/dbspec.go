// Package dbspec opens a database named on a command line as
// sqlite:PATH, postgres:DSN or mysql:DSN, for the seeder
// (cmd/ticketkit-seed) and the load generator (cmd/ticketkit-load).
package dbspec

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
)

// Open opens the database spec names: sqlite:PATH, postgres:DSN (or
// postgresql:DSN) or mysql:DSN (bunopen.MySQL's form, MySQL 8 or
// MariaDB).
func Open(ctx context.Context, spec string) (*bun.DB, error) {
	kind, arg, ok := strings.Cut(spec, ":")
	if !ok || arg == "" {
		return nil, fmt.Errorf("-db %q: want sqlite:PATH, postgres:DSN or mysql:DSN", spec)
	}
	switch kind {
	case "sqlite":
		return bunopen.SQLite(arg)
	case "postgres", "postgresql":
		return bunopen.Postgres(ctx, arg)
	case "mysql":
		return bunopen.MySQL(ctx, arg)
	}
	return nil, fmt.Errorf("-db %q: unknown kind %q: want sqlite, postgres or mysql", spec, kind)
}
