package ticket_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

func TestTicketsByReference(t *testing.T) {
	t.Parallel()
	ref := func(kind ticket.RefKind, id string) ticket.Reference { return ticket.Reference{Kind: kind, ID: id} }
	ts := []*ticket.Ticket{
		{References: []ticket.Reference{ref(ticket.RefProduct, "KETTLE-2"), ref(ticket.RefSerial, "B17-0001")}},
		{References: []ticket.Reference{ref(ticket.RefProduct, "KETTLE-2"), ref(ticket.RefProduct, "KETTLE-2")}},
		{References: []ticket.Reference{ref(ticket.RefProduct, "TOASTER-1"), ref(ticket.RefOrder, "SO-1")}},
		{},
		nil,
	}
	require.Equal(t, []ticket.CountRow{{Key: "KETTLE-2", Count: 2}, {Key: "TOASTER-1", Count: 1}},
		ticket.TicketsByReference(ts, ticket.RefProduct))
	require.Equal(t, []ticket.CountRow{{Key: "B17-0001", Count: 1}}, ticket.TicketsByReference(ts, ticket.RefSerial))
	require.Empty(t, ticket.TicketsByReference(ts, ticket.RefContract))
}
