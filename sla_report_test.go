package ticketkit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

func TestSLAReport(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			s := newSLADesk(t, b.Open(t))
			ctx := context.Background()
			open, reply := s.opener(t), s.replier(t)
			a, bb := open("A"), open("B")
			open("C")
			s.at(1)
			reply(a)
			s.at(1.5)
			reply(bb)
			s.at(3)
			s.move(t, a, ticket.StatusResolved)
			s.at(4)
			s.sweep(t) // C breaches its first response
			s.at(5)
			s.move(t, bb, ticket.StatusResolved)
			s.at(6)
			s.move(t, bb, ticket.StatusInProgress) // reopened
			s.at(7)
			s.move(t, bb, ticket.StatusResolved)

			r, err := s.desk.SLAReport(ctx, agent, ticketkit.SLAReportParams{GroupBy: "status"})
			require.NoError(t, err)
			require.Equal(t, 3, r.Tickets)
			requireABFigures(t, r.SLAStats)
			require.Equal(t, 1, r.Breached)
			require.Equal(t, []ticket.CountRow{{Key: "first_response", Count: 1}}, r.BreachedBy)
			require.Len(t, r.Groups, 2)
			require.Equal(t, ticket.StatusOpen, r.Groups[0].Key)
			require.Equal(t, 1, r.Groups[0].Breached)
			require.Equal(t, ticket.StatusResolved, r.Groups[1].Key)
			require.Equal(t, 2, r.Groups[1].Tickets)

			only, err := s.desk.SLAReport(ctx, agent, ticketkit.SLAReportParams{SearchParams: ticketkit.SearchParams{
				StatusCategories: []ticket.StatusCategory{ticket.CategoryResolved}}})
			require.NoError(t, err)
			require.Equal(t, 2, only.Tickets, "the report covers what the search selects")
			require.Nil(t, only.Groups)

			_, err = s.desk.SLAReport(ctx, agent, ticketkit.SLAReportParams{GroupBy: "colour"})
			var v *ticket.ValidationError
			require.True(t, errors.As(err, &v), "%v", err)
			require.Equal(t, "group_by", v.Fields[0].Field)
			_, err = s.desk.SLAReport(ctx, customer, ticketkit.SLAReportParams{})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
		})
	}
}
