// Command frontend serves a small agent console and customer portal web
// page over ticketkit's HTTP JSON API (package httpapi), on embedded
// SQLite.
//
//	go run ./examples/frontend                      # http://127.0.0.1:8080
//	go run ./examples/frontend -addr :9000 -db desk.db
//
// The server mounts the httpapi handler under /api/ and serves a single
// page (index.html, app.js and style.css, embedded in the binary, plain
// JavaScript with no build step and nothing loaded from elsewhere) at /.
// The page has two views: customers open tickets, read their own tickets
// and reply with an attachment; agents search tickets by status and text,
// read the whole thread including internal notes, reply, add notes and
// change the status, closing with a reason. Status, priority and category
// labels come from GET /api/catalog.
//
// # Authentication
//
// This is a demo: a picker at the top of the page chooses who you are,
// and every API request carries that choice in the X-Demo-User header
// ("customer:jane", "agent:ann"...). The server's Config.Authenticate
// maps it to a ticketkit.Actor of tenant "demo" and answers anything else
// with 401. Anyone can claim to be anyone. A real host plugs its own
// authentication into Config.Authenticate instead (a session cookie, a
// bearer token) and builds the Actor from its own user records; see
// [demoAuthenticate].
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
	app, err := newApp(ctx, path, logger)
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
