package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbspec"
	"github.com/ticketkit/ticketkit/internal/seeddata"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// result is what a child reports to the parent, as JSON on stdout.
type result struct {
	Ops       map[string]*opResult `json:"ops"`
	Scheduled int                  `json:"scheduled"`
	Dropped   int                  `json:"dropped"`
	Seconds   float64              `json:"seconds"`
	Delivered int64                `json:"delivered"`
	SweepsUS  []int64              `json:"sweeps_us"`
	Firings   int                  `json:"firings"`
	SweepErrs int                  `json:"sweep_errors"`
}

// opResult is one use case's outcome in one process.
type opResult struct {
	LatencyUS []int64 `json:"latency_us"` // of the successful operations
	Errors    int     `json:"errors"`
	// Conflicts are transitions refused because the ticket moved
	// between the list and the move (another process took one).
	Conflicts int    `json:"conflicts"`
	Example   string `json:"example,omitempty"` // one error's text
}

// child is one application process.
type child struct {
	o       options
	desk    *ticketkit.Desk
	mu      sync.Mutex
	res     result
	pools   [][]string   // ticket IDs per tenant, opened by this process
	emails  [][]string   // customer emails per tenant
	counter atomic.Int64 // events delivered
	seq     atomic.Int64 // customers opened
}

// loadSLA is the Desk's SLA: short targets, so that the sweeps of a run
// fire over the tickets of earlier rates.
func loadSLA() (*workflow.SLA, error) {
	return workflow.NewSLA(workflow.SLAConfig{Policies: []workflow.Policy{{
		Name:    "load",
		Targets: workflow.Targets{FirstResponse: workflow.Duration(time.Minute), Resolution: workflow.Duration(5 * time.Minute)},
		WarnAt:  []int{50},
		Levels: []workflow.Level{{Level: 1, Target: workflow.TargetResolution, At: 100, Notify: []string{"supervisor"},
			Effects: []workflow.Effect{{Set: map[string]string{workflow.SetAssignee: "lead"}}}}},
	}}}, nil)
}

func runChild(ctx context.Context, args []string) error {
	var o options
	if err := o.parse("ticketkit-load (child)", args); err != nil {
		return err
	}
	db, err := dbspec.Open(ctx, o.db)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(o.concurrency + 4) // the operations, the dispatcher and the sweeper
	db.SetMaxIdleConns(o.concurrency + 4)
	store, err := bunstore.New(db, bunstore.Config{})
	if err != nil {
		return err
	}
	sla, err := loadSLA()
	if err != nil {
		return err
	}
	desk, err := ticketkit.New(ticketkit.Config{Store: store, SLA: sla})
	if err != nil {
		return err
	}
	c := &child{o: o, desk: desk, pools: make([][]string, o.tenants), emails: make([][]string, o.tenants),
		res: result{Ops: map[string]*opResult{}}}
	for _, name := range opNames {
		c.res.Ops[name] = &opResult{}
	}
	r := rand.New(rand.NewPCG(o.seed, uint64(o.index)<<32|uint64(os.Getpid())))
	for range o.prefill {
		if err := c.open(ctx, r); err != nil {
			return fmt.Errorf("prefill: %w", err)
		}
	}

	bg, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	if o.dispatch {
		d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, PollInterval: 200 * time.Millisecond,
			Notifier: notify.NotifierFunc(func(context.Context, notify.Event) error {
				c.counter.Add(1)
				return nil
			})})
		if err != nil {
			stop()
			return err
		}
		wg.Go(func() { _ = d.Run(bg) })
	}
	if o.sweep > 0 {
		wg.Go(func() { c.sweepLoop(bg) })
	}

	// Ready: the parent answers with the common start, in Unix
	// nanoseconds.
	fmt.Println("ready")
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil {
		stop()
		wg.Wait()
		return fmt.Errorf("read the start time: %w", err)
	}
	if _, err := fmt.Sscan(line, &c.o.start); err != nil {
		stop()
		wg.Wait()
		return fmt.Errorf("start time %q: %w", line, err)
	}
	c.schedule(ctx, r)
	stop()
	wg.Wait()
	c.res.Delivered = c.counter.Load()
	return json.NewEncoder(os.Stdout).Encode(&c.res)
}

// sweepLoop runs an escalation sweep, then pauses -sweep, until ctx ends.
func (c *child) sweepLoop(ctx context.Context) {
	for ctx.Err() == nil {
		began := time.Now()
		res, err := c.desk.RunEscalations(ctx)
		c.mu.Lock()
		if err != nil {
			if ctx.Err() == nil {
				c.res.SweepErrs++
			}
		} else {
			c.res.SweepsUS = append(c.res.SweepsUS, time.Since(began).Microseconds())
			c.res.Firings += res.Warnings + res.Breaches + res.Escalations
		}
		c.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-time.After(c.o.sweep):
		}
	}
}

