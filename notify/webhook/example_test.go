package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/webhook"
	"github.com/ticketkit/ticketkit/ticket"
)

// A Sender POSTs each event, signed, to the endpoint; the receiver checks
// the signature with Verify on the raw body before it decodes it. Here a
// local server stands in for the host's CRM.
func ExampleSender() {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

	crm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "cannot read body", http.StatusBadRequest)
			return
		}
		if err := webhook.Verify(secret, r.Header, body, time.Now(), 0); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized) // a 4xx: the Sender gives up
			return
		}
		var p webhook.Payload
		if err := json.Unmarshal(body, &p); err != nil {
			http.Error(w, "not a ticketkit payload", http.StatusBadRequest)
			return
		}
		fmt.Println("webhook-id:", r.Header.Get(webhook.HeaderID))
		fmt.Println(p.Type, p.Data.Number, p.Data.Subject, p.Data.Status)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer crm.Close()

	sender, err := webhook.New(webhook.Config{
		URL:    crm.URL + "/hooks/ticketkit",
		Name:   "crm",
		Secret: secret,
		Kinds:  []notify.Kind{notify.KindOpened, notify.KindClosed},
	})
	if err != nil {
		log.Fatal(err)
	}

	at := time.Date(2026, 3, 6, 9, 15, 0, 0, time.UTC)
	err = sender.Notify(context.Background(), notify.Event{
		ID:    "0195f0c2-8000-7000-8000-000000000001",
		Kind:  notify.KindOpened,
		At:    at,
		Actor: ticket.Actor{ID: "agent-7", Role: ticket.RoleAgent, TenantID: "acme"},
		Ticket: &ticket.Ticket{
			ID: "t42", Number: "TK-2026-000042", TenantID: "acme", Subject: "Kettle stopped working",
			Status: ticket.StatusOpen, Priority: ticket.PriorityNormal,
			CreatedAt: at, UpdatedAt: at,
		},
	})
	if err != nil {
		log.Fatal(err) // an outbox would retry the event later, unless notify.ErrPermanent
	}
	// Output:
	// webhook-id: 0195f0c2-8000-7000-8000-000000000001/crm
	// ticket.opened TK-2026-000042 Kettle stopped working open
}

// A receiver checks each request before it trusts the body. During a
// secret rotation it tries each secret it knows.
func ExampleVerify() {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	body := []byte(`{"test": 2432232314}`)
	sent := time.Unix(1614265330, 0)
	sig, err := webhook.Sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", sent, body)
	if err != nil {
		log.Fatal(err)
	}
	header := http.Header{}
	header.Set(webhook.HeaderID, "msg_p5jXN8AQM9LWM0D4loKWxJek")
	header.Set(webhook.HeaderTimestamp, "1614265330")
	header.Set(webhook.HeaderSignature, sig)

	fmt.Println(sig)
	fmt.Println(webhook.Verify(secret, header, body, sent.Add(time.Minute), 0))
	fmt.Println(webhook.Verify(secret, header, []byte(`{"test": 1}`), sent.Add(time.Minute), 0))
	fmt.Println(webhook.Verify(secret, header, body, sent.Add(time.Hour), 0))
	// Output:
	// v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=
	// <nil>
	// webhook: invalid signature: no v1 signature matches
	// webhook: timestamp outside tolerance: sent at 2021-02-25T15:02:10Z, 1h0m0s ago; tolerance 5m0s
}
