package dbtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
)

// Under the race detector the pure-Go SQLite runs every migration
// slowly: about 0.5 s for a file and 5–8 s for an in-memory database on
// the CI machine, per store. [SQLiteMigrated] and [SQLiteMemoryMigrated]
// therefore migrate one in-memory database per test binary, keep its
// image (sqlite3_serialize), and give each test a database of its own
// made from that image: a new file written with it, or a new in-memory
// database loaded with it (sqlite3_deserialize).

// sqliteTemplate is the image of a freshly migrated database.
var sqliteTemplate struct {
	once  sync.Once
	image []byte
	err   error
}

// sqliteImage returns the image of a database migrated by
// [bunstore.Store.Migrate] with the default table prefix.
func sqliteImage() ([]byte, error) {
	sqliteTemplate.once.Do(func() {
		sqliteTemplate.image, sqliteTemplate.err = migratedSQLiteImage()
	})
	return sqliteTemplate.image, sqliteTemplate.err
}

func migratedSQLiteImage() ([]byte, error) {
	ctx := context.Background()
	db, err := bunopen.SQLite(bunopen.Memory)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	st, err := bunstore.New(db, bunstore.Config{})
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("dbtest: migrate the SQLite template: %w", err)
	}
	var image []byte
	err = rawSQLite(ctx, db, func(c sqliteConn) error {
		image, err = c.Serialize()
		return err
	})
	return image, err
}

// sqliteConn is what modernc.org/sqlite's connection offers to copy a
// database.
type sqliteConn interface {
	Serialize() ([]byte, error)
	Deserialize([]byte) error
}

// rawSQLite calls fn with the driver connection of db's one connection.
func rawSQLite(ctx context.Context, db *bun.DB, fn func(sqliteConn) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(sqliteConn)
		if !ok {
			return fmt.Errorf("dbtest: the SQLite driver's connection %T cannot serialize", dc)
		}
		return fn(c)
	})
}

// SQLiteMigrated is [SQLite] with the database already migrated by
// [bunstore.Store.Migrate] with the default table prefix: its file is
// written from the image of a database migrated once per test binary.
// Tests of migrations or table prefixes use [SQLite].
func SQLiteMigrated(t testing.TB) *bun.DB {
	t.Helper()
	image, err := sqliteImage()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "test.db")
	if err := os.WriteFile(path, image, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := OpenSQLite(path) // journal_mode(WAL) turns the copy to WAL
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// SQLiteMemoryMigrated is [SQLiteMemory] with the database already
// migrated by [bunstore.Store.Migrate] with the default table prefix:
// it is loaded with the image of a database migrated once per test
// binary. Tests of migrations or table prefixes use [SQLiteMemory].
func SQLiteMemoryMigrated(t testing.TB) *bun.DB {
	t.Helper()
	image, err := sqliteImage()
	if err != nil {
		t.Fatal(err)
	}
	db := SQLiteMemory(t)
	// The pool's one connection stays open (SQLiteMemory), so the loaded
	// database is the one every query sees.
	if err := rawSQLite(context.Background(), db, func(c sqliteConn) error {
		return c.Deserialize(image)
	}); err != nil {
		t.Fatal(err)
	}
	return db
}
