package cloudevents_test

import (
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/cloudevents"
	"github.com/ticketkit/ticketkit/ticket"
)

// Marshal writes the CloudEvent a bus notifier publishes; a consumer
// reads it back with Unmarshal and switches on the kind of its type.
func Example() {
	at := time.Date(2026, 3, 6, 9, 15, 0, 0, time.UTC)
	e := notify.Event{
		ID: "0195f0c2-8000-7000-8000-000000000001", Kind: notify.KindOpened, TenantID: "acme", At: at,
		Actor: ticket.Actor{ID: "cust-1", Role: ticket.RoleCustomer, TenantID: "acme"},
		Ticket: &ticket.Ticket{ID: "0195f0c2-7a4e-7d31-9a4b-3c2d1e0f0042", Number: "TK-2026-000042", TenantID: "acme",
			Subject: "Kettle stopped working", Status: "new", Priority: "normal"},
	}
	body, err := cloudevents.Marshal(e, "")
	if err != nil {
		panic(err)
	}
	fmt.Println(string(body))

	ce, err := cloudevents.Unmarshal(body)
	if err != nil {
		panic(err)
	}
	kind, _ := cloudevents.KindOf(ce.Type)
	fmt.Println(kind, ce.ID, ce.Data.Number, ce.Data.Subject)
	// Output:
	// {"specversion":"1.0","id":"0195f0c2-8000-7000-8000-000000000001","source":"/ticketkit/tenants/acme","type":"com.ticketkit.ticket.opened.v1","subject":"TK-2026-000042","time":"2026-03-06T09:15:00Z","datacontenttype":"application/json","dataschema":"https://pkg.go.dev/github.com/ticketkit/ticketkit/notify/cloudevents#Data","data":{"event_id":"0195f0c2-8000-7000-8000-000000000001","tenant_id":"acme","ticket_id":"0195f0c2-7a4e-7d31-9a4b-3c2d1e0f0042","number":"TK-2026-000042","subject":"Kettle stopped working","status":"new","priority":"normal","actor":{"id":"cust-1","role":"customer"}}}
	// ticket.opened 0195f0c2-8000-7000-8000-000000000001 TK-2026-000042 Kettle stopped working
}
