// Command ticketkit-load runs a mixed workload against one database: N
// application processes (copies of itself) open, reply to, search and
// transition tickets at a target rate, each with a Dispatcher delivering
// the outbox and an escalation sweep running, as a host's instances
// would. It reports the throughput reached, p50/p95/p99 latency and
// errors per use case, what the dispatchers delivered and the backlog
// they left, and the sweeps' latency.
//
// # Use
//
//	go run ./cmd/ticketkit-load -db 'postgres:postgres://postgres@127.0.0.1:5432/tkload?sslmode=disable' -procs 4 -rates 25,50,100,200 -duration 30s
//
// For each rate of -rates (operations per second, all processes
// together) it starts -procs processes, which share the rate equally.
// Each opens -prefill tickets first (not measured), then starts its
// Dispatcher and its sweeper, and at a common start time begins
// operations on an open-loop schedule: operation i of a process starts
// at start + i/rate whatever the earlier ones are doing, up to
// -concurrency in flight; an operation due while all are busy is not
// run and counted as dropped, the sign of saturation (as is a reached
// rate below the target). The mix (-mix) picks each operation:
//
//   - open: a ticket for a customer of one of -tenants tenants, with a
//     generated subject (internal/seeddata, as cmd/ticketkit-seed);
//   - reply: an agent's reply on a ticket the process opened;
//   - search: a tenant's tickets by subject text, by status, or by
//     customer email, a page of 25;
//   - transition: the Transitions the agent may take on one of the
//     process's tickets, then one of them (one needing no reason).
//
// The Desk has an SLA (first response 1 minute, resolution 5 minutes,
// a warning at 50 %, one escalation level), so that sweeps over the
// tickets of earlier rates fire. The database is migrated first and
// keeps what the run wrote: use one made for the load test.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	ctx := context.Background()
	var err error
	if os.Getenv(childEnv) != "" {
		err = runChild(ctx, os.Args[1:])
	} else {
		err = runParent(ctx, os.Args[1:])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ticketkit-load:", err)
		os.Exit(1)
	}
}

// childEnv marks a process the parent started.
const childEnv = "TICKETKIT_LOAD_CHILD"

// options are the flags, the parent's and its children's.
type options struct {
	db          string
	procs       int
	rates       []float64
	duration    time.Duration
	prefill     int
	concurrency int
	tenants     int
	mix         mix
	sweep       time.Duration
	dispatch    bool
	seed        uint64
	// Set by the parent for a child.
	rate  float64 // this process's rate
	start int64   // Unix nanoseconds of the common start (read from stdin)
	index int     // this child's number
}

// flags declares the flags on fs.
func (o *options) flags(fs *flag.FlagSet, rates, mixSpec *string) {
	fs.StringVar(&o.db, "db", "", "database: postgres:DSN (or sqlite:PATH, mysql:DSN) (required)")
	fs.IntVar(&o.procs, "procs", 4, "application processes")
	fs.StringVar(rates, "rates", "25,50,100", "target rates to run, operations per second of all processes together, comma-separated")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "measured time at each rate")
	fs.IntVar(&o.prefill, "prefill", 50, "tickets each process opens before measuring")
	fs.IntVar(&o.concurrency, "concurrency", 8, "operations in flight per process, at most (each process opens up to concurrency+4 connections)")
	fs.IntVar(&o.tenants, "tenants", 5, "tenants")
	fs.StringVar(mixSpec, "mix", "open=20,reply=40,search=25,transition=15", "shares of the use cases")
	fs.DurationVar(&o.sweep, "sweep", time.Second, "pause between escalation sweeps of each process (0: none)")
	fs.BoolVar(&o.dispatch, "dispatch", true, "run a Dispatcher in each process")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the pseudo-random choices")
	fs.Float64Var(&o.rate, "child-rate", 0, "(set by the parent) this process's rate")
	fs.IntVar(&o.index, "child-index", 0, "(set by the parent) this process's number")
}

// parse parses args into o and checks them.
func (o *options) parse(name string, args []string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var rates, mixSpec string
	o.flags(fs, &rates, &mixSpec)
	if err := fs.Parse(args); err != nil {
		return err
	}
	var errs []error
	if o.db == "" {
		errs = append(errs, errors.New("-db is required"))
	}
	for f := range strings.SplitSeq(rates, ",") {
		r, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || r <= 0 {
			errs = append(errs, fmt.Errorf("-rates: %q is not a positive number", f))
			continue
		}
		o.rates = append(o.rates, r)
	}
	m, err := parseMix(mixSpec)
	if err != nil {
		errs = append(errs, err)
	}
	o.mix = m
	if o.procs < 1 || o.concurrency < 1 || o.tenants < 1 || o.tenants > 99 || o.prefill < 1 {
		errs = append(errs, errors.New("-procs, -concurrency and -prefill must be positive, -tenants between 1 and 99"))
	}
	if o.duration <= 0 || o.sweep < 0 {
		errs = append(errs, errors.New("-duration must be positive and -sweep not negative"))
	}
	return errors.Join(errs...)
}

// childArgs returns the command line of child i at rate.
func childArgs(args []string, i int, rate float64) []string {
	out := append([]string{}, args...)
	return append(out,
		"-child-rate", strconv.FormatFloat(rate, 'f', -1, 64),
		"-child-index", strconv.Itoa(i))
}
