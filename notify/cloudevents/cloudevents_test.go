package cloudevents_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/bustest"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/cloudevents"
	"github.com/ticketkit/ticketkit/ticket"
)

func TestMarshal(t *testing.T) {
	t.Parallel()
	t.Run("EveryKindRoundTrips", func(t *testing.T) {
		t.Parallel()
		events := bustest.Events("acme")
		require.Len(t, events, len(notify.Kinds()))
		types := map[string]bool{}
		for _, e := range events {
			body, err := cloudevents.Marshal(e, "https://shop.example/helpdesk/")
			require.NoError(t, err)
			ce, err := cloudevents.Unmarshal(body)
			require.NoError(t, err)
			kind, ok := cloudevents.KindOf(ce.Type)
			require.True(t, ok, ce.Type)
			require.Equal(t, e.Kind, kind)
			require.True(t, strings.HasSuffix(ce.Type, ".v1"), ce.Type)
			types[ce.Type] = true
			require.Equal(t, e.ID, ce.ID)
			require.Equal(t, e.IdempotencyKey(""), ce.ID)
			require.Equal(t, "https://shop.example/helpdesk/tenants/acme", ce.Source)
			require.Equal(t, e.Ticket.Number, ce.Subject)
			require.True(t, e.At.Equal(ce.Time))
			require.Equal(t, "1.0", ce.SpecVersion)
			require.Equal(t, "application/json", ce.DataContentType)
			require.NotEmpty(t, ce.DataSchema)
			require.Equal(t, e.ID, ce.Data.EventID)
			require.Equal(t, e.TenantID, ce.Data.TenantID)
			require.Equal(t, e.Ticket.ID, ce.Data.TicketID)
			require.Equal(t, e.Escalation, ce.Data.Escalation)
			if e.SLA != nil {
				require.True(t, e.SLA.Due.Equal(ce.Data.SLA.Due))
			}
			require.Equal(t, e.Complaint != nil, ce.Data.Complaint != nil)
			if e.Complaint != nil && e.Complaint.Action != nil {
				require.Equal(t, e.Complaint.Action.Owner, ce.Data.Complaint.Action.Owner)
				require.True(t, e.Complaint.Action.DueAt.Equal(ce.Data.Complaint.Action.DueAt))
			}
			// The envelope is the JSON object a CloudEvents SDK reads:
			// the attributes at the top, data an object.
			var raw map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(body, &raw))
			for _, attr := range []string{"specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema", "data"} {
				require.Contains(t, raw, attr)
			}
			require.Equal(t, byte('{'), raw["data"][0])
		}
		require.Len(t, types, len(notify.Kinds()), "one type per kind")
	})
	t.Run("InternalNoteAndReversalReasonStayHome", func(t *testing.T) {
		t.Parallel()
		for _, e := range bustest.Events("acme") {
			if e.Kind == notify.KindMessageAdded {
				e.Message.Kind = ticket.MessageNote
				e.Message.Body = "customer is difficult, call +49 30 1234"
			}
			if e.Complaint != nil {
				e.Complaint.Reason = "secret internal reason"
			}
			body, err := cloudevents.Marshal(e, "")
			require.NoError(t, err)
			require.NotContains(t, string(body), "difficult")
			require.NotContains(t, string(body), "label.pdf")
			require.NotContains(t, string(body), "secret internal reason")
		}
	})
	t.Run("InvalidEventNamesEveryField", func(t *testing.T) {
		t.Parallel()
		_, err := cloudevents.Marshal(notify.Event{}, "")
		require.ErrorIs(t, err, cloudevents.ErrInvalidEvent)
		for _, f := range []string{"Event.ID", "Event.TenantID", "Event.Kind", "Event.Ticket"} {
			require.ErrorContains(t, err, f)
		}
	})
	t.Run("TimeIsUTC", func(t *testing.T) {
		t.Parallel()
		e := bustest.Events("acme")[0]
		e.At = time.Date(2026, 3, 6, 10, 15, 0, 0, time.FixedZone("CET", 3600))
		body, err := cloudevents.Marshal(e, "")
		require.NoError(t, err)
		require.Contains(t, string(body), `"time":"2026-03-06T09:15:00Z"`)
	})
	t.Run("TenantIsEscapedInSource", func(t *testing.T) {
		t.Parallel()
		e := bustest.Events("a/b c")[0]
		ce, err := cloudevents.New(e, "")
		require.NoError(t, err)
		require.Equal(t, "/ticketkit/tenants/a%2Fb%20c", ce.Source)
	})
}

