package bunstore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// BenchmarkOpenTicket measures opening a ticket (a number drawn from the
// counter, the ticket row, its history line and its outbox entry, in one
// transaction) several ways on each backend, in the same run:
//
//   - handwritten: the floor, plain Bun code with tagged structs writing
//     the same rows with the same statements a careful host would write;
//   - store: bunstore's Store.RunInTx with SequenceNext, TicketCreate,
//     EventCreate and OutboxCreate (helpers_test.go's openTicket);
//   - desk: ticketkit.Desk.Open on bunstore, which also validates the
//     input, renders the number and derives history and notifications;
//   - interleaved: the floor the issue 21 targets are quoted against and
//     Desk.Open, one operation each in turn (see benchOpenInterleaved).
//
// BENCHMARKS.md quotes store/handwritten and desk/handwritten.
//
//	go test -run XXX -bench OpenTicket -benchmem ./storage/bunstore
func BenchmarkOpenTicket(b *testing.B) {
	for _, be := range dbtest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			ctx := context.Background()
			db := be.Open(b)
			db.SetMaxOpenConns(1) // one connection: no pool effects in a serial benchmark
			st := newStore(b, db, bunstore.Config{})

			b.Run("handwritten", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := openHandwritten(ctx, db, "bench-hand"); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("store", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := openTicket(ctx, st, "bench-store", "TK-2026"); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("interleaved", func(b *testing.B) {
				benchOpenInterleaved(b, db, st)
			})
			b.Run("desk", func(b *testing.B) {
				desk, err := ticketkit.New(ticketkit.Config{Store: st})
				require.NoError(b, err)
				agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "bench-desk"}
				p := ticketkit.OpenParams{
					Subject:  "Opened concurrently",
					Customer: ticket.Customer{ID: "c1", Email: "Ann@Example.com"},
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := desk.Open(ctx, agent, p); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// The hand-written baseline's rows: the same tables and columns as
// bunstore's migrations, written the way a host would with Bun tags.

type handTicket struct {
	bun.BaseModel `bun:"table:ticketkit_tickets"`

	ID             string    `bun:"id,pk"`
	TenantID       string    `bun:"tenant_id"`
	Number         string    `bun:"number"`
	Subject        string    `bun:"subject"`
	SubjectLower   string    `bun:"subject_lower"`
	Description    string    `bun:"description"`
	Status         string    `bun:"status"`
	Priority       string    `bun:"priority"`
	Category       string    `bun:"category"`
	Department     string    `bun:"department"`
	Channel        string    `bun:"channel"`
	Assignee       string    `bun:"assignee"`
	CustomerID     string    `bun:"customer_id"`
	CustomerEmail  string    `bun:"customer_email"`
	CustomerMobile string    `bun:"customer_mobile"`
	Customer       string    `bun:"customer"`
	Contacts       string    `bun:"contacts"`
	Refs           string    `bun:"refs"`
	Tags           string    `bun:"tags"`
	Fields         string    `bun:"fields"`
	Actions        string    `bun:"actions"`
	Reason         string    `bun:"reason"`
	ClosureReason  string    `bun:"closure_reason"`
	CreatedBy      string    `bun:"created_by"`
	CreatedAt      time.Time `bun:"created_at"`
	UpdatedAt      time.Time `bun:"updated_at"`
	ClosedAt       time.Time `bun:"closed_at,nullzero"`
	Version        int64     `bun:"version"`
}

type handEvent struct {
	bun.BaseModel `bun:"table:ticketkit_events"`

	ID        string    `bun:"id"`
	TenantID  string    `bun:"tenant_id"`
	TicketID  string    `bun:"ticket_id"`
	ActorID   string    `bun:"actor_id"`
	ActorRole string    `bun:"actor_role"`
	At        time.Time `bun:"at"`
	Field     string    `bun:"field"`
	Old       string    `bun:"old"`
	New       string    `bun:"new"`
}

type handOutbox struct {
	bun.BaseModel `bun:"table:ticketkit_outbox"`

	ID            string    `bun:"id,pk"`
	TenantID      string    `bun:"tenant_id"`
	TicketID      string    `bun:"ticket_id"`
	Kind          string    `bun:"kind"`
	Payload       []byte    `bun:"payload"`
	CreatedAt     time.Time `bun:"created_at"`
	Attempts      int       `bun:"attempts"`
	NextAttemptAt time.Time `bun:"next_attempt_at"`
}

// openHandwritten writes what openTicket writes, with plain Bun.
func openHandwritten(ctx context.Context, db *bun.DB, tenant string) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var n int64
		var err error
		if dialectOf(db) == bunstore.DialectMySQL {
			// MySQL's sequence idiom: the new value is the insert ID.
			var res sql.Result
			res, err = tx.NewRaw("INSERT INTO ticketkit_counters (tenant_id, scope, value) VALUES (?, ?, LAST_INSERT_ID(1)) "+
				"ON DUPLICATE KEY UPDATE value = LAST_INSERT_ID(value + 1)", tenant, "TK-2026").Exec(ctx)
			if err == nil {
				n, err = res.LastInsertId()
			}
		} else {
			err = tx.NewRaw("INSERT INTO ticketkit_counters AS c (tenant_id, scope, value) VALUES (?, ?, 1) "+
				"ON CONFLICT (tenant_id, scope) DO UPDATE SET value = c.value + 1 RETURNING value",
				tenant, "TK-2026").Scan(ctx, &n)
		}
		if err != nil {
			return err
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		customer, err := json.Marshal(ticket.Customer{ID: "c1", Email: "Ann@Example.com"})
		if err != nil {
			return err
		}
		subject := "Opened concurrently"
		tk := &handTicket{
			ID: ids.New(), TenantID: tenant, Number: fmt.Sprintf("TK-2026-%06d", n),
			Subject: subject, SubjectLower: strings.ToLower(subject),
			Status: ticket.StatusOpen, Priority: ticket.PriorityNormal, Channel: string(ticket.ChannelWeb),
			CustomerID: "c1", CustomerEmail: "ann@example.com", Customer: string(customer),
			Contacts: "null", Refs: "null", Tags: "null", Fields: "null", Actions: "null",
			CreatedAt: now, UpdatedAt: now, Version: 1,
		}
		if _, err := tx.NewInsert().Model(tk).Exec(ctx); err != nil {
			return err
		}
		ev := &handEvent{ID: ids.New(), TenantID: tenant, TicketID: tk.ID, ActorID: "system",
			ActorRole: string(ticket.RoleSystem), At: now, Field: string(ticket.FieldCreated), New: tk.Number}
		if _, err := tx.NewInsert().Model(ev).Exec(ctx); err != nil {
			return err
		}
		ob := &handOutbox{ID: ids.New(), TenantID: tenant, TicketID: tk.ID, Kind: "ticket.opened",
			Payload: []byte(`{"number":"` + tk.Number + `"}`), CreatedAt: now, NextAttemptAt: now}
		_, err = tx.NewInsert().Model(ob).Exec(ctx)
		return err
	})
}
