// Command frontend serves a small agent console and customer portal web
// page over ticketkit's HTTP JSON API (package httpapi), on embedded
// SQLite.
//
//	go run ./examples/frontend                      # http://127.0.0.1:8080
//	go run ./examples/frontend -addr :9000 -db desk.db
//
// It is a thin host: it mounts the httpapi handler under /api/ and the
// agent console and customer portal of package httpapi/ui under
// /support/, both behind one (demo) session cookie. Customers open
// tickets with an order number and files, follow and answer them; agents
// filter the queue, see unread tickets and SLA due times, reply, add
// notes and change the status as the workflow allows. Labels come from
// GET /api/catalog, in English or French (Accept-Language).
//
// # Authentication
//
// This is a demo: the page at / signs you in as one of four demo users
// by setting the demo_user cookie ("customer:jane", "agent:ann"...).
// The API's Config.Authenticate and the UI's Config.Viewer both map the
// cookie to the user and refuse anything else with 401. Anyone can claim
// to be anyone. A real host reads its own session instead and builds the
// Actor from its own user records; see [sessions].
//
// The database defaults to an in-memory SQLite database, so every run
// starts empty; -db names a file to keep the tickets.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	path := flag.String("db", ":memory:", `SQLite database file, or ":memory:"`)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, *addr, *path); err != nil {
		log.Fatal(err)
	}
}

// serve runs the demo server on addr with the SQLite database at path
// until ctx is cancelled, then shuts it down gracefully.
func serve(ctx context.Context, addr, path string) error {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	app, err := newApp(ctx, path, logger, nil)
	if err != nil {
		return err
	}
	defer app.Close()

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	// The timeouts of "Serving" in the httpapi documentation: the whole
	// request, body included, within ReadTimeout (a 10 MiB upload, the
	// demo's MaxUploadSize, takes about 90 s at 1 Mbit/s); WriteTimeout
	// starts when the headers are read, so it is longer.
	srv := &http.Server{
		Handler:           app,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      3 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	fmt.Printf("ticketkit demo frontend on http://%s/ (SQLite %s); Ctrl-C stops it\n", ln.Addr(), path)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
