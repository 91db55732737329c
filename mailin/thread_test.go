package mailin

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/mailthread"
	"github.com/ticketkit/ticketkit/ticket"
)

func TestThreadCorpus(t *testing.T) {
	t.Parallel()
	find := ticket.DefaultNumberer().Find
	tests := []struct {
		file string
		want ThreadRef
	}{
		{"reply-in-reply-to.eml", ThreadRef{
			Match:     ThreadByHeader,
			TicketID:  testTicketID,
			MessageID: "ticket-" + testTicketID + "@" + testDomain,
			EventIDs:  []string{"0190f5a3-1111-7222-8333-944455566677"},
		}},
		{"reply-subject.eml", ThreadRef{Match: ThreadBySubject, Number: "TK-2026-000042"}},
		{"plain.eml", ThreadRef{Match: ThreadNew}},
		{"outlook-autoreply.eml", ThreadRef{
			Match:     ThreadByHeader,
			TicketID:  "0190f5a4-aaaa-7bbb-8ccc-dddddddddddd",
			MessageID: "ticket-0190f5a4-aaaa-7bbb-8ccc-dddddddddddd@" + testDomain,
			EventIDs:  []string{"0190f5a4-eeee-7fff-8000-111111111111"},
		}},
		// The vacation notice kept only In-Reply-To: the event ID is
		// there for a caller that can resolve it; the subject decides.
		{"vacation.eml", ThreadRef{
			Match:    ThreadBySubject,
			Number:   "TK-2026-000044",
			EventIDs: []string{"0190f5a5-0000-7000-8000-000000000001"},
		}},
		// The bounce's original headers are a part, not its header.
		{"bounce-dsn.eml", ThreadRef{Match: ThreadNew}},
	}
	p := newTestParser(t, Config{})
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			in := parseFile(t, p, tt.file)
			require.Equal(t, tt.want, Thread(in, testDomain, find))
		})
	}
}

func TestThread(t *testing.T) {
	t.Parallel()
	find := ticket.DefaultNumberer().Find
	rootA := mailthread.ThreadID("ticket-a", testDomain)
	rootB := mailthread.ThreadID("ticket-b", testDomain)
	strip := func(id string) string { return id[1 : len(id)-1] }
	tests := []struct {
		name   string
		in     Inbound
		domain string
		find   func(string) (string, bool)
		want   ThreadRef
	}{
		{
			name: "InReplyToBeatsReferences",
			in:   Inbound{InReplyTo: []string{strip(rootB)}, References: []string{strip(rootA)}},
			want: ThreadRef{Match: ThreadByHeader, TicketID: "ticket-b", MessageID: strip(rootB)},
		},
		{
			name: "NewestReferenceWins",
			in:   Inbound{References: []string{strip(rootA), "x@elsewhere.example", strip(rootB)}},
			want: ThreadRef{Match: ThreadByHeader, TicketID: "ticket-b", MessageID: strip(rootB)},
		},
		{
			name: "HeaderBeatsSubject",
			in:   Inbound{References: []string{strip(rootA)}, Subject: "Re: [TK-2026-000042] x"},
			want: ThreadRef{Match: ThreadByHeader, TicketID: "ticket-a", MessageID: strip(rootA)},
		},
		{
			name:   "DomainComparesIgnoringCase",
			in:     Inbound{References: []string{"ticket-a@DESK.Acme.Example"}},
			domain: "desk.acme.example",
			want:   ThreadRef{Match: ThreadByHeader, TicketID: "a", MessageID: "ticket-a@DESK.Acme.Example"},
		},
		{
			name: "OtherDomainsRootIsIgnored",
			in:   Inbound{References: []string{"ticket-a@other.example"}, Subject: "Re: [TK-2026-000042] x"},
			want: ThreadRef{Match: ThreadBySubject, Number: "TK-2026-000042"},
		},
		{
			name:   "EmptyDomainSkipsHeaders",
			in:     Inbound{References: []string{strip(rootA)}},
			domain: "-",
			want:   ThreadRef{Match: ThreadNew},
		},
		{
			name: "NilFindSkipsSubject",
			in:   Inbound{Subject: "Re: [TK-2026-000042] x"},
			find: func(string) (string, bool) { panic("not called") },
			want: ThreadRef{Match: ThreadNew},
		},
		{
			name: "NumberInsideWordIsNoNumber",
			in:   Inbound{Subject: "Re: XTK-2026-000042 x"},
			want: ThreadRef{Match: ThreadNew},
		},
		{
			name: "EventIDsNewestFirstWithoutRepeats",
			in: Inbound{
				InReplyTo:  []string{"ev2.1@" + testDomain},
				References: []string{"ev1.1@" + testDomain, "ev1.2@" + testDomain, "ev2.1@" + testDomain, "not.an.event@x.example", "ev3.x@" + testDomain},
			},
			want: ThreadRef{Match: ThreadNew, EventIDs: []string{"ev2", "ev1"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			domain := tt.domain
			switch domain {
			case "":
				domain = testDomain
			case "-":
				domain = ""
			}
			f := find
			if tt.name == "NilFindSkipsSubject" {
				f = nil
			}
			require.Equal(t, tt.want, Thread(tt.in, domain, f))
		})
	}
}
