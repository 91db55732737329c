package ticketkit_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// Department mailboxes of routeCatalog.
const (
	frontMail    = "front@store.example"
	careMail     = "care@store.example"
	workshopMail = "workshop@store.example"
)

// routeCatalog is the default catalog with three departments that have
// mailboxes.
func routeCatalog(t testing.TB) *ticket.Catalog {
	t.Helper()
	spec := ticket.DefaultCatalogSpec()
	spec.Departments = []ticket.Department{
		{Code: "front", Label: ticket.Label{Text: "Front desk"}, Email: frontMail},
		{Code: "care", Label: ticket.Label{Text: "Customer care"}, Email: careMail},
		{Code: "workshop", Label: ticket.Label{Text: "Workshop"}, Email: workshopMail},
	}
	c, err := ticket.NewCatalog(spec)
	require.NoError(t, err)
	return c
}

// routeMachine is the default workflow with "no department before
// verification": staff give a department only to a ticket in progress
// (or further) whose purchase the host's "authentic" guard finds. Its
// escalate transition sends the ticket to the workshop.
func routeMachine(t testing.TB, c *ticket.Catalog) *workflow.Machine {
	t.Helper()
	def := workflow.DefaultDefinition()
	for i, tr := range def.Transitions {
		if tr.Name == "escalate" {
			def.Transitions[i].Effects = []workflow.Effect{{Set: map[string]string{workflow.SetDepartment: "workshop"}}}
		}
	}
	def.Routing = []workflow.RoutingRule{{
		Name: "allocate", Field: workflow.RouteDepartment,
		Statuses: []string{ticket.StatusInProgress, ticket.StatusWaiting, ticket.StatusEscalated},
		Roles:    []ticket.Role{ticket.RoleAgent, ticket.RoleSupervisor, ticket.RoleSystem},
		Guards:   []string{"authentic"},
	}}
	m, err := workflow.New(workflow.Config{Definition: def, Catalog: c, Guards: map[string]workflow.Guard{"authentic": authentic}})
	require.NoError(t, err)
	return m
}

// authentic is the host's "authentic" guard: the ticket names a
// purchase transaction.
func authentic(_ context.Context, in workflow.GuardInput) error {
	if _, ok := in.Ticket.Reference(ticket.RefTransaction); !ok {
		return errors.New("no purchase transaction")
	}
	return nil
}

// routeDesk is a Desk on routeCatalog and routeMachine with a mailbox
// that resolves department addresses, an SLA whose first level sends
// unanswered tickets to customer care, and a fake clock at t0.
type routeDesk struct {
	*slaDesk
	box *notifytest.Mailbox
}

func newRouteDesk(t testing.TB, store storage.Store, rules notify.Rules) *routeDesk {
	t.Helper()
	c := routeCatalog(t)
	sla, err := workflow.NewSLA(workflow.SLAConfig{Policies: []workflow.Policy{{
		Name: "std", Targets: workflow.Targets{FirstResponse: hours(2)},
		Levels: []workflow.Level{{Level: 1, Target: workflow.TargetFirstResponse, At: 100,
			Effects: []workflow.Effect{{Set: map[string]string{workflow.SetDepartment: "care"}}}}},
	}}}, c)
	require.NoError(t, err)
	box := notifytest.NewMailbox(&notify.Resolver{Catalog: c, Rules: func(string) notify.Rules { return rules }}, nil, c)
	clk := clock.NewFake(t0)
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Catalog: c, Workflow: routeMachine(t, c), SLA: sla, Notifier: box, Clock: clk})
	require.NoError(t, err)
	return &routeDesk{slaDesk: &slaDesk{desk: desk, store: store, clock: clk}, box: box}
}

// eachRouteDesk runs f in parallel on a routeDesk with the default
// notification rules on each backend.
func eachRouteDesk(t *testing.T, f func(t *testing.T, r *routeDesk)) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			f(t, newRouteDesk(t, b.Open(t), notify.DefaultRules()))
		})
	}
}