func TestUnmarshal(t *testing.T) {
	t.Parallel()
	good, err := cloudevents.Marshal(bustest.Events("acme")[0], "")
	require.NoError(t, err)
	for name, body := range map[string]string{
		"NotJSON":         "nope",
		"OtherSpec":       strings.Replace(string(good), `"specversion":"1.0"`, `"specversion":"0.3"`, 1),
		"OtherVersion":    strings.Replace(string(good), `ticket.opened.v1`, `ticket.opened.v2`, 1),
		"ForeignType":     strings.Replace(string(good), `com.ticketkit.ticket.opened.v1`, `org.example.thing`, 1),
		"NoID":            strings.Replace(string(good), `"id":"`, `"xid":"`, 1),
		"NoSource":        strings.Replace(string(good), `"source":"`, `"xsource":"`, 1),
		"EmptyKindInType": strings.Replace(string(good), `com.ticketkit.ticket.opened.v1`, `com.ticketkit..v1`, 1),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.NotEqual(t, string(good), body)
			_, err := cloudevents.Unmarshal([]byte(body))
			require.ErrorIs(t, err, cloudevents.ErrInvalidEvent)
		})
	}
	t.Run("UnknownFieldsAreIgnored", func(t *testing.T) {
		t.Parallel()
		body := strings.Replace(string(good), `"data":{`, `"data":{"added_later":1,`, 1)
		_, err := cloudevents.Unmarshal([]byte(`{"traceparent":"00-x",` + body[1:]))
		require.NoError(t, err)
	})
}

func TestTopic(t *testing.T) {
	t.Parallel()
	e := notify.Event{TenantID: "acme", Kind: notify.KindOpened}
	for _, tc := range []struct{ prefix, tenant, want string }{
		{"ticketkit", "acme", "ticketkit.acme.ticket.opened"},
		{"", "acme", "acme.ticket.opened"},
		{"ticketkit", "acme.de", "ticketkit.acme%2Ede.ticket.opened"},
		{"ticketkit", "a*b>c d", "ticketkit.a%2Ab%3Ec%20d.ticket.opened"},
		{"ticketkit", "a%2Eb", "ticketkit.a%252Eb.ticket.opened"},
		{"x", "ünï", "x.%C3%BCn%C3%AF.ticket.opened"},
	} {
		e.TenantID = tc.tenant
		got, err := cloudevents.Topic(tc.prefix, e)
		require.NoError(t, err)
		require.Equal(t, tc.want, got)
		dots := 2 // tenant.ticket.opened
		if tc.prefix != "" {
			dots++
		}
		require.Equal(t, dots, strings.Count(got, "."), "one token for the tenant: %s", got)
	}
	_, err := cloudevents.Topic("x", notify.Event{Kind: notify.KindOpened})
	require.ErrorIs(t, err, cloudevents.ErrInvalidEvent)
}

// SCHEMA.md documents the type of every kind.
func TestSchemaDocumentsEveryType(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("SCHEMA.md")
	require.NoError(t, err)
	for _, k := range notify.Kinds() {
		require.Contains(t, string(doc), "`"+cloudevents.Type(k)+"`", "SCHEMA.md lists %s", k)
	}
	require.Contains(t, string(doc), cloudevents.DataSchema)
}
