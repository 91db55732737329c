package mailin_test

import (
	"fmt"
	"os"

	"github.com/ticketkit/ticketkit/mailin"
	"github.com/ticketkit/ticketkit/ticket"
)

// A reply to a notification: parse it, route it to its tenant, and find
// its ticket through the thread ID that ticketkit's notification put in
// References.
func Example() {
	parser, err := mailin.New(mailin.Config{OwnAddresses: []string{"help@desk.acme.example"}})
	if err != nil {
		panic(err)
	}
	routes := mailin.Routes{"help@desk.acme.example": {TenantID: "acme", Department: "support"}}

	f, err := os.Open("testdata/reply-in-reply-to.eml")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	in, err := parser.Parse(f)
	if err != nil {
		panic(err)
	}
	route, _ := routes.Match(in)
	ref := mailin.Thread(in, "desk.acme.example", ticket.DefaultNumberer().Find)

	fmt.Println("from:", in.From.Address)
	fmt.Println("class:", in.Class.Class)
	fmt.Println("tenant:", route.TenantID, route.Department)
	fmt.Println("thread:", ref.Match, ref.TicketID)
	// Output:
	// from: anna.berg@example.com
	// class: normal
	// tenant: acme support
	// thread: header 0190f5a2-7c3e-7b8a-9d4e-2f1a3b4c5d6e
}

// An out-of-office reply is classified as automated, so it is recorded
// and never answered.
func ExampleParser_Parse_autoReply() {
	parser, _ := mailin.New(mailin.Config{})
	f, _ := os.Open("testdata/vacation.eml")
	defer f.Close()
	in, err := parser.Parse(f)
	if err != nil {
		panic(err)
	}
	fmt.Println(in.Class.Class, in.Class.Automated(), in.Class.Reason)
	// Output: auto_reply true Auto-Submitted: auto-replied
}