// TestAssignFollowsRoutingRules checks that Assign, Update and their Tx
// variants refuse a department the workflow's routing rules do not
// allow, with a *TransitionError naming the rule, and keep nothing of the
// refused change; then allow it once the ticket is verified.
func TestAssignFollowsRoutingRules(t *testing.T) {
	eachRouteDesk(t, func(t *testing.T, r *routeDesk) {
		ctx := t.Context()
		runTx := hostTx(t, r.store)
		care := "care"
		open := func(refs ...ticket.Reference) *ticket.Ticket {
			tk, err := r.desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Blender", References: refs,
				Customer: ticket.Customer{ID: "C-1", Email: "ada@example.com"}})
			require.NoError(t, err)
			return tk
		}
		good := open(ticket.Reference{Kind: ticket.RefTransaction, ID: "POS-1"})
		bogus := open()

		paths := map[string]func(id string) error{
			"Assign": func(id string) error {
				_, err := r.desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: id, Department: &care})
				return err
			},
			"Update": func(id string) error {
				_, err := r.desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: id, Department: &care, Subject: new("renamed")})
				return err
			},
			"AssignTx": func(id string) error {
				return runTx(ctx, func(ctx context.Context, tx storage.Tx) error {
					_, err := r.desk.AssignTx(ctx, tx, agent, ticketkit.AssignParams{TicketID: id, Department: &care, Assignee: new("tech-1")})
					return err
				})
			},
			"UpdateTx": func(id string) error {
				return runTx(ctx, func(ctx context.Context, tx storage.Tx) error {
					_, err := r.desk.UpdateTx(ctx, tx, agent, ticketkit.UpdateParams{TicketID: id, Department: &care})
					return err
				})
			},
		}
		names := []string{"Assign", "Update", "AssignTx", "UpdateTx"}
		refused := func(id string, sentinel error, guard string) {
			t.Helper()
			for _, name := range names {
				r.box.Reset()
				err := paths[name](id)
				require.ErrorIs(t, err, sentinel, name)
				var te *ticketkit.TransitionError
				require.ErrorAs(t, err, &te, name)
				require.Equal(t, &workflow.Route{Field: workflow.RouteDepartment, To: "care"}, te.Route, name)
				require.Equal(t, guard, te.Guard, name)
				if sentinel != ticketkit.ErrNoRoute {
					require.Equal(t, "allocate", te.Rule, name)
				}
				got, err := r.desk.Get(ctx, agent, id)
				require.NoError(t, err)
				require.Empty(t, got.Department, "%s: the refused change is not kept", name)
				require.Empty(t, got.Assignee, name)
				require.Equal(t, "Blender", got.Subject, name)
				require.Empty(t, r.box.Mails(), "%s: a refused routing tells no one", name)
			}
		}

		// Not verified yet: no department in status open.
		refused(good.ID, ticketkit.ErrNoRoute, "")
		// In progress, but the purchase is not found.
		_, err := r.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: bogus.ID, To: ticket.StatusInProgress})
		require.NoError(t, err)
		refused(bogus.ID, ticketkit.ErrGuard, "authentic")

		_, err = r.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: good.ID, To: ticket.StatusInProgress})
		require.NoError(t, err)
		got, err := r.desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: good.ID, Department: &care})
		require.NoError(t, err)
		require.Equal(t, "care", got.Department)
		got, err = r.desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: good.ID, Department: new("front")})
		require.NoError(t, err)
		require.Equal(t, "front", got.Department)
		got, err = r.desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: bogus.ID, Assignee: new("tech-1")})
		require.NoError(t, err, "no rule governs the assignee: it stays free")
		require.Equal(t, "tech-1", got.Assignee)
	})
}

