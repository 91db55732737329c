package bunstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// hostOrder is a row of the host's own table.
type hostOrder struct {
	bun.BaseModel `bun:"table:host_orders"`

	ID       string `bun:"id,pk"`
	TicketID string `bun:"ticket_id"`
}

// hostDB returns a database with the ticketkit tables and the host's own
// table, and a store over it.
func hostDB(t *testing.T, b dbtest.Backend) (*bun.DB, *bunstore.Store) {
	t.Helper()
	db := b.Open(t)
	st := newStore(t, db, bunstore.Config{})
	_, err := db.NewCreateTable().Model((*hostOrder)(nil)).Exec(context.Background())
	require.NoError(t, err)
	return db, st
}

// hostWork inserts a host row and opens a ticket with its history through
// a store built over the host's transaction.
func hostWork(ctx context.Context, tx bun.Tx, tk *ticket.Ticket) error {
	st, err := bunstore.New(tx, bunstore.Config{})
	if err != nil {
		return err
	}
	if _, err := tx.NewInsert().Model(&hostOrder{ID: "SO-" + tk.ID, TicketID: tk.ID}).Exec(ctx); err != nil {
		return err
	}
	if err := st.TicketCreate(ctx, tk); err != nil {
		return err
	}
	return st.EventCreate(ctx, []*ticket.Event{{ID: ids.New(), TenantID: tk.TenantID, TicketID: tk.ID,
		At: tk.CreatedAt, Field: ticket.FieldCreated, New: tk.Number}})
}

func TestHostTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range migratedBackends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()

			t.Run("CommitKeepsHostRowsAndTickets", func(t *testing.T) {
				t.Parallel()
				db, st := hostDB(t, b)
				tk := sampleTicket("acme", "TK-1", "Host commit")
				require.NoError(t, db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
					return hostWork(ctx, tx, tk)
				}))

				require.Equal(t, int64(1), count(t, db, "host_orders"))
				got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: tk.ID})
				require.NoError(t, err)
				require.Equal(t, "Host commit", got.Subject)
				events, err := st.EventList(ctx, storage.EventListParams{TenantID: "acme", TicketID: tk.ID})
				require.NoError(t, err)
				require.Len(t, events, 1)
			})

			t.Run("RollbackDropsHostRowsAndTickets", func(t *testing.T) {
				t.Parallel()
				db, st := hostDB(t, b)
				tk := sampleTicket("acme", "TK-1", "Host rollback")
				boom := errors.New("host fails after the ticket")
				err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
					if err := hostWork(ctx, tx, tk); err != nil {
						return err
					}
					return boom
				})
				require.ErrorIs(t, err, boom)

				require.Equal(t, int64(0), count(t, db, "host_orders"))
				_, err = st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: tk.ID})
				require.ErrorIs(t, err, storage.ErrNotFound)
				require.Equal(t, int64(0), count(t, db, "ticketkit_events"))
			})

			t.Run("RunInTxNestsAsASavepoint", func(t *testing.T) {
				t.Parallel()
				db, st := hostDB(t, b)
				kept := sampleTicket("acme", "TK-1", "Kept")
				undone := sampleTicket("acme", "TK-2", "Undone")
				boom := errors.New("inner failure")
				ctxKey := struct{ name string }{"caller"}
				require.NoError(t, db.RunInTx(ctx, nil, func(_ context.Context, tx bun.Tx) error {
					inner, err := bunstore.New(tx, bunstore.Config{})
					require.NoError(t, err)
					// The caller's ctx (and its values) reach fn.
					callerCtx := context.WithValue(ctx, ctxKey, "yes")
					require.NoError(t, inner.RunInTx(callerCtx, func(ctx context.Context, stx storage.Tx) error {
						require.Equal(t, "yes", ctx.Value(ctxKey))
						return stx.TicketCreate(ctx, kept)
					}))
					err = inner.RunInTx(ctx, func(ctx context.Context, stx storage.Tx) error {
						if err := stx.TicketCreate(ctx, undone); err != nil {
							return err
						}
						// A failed statement: on PostgreSQL it aborts the
						// transaction up to the savepoint.
						if err := stx.TicketCreate(ctx, kept); !errors.Is(err, storage.ErrConflict) {
							return errors.New("want ErrConflict")
						}
						return boom
					})
					require.ErrorIs(t, err, boom)
					// The host's transaction is still usable.
					_, err = tx.NewInsert().Model(&hostOrder{ID: "SO-1", TicketID: kept.ID}).Exec(ctx)
					return err
				}))

				require.Equal(t, int64(1), count(t, db, "host_orders"))
				_, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: kept.ID})
				require.NoError(t, err)
				_, err = st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: undone.ID})
				require.ErrorIs(t, err, storage.ErrNotFound)
			})

			t.Run("PanicRollsBackToTheSavepoint", func(t *testing.T) {
				t.Parallel()
				db, st := hostDB(t, b)
				tk := sampleTicket("acme", "TK-1", "Panicked")
				require.NoError(t, db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
					inner, err := bunstore.New(&tx, bunstore.Config{}) // a *bun.Tx works too
					require.NoError(t, err)
					require.Panics(t, func() {
						_ = inner.RunInTx(ctx, func(ctx context.Context, stx storage.Tx) error {
							if err := stx.TicketCreate(ctx, tk); err != nil {
								return err
							}
							panic("boom")
						})
					})
					return nil
				}))
				_, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: tk.ID})
				require.ErrorIs(t, err, storage.ErrNotFound)
			})

			t.Run("StoreOverAConn", func(t *testing.T) {
				t.Parallel()
				db, st := hostDB(t, b)
				conn, err := db.Conn(ctx)
				require.NoError(t, err)
				defer conn.Close()
				cst, err := bunstore.New(conn, bunstore.Config{})
				require.NoError(t, err)
				tk := sampleTicket("acme", "TK-1", "Over a conn")
				require.NoError(t, cst.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
					return tx.TicketCreate(ctx, tk)
				}))
				_, err = st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: tk.ID})
				require.NoError(t, err)
			})
		})
	}
}

