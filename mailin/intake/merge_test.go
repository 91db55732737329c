package intake_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/mailin"
	"github.com/ticketkit/ticketkit/mailin/intake"
	"github.com/ticketkit/ticketkit/mailthread"
)

// TestMergedThreads: mail about a merged ticket, by its thread headers
// or by its number in the subject, reaches the ticket it was merged
// into, from its own customer too when that is someone else; a stranger
// quoting the number still opens a ticket of their own.
func TestMergedThreads(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b.Open(t))
			ctx := context.Background()
			first := e.ingest(t, msg("My kettle is broken.", "From: Anna Berg <anna@example.com>", "Subject: Kettle broken", mid()))
			second := e.ingest(t, msg("Same kettle, still broken.", "From: Bo Chan <bo@example.com>", "Subject: Kettle again", mid()))
			target, source := e.get(t, first.TicketID), e.get(t, second.TicketID)
			_, err := e.desk.Merge(ctx, agent, ticketkit.MergeParams{TargetID: target.ID, SourceIDs: []string{source.ID}})
			require.NoError(t, err)

			byHeader := e.ingest(t, msg("Any news?", "From: bo@example.com", "Subject: Re: Kettle again", mid(),
				"In-Reply-To: "+mailthread.ThreadID(source.ID, domain)))
			require.Equal(t, intake.Appended, byHeader.Outcome)
			require.Equal(t, mailin.ThreadByHeader, byHeader.Thread)
			require.Equal(t, target.ID, byHeader.TicketID)
			require.Equal(t, target.Number, byHeader.Number)

			bySubject := e.ingest(t, msg("Hello again.", "From: anna@example.com", "Subject: Re: ["+source.Number+"] Kettle again", mid()))
			require.Equal(t, mailin.ThreadBySubject, bySubject.Thread)
			require.Equal(t, target.ID, bySubject.TicketID)

			stranger := e.ingest(t, msg("I know your number.", "From: eve@example.net", "Subject: ["+source.Number+"]", mid()))
			require.Equal(t, intake.Opened, stranger.Outcome)
			require.NotEqual(t, target.ID, stranger.TicketID)

			require.Len(t, e.messages(t, target.ID), 4, "both first mails and the two replies")
			require.Empty(t, e.messages(t, source.ID))
		})
	}
}