// TestRoutingTellsDepartments checks the recipients of every routing:
// Assign, Update, a transition's effect and an escalation level's effect
// each tell the receiving department; the previous one hears of it only
// under Rules.TellPreviousDepartment.
func TestRoutingTellsDepartments(t *testing.T) {
	for _, b := range backends() {
		for _, prev := range []bool{false, true} {
			name := b.Name + "/default rules"
			rules := notify.DefaultRules()
			if prev {
				name = b.Name + "/previous department told"
				rules = rules.TellPreviousDepartment()
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				ctx := t.Context()
				r := newRouteDesk(t, b.Open(t), rules)
				tk, err := r.desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Blender",
					References: []ticket.Reference{{Kind: ticket.RefTransaction, ID: "POS-1"}}})
				require.NoError(t, err)
				_, err = r.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusInProgress})
				require.NoError(t, err)
				_, err = r.desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: tk.ID, Department: new("front")})
				require.NoError(t, err)

				routed := func(step, to, from string) {
					t.Helper()
					var got []string
					for _, m := range r.box.Mails() {
						if m.Event.Kind == notify.KindRouted {
							got = append(got, m.To.Address)
						}
					}
					want := []string{to}
					if prev {
						want = append(want, from)
					}
					require.Equal(t, want, got, step)
					r.box.Reset()
				}
				r.box.Reset()
				_, err = r.desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: tk.ID, Department: new("care")})
				require.NoError(t, err)
				routed("Assign", careMail, frontMail)

				_, err = r.desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: tk.ID, Department: new("front")})
				require.NoError(t, err)
				routed("Update", frontMail, careMail)

				_, err = r.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusEscalated})
				require.NoError(t, err)
				routed("transition effect", workshopMail, frontMail)

				r.clock.Set(t0.Add(2 * time.Hour))
				res, err := r.desk.RunEscalations(ctx)
				require.NoError(t, err)
				require.Equal(t, 1, res.Escalations)
				routed("escalation effect", careMail, workshopMail)

				_, err = r.desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: tk.ID, Assignee: new("tech-1")})
				require.NoError(t, err)
				require.False(t, slices.ContainsFunc(r.box.Mails(), func(m notifytest.Mail) bool { return m.Event.Kind == notify.KindRouted }),
					"a new assignee alone is no routing")
			})
		}
	}
}

// TestComplaintRoutingIsFree checks that the ticket workflow's routing
// rules, written for ticket statuses, do not lock complaints (whose own
// workflow has no routing rules) while they still govern plain tickets
// on the same Desk.
func TestComplaintRoutingIsFree(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			c := routeCatalog(t)
			desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), Catalog: c, Workflow: routeMachine(t, c), Clock: clock.NewFake(t0),
				Complaints: &ticketkit.ComplaintConfig{}})
			require.NoError(t, err)
			cp, err := desk.ComplaintOpen(ctx, agent, ticketkit.ComplaintOpenParams{Subject: "Leaking kettles", Reason: "CR02",
				Category: ticket.CategoryDefect, RemedySought: ticket.RemedyCreditNote, Customer: ticket.Customer{ID: "C-1", Name: "Kettle Shop"}})
			require.NoError(t, err)
			got, err := desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: cp.ID, Department: new("care")})
			require.NoError(t, err)
			require.Equal(t, "care", got.Department)

			tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Blender"})
			require.NoError(t, err)
			_, err = desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: tk.ID, Department: new("care")})
			require.ErrorIs(t, err, ticketkit.ErrNoRoute, "plain tickets still follow the rules")
		})
	}
}

