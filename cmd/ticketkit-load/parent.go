package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/dbspec"
	"github.com/ticketkit/ticketkit/storage/bunstore"
)

// step is the merged outcome of all processes at one rate.
type step struct {
	target  float64
	res     result  // merged
	backlog int     // outbox entries undelivered after the processes stopped
	pgCPU   float64 // CPU seconds of the database's PostgreSQL backends (0: not measured)
	appCPU  float64 // CPU seconds of the application processes, prefill included
}

func runParent(ctx context.Context, args []string) error {
	var o options
	if err := o.parse("ticketkit-load", args); err != nil {
		return err
	}
	db, err := dbspec.Open(ctx, o.db)
	if err != nil {
		return err
	}
	defer db.Close()
	store, err := bunstore.New(db, bunstore.Config{})
	if err != nil {
		return err
	}
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	fmt.Printf("ticketkit-load: %d processes on %s, %s per rate, mix %s, concurrency %d per process, dispatch %v, sweep every %s\n",
		o.procs, db.Dialect().Name(), o.duration, mixString(o.mix), o.concurrency, o.dispatch, o.sweep)
	var steps []step
	for _, rate := range o.rates {
		s, err := runStep(ctx, db, store.TablePrefix(), &o, args, rate)
		if err != nil {
			return fmt.Errorf("rate %g: %w", rate, err)
		}
		printStep(os.Stdout, s, o.procs)
		steps = append(steps, s)
	}
	printSummary(os.Stdout, steps)
	return nil
}

// runStep runs the processes at rate and merges their results.
func runStep(ctx context.Context, db *bun.DB, prefix string, o *options, args []string, rate float64) (step, error) {
	type proc struct {
		cmd   *exec.Cmd
		stdin io.WriteCloser
		out   *bufio.Reader
	}
	procs := make([]proc, o.procs)
	defer func() {
		for _, p := range procs {
			if p.cmd != nil && p.cmd.ProcessState == nil {
				_ = p.cmd.Process.Kill()
				_ = p.cmd.Wait()
			}
		}
	}()
	self, err := os.Executable()
	if err != nil {
		return step{}, err
	}
	for i := range procs {
		cmd := exec.CommandContext(ctx, self, childArgs(args, i, rate/float64(o.procs))...)
		cmd.Env = append(os.Environ(), childEnv+"=1")
		cmd.Stderr = os.Stderr
		stdin, err := cmd.StdinPipe()
		if err != nil {
			return step{}, err
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return step{}, err
		}
		if err := cmd.Start(); err != nil {
			return step{}, err
		}
		procs[i] = proc{cmd, stdin, bufio.NewReader(stdout)}
	}
	for i, p := range procs {
		line, err := p.out.ReadString('\n')
		if strings.TrimSpace(line) != "ready" {
			return step{}, fmt.Errorf("process %d did not get ready: %q %v", i, line, err)
		}
	}
	start := time.Now().Add(500 * time.Millisecond)
	for _, p := range procs {
		if _, err := fmt.Fprintln(p.stdin, start.UnixNano()); err != nil {
			return step{}, err
		}
	}
	s := step{target: rate, res: result{Ops: map[string]*opResult{}}}
	var cpu *pgCPU
	sampled := make(chan struct{})
	if db.Dialect().Name().String() == bunstore.DialectPostgres {
		var dbname string
		if err := db.NewRaw("SELECT current_database()").Scan(ctx, &dbname); err != nil {
			return step{}, err
		}
		time.Sleep(time.Until(start))
		cpu = newPGCPU(dbname)
		stopSampling := make(chan struct{})
		defer close(stopSampling)
		go func() {
			defer close(sampled)
			tick := time.NewTicker(200 * time.Millisecond)
			defer tick.Stop()
			for {
				cpu.sample()
				select {
				case <-stopSampling:
					return
				case <-tick.C:
				}
			}
		}()
	}
	for _, name := range opNames {
		s.res.Ops[name] = &opResult{}
	}
	for i, p := range procs {
		var r result
		if err := json.NewDecoder(p.out).Decode(&r); err != nil {
			return step{}, fmt.Errorf("process %d: %w", i, err)
		}
		if err := p.cmd.Wait(); err != nil {
			return step{}, fmt.Errorf("process %d: %w", i, err)
		}
		s.res.merge(&r)
		s.appCPU += (p.cmd.ProcessState.UserTime() + p.cmd.ProcessState.SystemTime()).Seconds()
	}
	if cpu != nil {
		s.pgCPU = cpu.seconds()
	}
	err = db.NewRaw("SELECT count(*) FROM ? WHERE delivered_at IS NULL AND dead_at IS NULL", bun.Ident(prefix+"outbox")).Scan(ctx, &s.backlog)
	return s, err
}

