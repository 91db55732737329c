package intake_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/mailin"
	"github.com/ticketkit/ticketkit/mailin/intake"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// TestRoutingRefusalStillOpensTheTicket checks that a mail whose route
// names a department the workflow's routing rules refuse at opening
// ("no department before verification") still opens its ticket, with
// the customer's mail as its first message, without the department and
// with an internal note that says why: a person's mail is never lost.
func TestRoutingRefusalStillOpensTheTicket(t *testing.T) {
	t.Parallel()
	spec := ticket.DefaultCatalogSpec()
	spec.Departments = append(spec.Departments, ticket.Department{Code: "returns", Label: ticket.Label{Text: "Returns"}})
	cat, err := ticket.NewCatalog(spec)
	require.NoError(t, err)
	def := workflow.DefaultDefinition()
	def.Routing = []workflow.RoutingRule{{
		Name: "allocate", Field: workflow.RouteDepartment,
		Statuses: []string{ticket.StatusInProgress},
		Roles:    []ticket.Role{ticket.RoleAgent},
	}}
	machine, err := workflow.New(workflow.Config{Definition: def, Catalog: cat})
	require.NoError(t, err)

	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, b.Open(t), func(c *ticketkit.Config, ic *intake.Config) {
				c.Catalog, c.Workflow = cat, machine
				ic.Routes["returns@acme.example"] = mailin.Route{TenantID: tenant, Department: "returns"}
			})
			res := e.ingest(t, msg("The parcel came back torn.", "From: Ada <ada@example.com>",
				"To: returns@acme.example", "Subject: Torn parcel", mid()))
			require.Equal(t, intake.Opened, res.Outcome)
			tk := e.get(t, res.TicketID)
			require.Empty(t, tk.Department, "opened without the refused department")

			msgs := e.messages(t, tk.ID)
			require.Len(t, msgs, 2)
			require.Equal(t, ticket.MessageCustomer, msgs[0].Kind)
			require.Equal(t, "The parcel came back torn.", strings.TrimSpace(msgs[0].Body))
			require.Equal(t, ticket.MessageNote, msgs[1].Kind)
			require.Contains(t, msgs[1].Body, `department "returns" was refused`)
		})
	}
}
