package mailthread_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/mailthread"
)

const (
	ticketID = "0195f0c2-7a4e-7d31-9a4b-3c2d1e0f0042"
	eventID  = "0195f0c2-8000-7000-8000-000000000001"
)

func TestThreadID(t *testing.T) {
	t.Parallel()
	id := mailthread.ThreadID(ticketID, "shop.example")
	require.Equal(t, "<ticket-"+ticketID+"@shop.example>", id)
	got, ok := mailthread.ParseMessageID(id, "shop.example")
	require.True(t, ok)
	require.Equal(t, ticketID, got)
}

func TestValidLocalPart(t *testing.T) {
	t.Parallel()
	for _, s := range []string{ticketID, "a", "a.b", "a+b_c~d"} {
		require.True(t, mailthread.ValidLocalPart(s), s)
	}
	for _, s := range []string{"", ".a", "a.", "a..b", "a b", "a@b", "a<b", "a>b", "a\r\nb", "é"} {
		require.False(t, mailthread.ValidLocalPart(s), s)
	}
}

func TestParseMessageID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, id, domain string
		want             string
		wantOK           bool
	}{
		{name: "Bracketed", id: "<ticket-" + ticketID + "@shop.example>", domain: "shop.example", want: ticketID, wantOK: true},
		{name: "Bare", id: " ticket-abc@shop.example ", domain: "shop.example", want: "abc", wantOK: true},
		{name: "DomainCase", id: "<TICKET-abc@Shop.Example>", domain: "shop.example", want: "abc", wantOK: true},
		{name: "OtherDomain", id: "<ticket-abc@evil.example>", domain: "shop.example"},
		{name: "EventMessageID", id: "<" + eventID + ".1@shop.example>", domain: "shop.example"},
		{name: "NoTicketID", id: "<ticket-@shop.example>", domain: "shop.example"},
		{name: "NoDomain", id: "<ticket-abc>", domain: "shop.example"},
		{name: "EmptyDomain", id: "<ticket-abc@>", domain: ""},
		{name: "Garbage", id: "<ticket-a b@shop.example>", domain: "shop.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := mailthread.ParseMessageID(tt.id, tt.domain)
			require.Equal(t, tt.wantOK, ok)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestFindTicketID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, header string
		want         string
		wantOK       bool
	}{
		{name: "Root", header: "<ticket-t1@shop.example>", want: "t1", wantOK: true},
		{name: "ChainOfReferences", header: "<ticket-t1@shop.example>\r\n <e1.1@shop.example> <CAF00@mail.gmail.com>", want: "t1", wantOK: true},
		{name: "Unspaced", header: "<x@y><ticket-t2@shop.example>", want: "t2", wantOK: true},
		{name: "ForeignOnly", header: "<CAF00@mail.gmail.com> <ticket-t1@other.example>"},
		{name: "Empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := mailthread.FindTicketID(tt.header, "shop.example")
			require.Equal(t, tt.wantOK, ok)
			require.Equal(t, tt.want, got)
		})
	}
}

// An inbound reply keeps the thread root in its References header, which
// leads back to the ticket.
func ExampleFindTicketID() {
	references := "<ticket-t42@shop.example> <0195f0c2-8000-7000-8000-000000000001.1@shop.example>\r\n <CAF00@mail.gmail.com>"
	ticketID, ok := mailthread.FindTicketID(references, "shop.example")
	fmt.Println(ticketID, ok)
	// Output: t42 true
}
