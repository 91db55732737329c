package otelticketkit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/otelticketkit"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// A host traces its help desk from the HTTP request down to the store
// transaction: otelhttp around the httpapi handler names the request's
// span after the route, the Observer adds the use case's span and its
// transaction's below it, and the outbox gauges read the store. The
// in-memory recorder and reader stand for the host's exporters.
func Example() {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	store := memory.New()
	notifier := notify.NotifierFunc(func(context.Context, notify.Event) error { return nil })

	obs, err := otelticketkit.New(otelticketkit.Config{
		TracerProvider: tp, MeterProvider: mp, // your SDK's; default: OpenTelemetry's global ones
		Store: store, // outbox backlog gauges (storage.OutboxStatsStore)
	})
	if err != nil {
		panic(err)
	}
	defer obs.Close()
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Observer: obs})
	if err != nil {
		panic(err)
	}
	disp, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Notifier: notifier, Observer: obs})
	if err != nil {
		panic(err)
	}
	api, err := httpapi.New(httpapi.Config{
		Desk: desk,
		Authenticate: func(*http.Request) (ticketkit.Actor, error) {
			return ticketkit.Actor{ID: "u-agent", Role: ticket.RoleAgent, TenantID: "shop"}, nil
		},
	})
	if err != nil {
		panic(err)
	}
	handler := otelhttp.NewHandler(api, "ticketkit", otelhttp.WithTracerProvider(tp), otelhttp.WithMeterProvider(mp)) // spans named after the route: "GET /tickets/{id}"

	req := httptest.NewRequest(http.MethodPost, "/tickets", strings.NewReader(`{"subject": "Kettle leaks"}`))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	handler.ServeHTTP(w, req)
	fmt.Println("answer:", w.Code)
	var opened struct{ ID string }
	if err := json.NewDecoder(w.Body).Decode(&opened); err != nil {
		panic(err)
	}
	handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/tickets/"+opened.ID, nil))
	fmt.Println("outbox pending:", pending(reader))
	if _, err := disp.RunOnce(context.Background()); err != nil {
		panic(err)
	}
	fmt.Println("outbox pending:", pending(reader))

	names := map[string]string{} // span ID → name
	for _, s := range spans.Ended() {
		names[s.SpanContext().SpanID().String()] = s.Name()
	}
	for _, s := range spans.Ended() {
		var about []string
		for _, kv := range s.Attributes() {
			switch kv.Key {
			case otelticketkit.AttrTenant, otelticketkit.AttrEventKind, otelticketkit.AttrOutcome:
				about = append(about, fmt.Sprintf("%s=%s", kv.Key, kv.Value.AsString()))
			case otelticketkit.AttrTicketNumber:
				about = append(about, fmt.Sprintf("%s=%t", kv.Key, strings.HasPrefix(kv.Value.AsString(), "TK-")))
			}
		}
		fmt.Printf("%s in %q %v\n", s.Name(), names[s.Parent().SpanID().String()], about)
	}
	// Output:
	// answer: 201
	// outbox pending: 1
	// outbox pending: 0
	// ticketkit.tx in "ticketkit.Open" []
	// ticketkit.Open in "POST /tickets" [ticketkit.tenant_id=shop ticketkit.ticket.number=true]
	// POST /tickets in "" []
	// ticketkit.Get in "GET /tickets/{id}" [ticketkit.tenant_id=shop ticketkit.ticket.number=true]
	// GET /tickets/{id} in "" []
	// ticketkit.deliver in "ticketkit.dispatch" [ticketkit.tenant_id=shop ticketkit.event.kind=ticket.opened ticketkit.delivery.outcome=delivered]
	// ticketkit.dispatch in "" []
}

// pending reads the outbox backlog gauge.
func pending(reader *sdkmetric.ManualReader) int64 {
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		panic(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if g, ok := m.Data.(metricdata.Gauge[int64]); ok && m.Name == otelticketkit.MetricOutboxPending {
				return g.DataPoints[0].Value
			}
		}
	}
	return -1
}
