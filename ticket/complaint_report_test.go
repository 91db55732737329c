package ticket_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

// reportComplaints returns five complaints and a nil entry.
func reportComplaints() []*ticket.Complaint {
	mk := func(reason string, ch ticket.Channel, amount, cur string, lines ...ticket.ComplaintLine) *ticket.Complaint {
		c := validComplaint()
		c.Reason, c.Channel, c.Details.Lines = reason, ch, lines
		c.Details.Accounting.Amount, c.Details.Accounting.Currency = decimal.RequireFromString(amount), cur
		return c
	}
	kettle := func(batch, serial string) ticket.ComplaintLine {
		return ticket.ComplaintLine{Product: "KET-1", Batch: batch, Serial: serial}
	}
	cs := []*ticket.Complaint{
		mk("CR02", ticket.ChannelEmail, "100.10", "EUR", kettle("B-17", "S-1"), kettle("B-17", "S-2")),
		mk("CR02", ticket.ChannelPhone, "0.20", "EUR", kettle("B-17", "")),
		mk("CR01", ticket.ChannelEmail, "5000", "JPY", ticket.ComplaintLine{Product: "TOA-2", Batch: "B-3"}),
		mk("CR02", ticket.ChannelWeb, "0", "", kettle("B-18", "")),
		mk("", ticket.ChannelEmail, "19.99", "USD"),
		nil,
	}
	issued := cs[0].Details.IssuedAt
	decide := func(c *ticket.Complaint, justified bool, after time.Duration) {
		d := ticket.ComplaintDecision{Justified: justified, By: "u", At: issued.Add(after)}
		if justified {
			d.Remedy = ticket.Remedy{Kind: ticket.RemedyRefund, Amount: c.Details.Accounting.Amount, Currency: c.Details.Accounting.Currency}
		}
		c.Details.Decision = &d
	}
	decide(cs[0], true, 24*time.Hour)
	decide(cs[1], true, 72*time.Hour)
	decide(cs[2], false, 48*time.Hour)
	decide(cs[3], true, 96*time.Hour)
	return cs
}

func TestComplaintReports(t *testing.T) {
	t.Parallel()
	cs := reportComplaints()

	require.Equal(t, []ticket.CountRow{{"CR02", 3}, {"", 1}, {"CR01", 1}}, ticket.ComplaintsByReason(cs))
	require.Equal(t, []ticket.CountRow{{"email", 3}, {"phone", 1}, {"web", 1}}, ticket.ComplaintsByChannel(cs))
	require.Equal(t, []ticket.CountRow{{"KET-1", 3}, {"TOA-2", 1}}, ticket.ComplaintsByProduct(cs),
		"a complaint counts once per product")
	require.Equal(t, []ticket.SeriesRow{
		{Product: "KET-1", Kind: ticket.SeriesBatch, Series: "B-17", Count: 2},
		{Product: "KET-1", Kind: ticket.SeriesBatch, Series: "B-18", Count: 1},
		{Product: "KET-1", Kind: ticket.SeriesSerial, Series: "S-1", Count: 1},
		{Product: "KET-1", Kind: ticket.SeriesSerial, Series: "S-2", Count: 1},
		{Product: "TOA-2", Kind: ticket.SeriesBatch, Series: "B-3", Count: 1},
	}, ticket.ComplaintsBySeries(cs))

	rate := ticket.ComplaintsJustified(cs)
	require.Equal(t, ticket.JustifiedRate{Decided: 4, Justified: 3}, rate)
	require.InDelta(t, 75.0, rate.Percent(), 1e-9)
	require.Zero(t, ticket.JustifiedRate{}.Percent())

	require.Equal(t, ticket.DurationStats{
		Count: 4, Min: 24 * time.Hour, Max: 96 * time.Hour, Mean: 60 * time.Hour, Median: 60 * time.Hour,
	}, ticket.TimeToDecision(cs))
	require.Equal(t, ticket.DurationStats{}, ticket.TimeToDecision(nil))

	claimed := ticket.ClaimedAmounts(cs)
	require.Len(t, claimed, 3)
	want := []struct {
		cur, total string
		n          int
	}{{"EUR", "100.30", 2}, {"JPY", "5000", 1}, {"USD", "19.99", 1}}
	for i, w := range want {
		require.Equal(t, w.cur, claimed[i].Currency)
		require.True(t, claimed[i].Total.Equal(decimal.RequireFromString(w.total)), "%s total %s", w.cur, claimed[i].Total)
		require.Equal(t, w.n, claimed[i].Count)
	}
	require.Equal(t, "100.3", claimed[0].Total.String(), "0.1 + 0.2 style sums stay exact")

	granted := ticket.GrantedAmounts(cs)
	require.Len(t, granted, 1, "only justified refunds with an amount")
	require.Equal(t, "EUR", granted[0].Currency)
	require.Equal(t, "100.3", granted[0].Total.String())

	require.Empty(t, ticket.ComplaintsByReason(nil))
	require.Empty(t, ticket.ClaimedAmounts(nil))
}

func TestTimeToDecisionFallsBackToRegistration(t *testing.T) {
	t.Parallel()
	c := validComplaint()
	c.Details.IssuedAt = time.Time{}
	c.Details.Decision = &ticket.ComplaintDecision{At: c.CreatedAt.Add(10 * time.Hour)}
	early := validComplaint()
	early.Details.Decision = &ticket.ComplaintDecision{At: early.Details.IssuedAt.Add(-time.Hour)}
	got := ticket.TimeToDecision([]*ticket.Complaint{c, early})
	require.Equal(t, ticket.DurationStats{Count: 2, Min: 0, Max: 10 * time.Hour, Mean: 5 * time.Hour, Median: 5 * time.Hour}, got)
}