// tracedIDB is a host's decorator of a bun.IDB (tracing, metrics): the
// store cannot see what it wraps.
type tracedIDB struct{ bun.IDB }

// TestInHostTx asks each kind of bun.IDB whether the store runs inside a
// transaction it does not own. A host's wrapper of a bun.Tx used to
// answer no, though its BeginTx (bun.Tx's) only sets a savepoint: a Desk
// over it announced changes the host then rolled back. What the store
// cannot tell counts as the host's transaction.
func TestInHostTx(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	over := func(db bun.IDB) *bunstore.Store {
		st, err := bunstore.New(db, bunstore.Config{})
		require.NoError(t, err)
		return st
	}
	for _, b := range migratedBackends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db, st := hostDB(t, b)
			require.False(t, st.InHostTx(), "*bun.DB")
			conn, err := db.Conn(ctx)
			require.NoError(t, err)
			defer conn.Close()
			require.False(t, over(conn).InHostTx(), "bun.Conn: RunInTx begins its own transaction")
			require.False(t, over(&conn).InHostTx(), "*bun.Conn")
			require.True(t, over(tracedIDB{db}).InHostTx(), "a wrapper: the store cannot tell")
			require.NoError(t, conn.Close())

			tx, err := db.BeginTx(ctx, nil)
			require.NoError(t, err)
			require.True(t, over(tx).InHostTx(), "bun.Tx")
			require.True(t, over(&tx).InHostTx(), "*bun.Tx")
			wrapped := over(tracedIDB{tx})
			require.True(t, wrapped.InHostTx(), "a wrapped bun.Tx")
			tk := sampleTicket("acme", "TK-1", "In a wrapped host transaction")
			require.NoError(t, wrapped.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				return tx.TicketCreate(ctx, tk)
			}), "its RunInTx ends in a savepoint")
			require.NoError(t, tx.Rollback())
			_, err = st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: tk.ID})
			require.ErrorIs(t, err, storage.ErrNotFound, "the host's rollback undid it: it was the host's transaction")
		})
	}
}