// schedule starts the operations on the open-loop schedule from the
// common start for -duration, and waits for those in flight.
func (c *child) schedule(ctx context.Context, r *rand.Rand) {
	start := time.Unix(0, c.o.start)
	time.Sleep(time.Until(start))
	interval := time.Duration(float64(time.Second) / c.o.rate)
	slots := make(chan struct{}, c.o.concurrency)
	var wg sync.WaitGroup
	for i := 0; ; i++ {
		at := start.Add(time.Duration(i) * interval)
		if at.Sub(start) >= c.o.duration {
			break
		}
		time.Sleep(time.Until(at))
		c.res.Scheduled++
		select {
		case slots <- struct{}{}:
		default:
			c.res.Dropped++
			continue
		}
		op := seeddata.Pick(r, c.o.mix)
		seed := r.Uint64()
		wg.Go(func() {
			defer func() { <-slots }()
			c.run(ctx, op, rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d)))
		})
	}
	wg.Wait()
	c.res.Seconds = time.Since(start).Seconds()
}

// run runs one operation and records its outcome.
func (c *child) run(ctx context.Context, op string, r *rand.Rand) {
	began := time.Now()
	var err error
	switch op {
	case opOpen:
		err = c.open(ctx, r)
	case opReply:
		err = c.reply(ctx, r)
	case opSearch:
		err = c.search(ctx, r)
	case opTransition:
		err = c.transition(ctx, r)
	}
	took := time.Since(began)
	c.mu.Lock()
	defer c.mu.Unlock()
	o := c.res.Ops[op]
	if te := (*workflow.TransitionError)(nil); errors.As(err, &te) {
		o.Conflicts++
		return
	}
	if err != nil {
		o.Errors++
		if o.Example == "" {
			o.Example = err.Error()
		}
		return
	}
	o.LatencyUS = append(o.LatencyUS, took.Microseconds())
}

// agent returns the agent of tenant tn.
func agent(tn int) ticketkit.Actor {
	return ticketkit.Actor{ID: "agent-load", Role: ticket.RoleAgent, TenantID: seeddata.TenantID(tn)}
}

// pick returns a tenant and one of the process's tickets of it.
func (c *child) pick(r *rand.Rand) (int, string) {
	tn := r.IntN(c.o.tenants)
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.pools[tn]) == 0 {
		tn = (tn + 1) % c.o.tenants
	}
	p := c.pools[tn]
	// One of the last 500 tickets: the ones being worked on.
	return tn, p[len(p)-1-r.IntN(min(len(p), 500))]
}

func (c *child) open(ctx context.Context, r *rand.Rand) error {
	tn := r.IntN(c.o.tenants)
	n := c.seq.Add(1)
	first := seeddata.FirstNames[r.IntN(len(seeddata.FirstNames))]
	last := seeddata.LastNames[r.IntN(len(seeddata.LastNames))]
	email := fmt.Sprintf("%s.%s.%d.p%d@example.com", first, last, n, c.o.index)
	subject := seeddata.Subject(r)
	tk, err := c.desk.Open(ctx, agent(tn), ticketkit.OpenParams{
		Subject: subject, Description: "Customer writes: " + subject + ". Please get back to me soon.",
		Priority: seeddata.Pick(r, seeddata.Priorities), Category: seeddata.Pick(r, seeddata.Categories),
		Channel:  seeddata.Pick(r, seeddata.Channels),
		Customer: ticket.Customer{ID: fmt.Sprintf("c-%d-%d", c.o.index, n), Name: first + " " + last, Email: email},
	})
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.pools[tn] = append(c.pools[tn], tk.ID)
	c.emails[tn] = append(c.emails[tn], email)
	c.mu.Unlock()
	return nil
}

func (c *child) reply(ctx context.Context, r *rand.Rand) error {
	tn, id := c.pick(r)
	_, err := c.desk.Reply(ctx, agent(tn), ticketkit.MessageParams{TicketID: id,
		Body: "Thank you for your message. We are looking into it and will come back to you shortly."})
	return err
}

func (c *child) search(ctx context.Context, r *rand.Rand) error {
	tn := r.IntN(c.o.tenants)
	p := ticketkit.SearchParams{Limit: 25}
	switch r.IntN(3) {
	case 0:
		p.Text = seeddata.Products[r.IntN(len(seeddata.Products))]
	case 1:
		p.Statuses = []string{[]string{ticket.StatusOpen, ticket.StatusInProgress, ticket.StatusWaiting}[r.IntN(3)]}
	default:
		c.mu.Lock()
		if e := c.emails[tn]; len(e) > 0 {
			p.CustomerEmail = e[r.IntN(len(e))]
		}
		c.mu.Unlock()
	}
	_, err := c.desk.Search(ctx, agent(tn), p)
	return err
}

func (c *child) transition(ctx context.Context, r *rand.Rand) error {
	tn, id := c.pick(r)
	trs, err := c.desk.Transitions(ctx, agent(tn), id)
	if err != nil {
		return err
	}
	var choices []ticketkit.AvailableTransition
	for _, t := range trs {
		if !t.RequiresReason {
			choices = append(choices, t)
		}
	}
	if len(choices) == 0 {
		return nil // a list without a move: measured as the read it was
	}
	to := choices[r.IntN(len(choices))].To
	_, err = c.desk.Transition(ctx, agent(tn), ticketkit.TransitionParams{TicketID: id, To: to, Reason: "load test"})
	return err
}