// TestOpenFollowsRoutingRules checks that a ticket opened straight into
// a department is routed there under the workflow's routing rules, in
// its initial status and by the opening actor: Open and OpenTx refuse
// what Assign would, store nothing and tell no one, and a rule that
// allows routing at open applies its guards and effects.
func TestOpenFollowsRoutingRules(t *testing.T) {
	eachRouteDesk(t, func(t *testing.T, r *routeDesk) {
		ctx := t.Context()
		runTx := hostTx(t, r.store)
		pos := []ticket.Reference{{Kind: ticket.RefTransaction, ID: "POS-1"}}
		opens := map[string]func(p ticketkit.OpenParams) error{
			"Open": func(p ticketkit.OpenParams) error {
				_, err := r.desk.Open(ctx, agent, p)
				return err
			},
			"OpenTx": func(p ticketkit.OpenParams) error {
				return runTx(ctx, func(ctx context.Context, tx storage.Tx) error {
					_, err := r.desk.OpenTx(ctx, tx, agent, p)
					return err
				})
			},
		}
		for _, name := range []string{"Open", "OpenTx"} {
			r.box.Reset()
			err := opens[name](ticketkit.OpenParams{Subject: "Blender", Department: "care", Assignee: "tech-1", References: pos,
				Customer: ticket.Customer{ID: "C-1", Email: "ada@example.com"}})
			require.ErrorIs(t, err, ticketkit.ErrNoRoute, name)
			var te *ticketkit.TransitionError
			require.ErrorAs(t, err, &te, name)
			require.Equal(t, &workflow.Route{Field: workflow.RouteDepartment, To: "care"}, te.Route, name)
			require.Equal(t, ticket.StatusOpen, te.From, name)
			require.Empty(t, r.box.Mails(), "%s: a refused ticket tells no one", name)
		}
		// A mail intake's vouched department is routed by the customer
		// it opens for: refused alike.
		_, err := r.desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Blender", Department: "care", Vouched: true,
			Customer: ticket.Customer{ID: customer.CustomerID, Email: "ada@example.com"}})
		require.ErrorIs(t, err, ticketkit.ErrNoRoute)
		res, err := r.desk.Search(ctx, agent, ticketkit.SearchParams{})
		require.NoError(t, err)
		require.Empty(t, res.Tickets, "a refused ticket is not stored")

		tk, err := r.desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Blender", Assignee: "tech-1", References: pos})
		require.NoError(t, err, "no rule governs the assignee: it stays free at open")
		require.Equal(t, "tech-1", tk.Assignee)
		require.Empty(t, tk.Department)
	})
}

// TestOpenRoutingRuleAllows checks a rule that lets agents open tickets
// straight into the front desk: its guard runs on the new ticket, its
// effects apply and the kinds it emits are raised with "opened"; another
// department, or another role, is still refused.
func TestOpenRoutingRuleAllows(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			c := routeCatalog(t)
			def := workflow.DefaultDefinition()
			def.Routing = []workflow.RoutingRule{{
				Name: "counter", Field: workflow.RouteDepartment, To: []string{"front"},
				Statuses: []string{ticket.StatusOpen}, Roles: []ticket.Role{ticket.RoleAgent}, Guards: []string{"authentic"},
				Effects: []workflow.Effect{{Set: map[string]string{workflow.SetAssignee: workflow.ActorValue}, Emit: []string{"counter_opened"}}},
			}}
			m, err := workflow.New(workflow.Config{Definition: def, Catalog: c, Guards: map[string]workflow.Guard{"authentic": authentic}})
			require.NoError(t, err)
			var mu sync.Mutex
			var kinds []notify.Kind
			n := notify.NotifierFunc(func(_ context.Context, e notify.Event) error {
				mu.Lock()
				defer mu.Unlock()
				kinds = append(kinds, e.Kind)
				return nil
			})
			desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), Catalog: c, Workflow: m, Notifier: n, Clock: clock.NewFake(t0)})
			require.NoError(t, err)
			pos := []ticket.Reference{{Kind: ticket.RefTransaction, ID: "POS-1"}}

			tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Kettle", Department: "front", References: pos})
			require.NoError(t, err)
			require.Equal(t, "front", tk.Department)
			require.Equal(t, agent.ID, tk.Assignee, "the rule's effect applies")
			mu.Lock()
			require.ElementsMatch(t, []notify.Kind{notify.KindOpened, "counter_opened"}, kinds)
			mu.Unlock()
			got, err := desk.Get(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, agent.ID, got.Assignee, "the effect is stored")

			_, err = desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Kettle", Department: "front"})
			var te *ticketkit.TransitionError
			require.ErrorIs(t, err, ticketkit.ErrGuard)
			require.ErrorAs(t, err, &te)
			require.Equal(t, "authentic", te.Guard)
			require.Equal(t, "counter", te.Rule)
			_, err = desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Kettle", Department: "care", References: pos})
			require.ErrorIs(t, err, ticketkit.ErrNoRoute)
			_, err = desk.Open(ctx, ticket.SystemActor(agent.TenantID), ticketkit.OpenParams{Subject: "Kettle", Department: "front", References: pos})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
		})
	}
}