// merge adds r to m: counts add up, latencies pool, the elapsed time is
// the longest.
func (m *result) merge(r *result) {
	for name, o := range r.Ops {
		mo := m.Ops[name]
		mo.LatencyUS = append(mo.LatencyUS, o.LatencyUS...)
		mo.Errors += o.Errors
		mo.Conflicts += o.Conflicts
		if mo.Example == "" {
			mo.Example = o.Example
		}
	}
	m.Scheduled += r.Scheduled
	m.Dropped += r.Dropped
	m.Seconds = max(m.Seconds, r.Seconds)
	m.Delivered += r.Delivered
	m.SweepsUS = append(m.SweepsUS, r.SweepsUS...)
	m.Firings += r.Firings
	m.SweepErrs += r.SweepErrs
}

// done returns the number of operations that ended, with or without
// error.
func (m *result) done() (n, errs int) {
	for _, o := range m.Ops {
		n += len(o.LatencyUS) + o.Errors
		errs += o.Errors
	}
	return n, errs
}

// quantile returns the q-quantile of the sorted latencies, in
// milliseconds (nearest rank).
func quantile(sorted []int64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := min(int(q*float64(len(sorted))), len(sorted)-1)
	return float64(sorted[i]) / 1000
}

func printStep(w io.Writer, s step, procs int) {
	r := s.res
	n, errs := r.done()
	fmt.Fprintf(w, "\nrate %g/s (%d processes): reached %.1f ops/s, %d ops in %.1f s, %d dropped (all slots busy), %d errors\n",
		s.target, procs, float64(n)/r.Seconds, n, r.Seconds, r.Dropped, errs)
	fmt.Fprintf(w, "  %-11s %7s %8s %9s %9s %9s %7s %9s\n", "use case", "ok", "ops/s", "p50 ms", "p95 ms", "p99 ms", "errors", "conflicts")
	for _, name := range opNames {
		o := r.Ops[name]
		slices.Sort(o.LatencyUS)
		fmt.Fprintf(w, "  %-11s %7d %8.1f %9.1f %9.1f %9.1f %7d %9d\n", name, len(o.LatencyUS), float64(len(o.LatencyUS))/r.Seconds,
			quantile(o.LatencyUS, .50), quantile(o.LatencyUS, .95), quantile(o.LatencyUS, .99), o.Errors, o.Conflicts)
		if o.Example != "" {
			fmt.Fprintf(w, "      e.g. %s\n", o.Example)
		}
	}
	slices.Sort(r.SweepsUS)
	fmt.Fprintf(w, "  dispatch: %d events delivered (%.1f/s), %d undelivered after the stop\n", r.Delivered, float64(r.Delivered)/r.Seconds, s.backlog)
	fmt.Fprintf(w, "  CPU: PostgreSQL backends %.1f s (%.2f cores, %.1f ms per operation), application processes %.1f s\n",
		s.pgCPU, s.pgCPU/r.Seconds, 1000*s.pgCPU/float64(max(n, 1)), s.appCPU)
	fmt.Fprintf(w, "  sweeps: %d, p50 %.1f ms, p99 %.1f ms, %d firings, %d failed\n", len(r.SweepsUS),
		quantile(r.SweepsUS, .50), quantile(r.SweepsUS, .99), r.Firings, r.SweepErrs)
}

func printSummary(w io.Writer, steps []step) {
	fmt.Fprintf(w, "\n| target ops/s | reached ops/s | dropped | errors | open p50/p99 ms | reply p50/p99 ms | search p50/p99 ms | transition p50/p99 ms | events/s | backlog | PG cores | PG ms/op |\n")
	fmt.Fprintf(w, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range steps {
		r := s.res
		n, errs := r.done()
		fmt.Fprintf(w, "| %g | %.1f | %d | %d |", s.target, float64(n)/r.Seconds, r.Dropped, errs)
		for _, name := range opNames {
			o := r.Ops[name] // sorted by printStep
			fmt.Fprintf(w, " %.0f / %.0f |", quantile(o.LatencyUS, .50), quantile(o.LatencyUS, .99))
		}
		fmt.Fprintf(w, " %.0f | %d | %.2f | %.1f |\n", float64(r.Delivered)/r.Seconds, s.backlog, s.pgCPU/r.Seconds, 1000*s.pgCPU/float64(max(n, 1)))
	}
}

// mixString formats a mix as the flag takes it.
func mixString(m mix) string {
	parts := make([]string, len(m))
	for i, x := range m {
		parts[i] = fmt.Sprintf("%s=%d", x.V, x.W)
	}
	return strings.Join(parts, ",")
}
