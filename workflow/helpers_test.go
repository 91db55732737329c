package workflow_test

import (
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// now is the fixed clock every test uses.
var now = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

var (
	agent      = ticket.Actor{ID: "u-agent", Role: ticket.RoleAgent, TenantID: "t1"}
	supervisor = ticket.Actor{ID: "u-super", Role: ticket.RoleSupervisor, TenantID: "t1"}
	customer   = ticket.Actor{ID: "c-1", Role: ticket.RoleCustomer, TenantID: "t1", CustomerID: "c-1"}
	system     = ticket.SystemActor("t1")
)

// newTicket returns a ticket in status with a customer and nothing else.
func newTicket(status string) *ticket.Ticket {
	return &ticket.Ticket{
		ID:        "tk-1",
		Number:    "T-1",
		TenantID:  "t1",
		Subject:   "Parcel late",
		Status:    status,
		Priority:  ticket.PriorityNormal,
		Customer:  ticket.Customer{ID: "c-1", Email: "c@example.com"},
		CreatedAt: now.Add(-48 * time.Hour),
		UpdatedAt: now.Add(-24 * time.Hour),
	}
}

// closedTicket returns a closed ticket closed at closedAt.
func closedTicket(closedAt time.Time) *ticket.Ticket {
	t := newTicket(ticket.StatusClosed)
	t.ClosedAt = closedAt
	t.ClosureReason = "done"
	return t
}

// testCatalog is the default catalog plus two departments.
func testCatalog() *ticket.Catalog {
	spec := ticket.DefaultCatalogSpec()
	spec.Departments = []ticket.Department{
		{Code: "billing", Label: ticket.Label{Text: "Billing"}},
		{Code: "returns", Label: ticket.Label{Text: "Returns"}},
	}
	c, err := ticket.NewCatalog(spec)
	if err != nil {
		panic(err)
	}
	return c
}

// seqIDs returns a newID function yielding a-1, a-2, ...
func seqIDs() func() string {
	n := 0
	return func() string {
		n++
		return fmt.Sprintf("a-%d", n)
	}
}
