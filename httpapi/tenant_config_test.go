package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestTenantConfigLabels checks that GET /catalog and the labels of the
// tickets a tenant reads come from the tenant's own configuration once
// its admin saved one, and that another tenant keeps the Desk's.
func TestTenantConfigLabels(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	spec := ticket.DefaultCatalogSpec()
	for i, s := range spec.Statuses {
		if s.Code == ticket.StatusOpen {
			spec.Statuses[i].Label = ticket.Label{Text: "New request", Translations: map[string]string{"fr": "Nouvelle demande"}}
		}
	}
	admin := ticketkit.Actor{ID: "admin-1", Role: ticket.RoleAdmin, TenantID: agent.TenantID}
	_, err := e.desk.ConfigureTenant(t.Context(), admin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: spec}})
	require.NoError(t, err)

	label := func(as ticketkit.Actor) string {
		w := e.do(request{as: &as, method: http.MethodGet, path: "/catalog?locale=fr"})
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		for _, s := range decode[apiCatalog](t, w).Statuses {
			if s.Code == ticket.StatusOpen {
				return s.Label
			}
		}
		return ""
	}
	require.Equal(t, "Nouvelle demande", label(agent))
	other := ticketkit.Actor{ID: "agent-9", Role: ticket.RoleAgent, TenantID: "other-shop"}
	require.Equal(t, "Ouvert", label(other), "another tenant keeps the Desk's catalog")

	tk := e.open(agent, map[string]any{"subject": "Where is my parcel?"})
	w := e.get(agent, "/tickets/"+tk.ID)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	got := decode[struct {
		StatusLabel   string `json:"status_label"`
		ConfigVersion int64  `json:"config_version"`
	}](t, w)
	require.Equal(t, "New request", got.StatusLabel)
	require.Equal(t, int64(1), got.ConfigVersion)
}

// TestConfigRoutes drives GET/PUT /config and GET
// /config/versions/{version}: admins only may save, If-Match guards the
// version, a bad configuration is a 400 naming its fields and saves
// nothing.
func TestConfigRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := ticketkit.Actor{ID: "admin-1", Role: ticket.RoleAdmin, TenantID: agent.TenantID}
	put := func(as ticketkit.Actor, ifMatch string, body any) *httptest.ResponseRecorder {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		h := http.Header{}
		if ifMatch != "" {
			h.Set("If-Match", ifMatch)
		}
		return e.do(request{as: &as, method: http.MethodPut, path: "/config", body: bytes.NewReader(b), contentType: "application/json", header: h})
	}
	w := e.get(agent, "/config")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Equal(t, `"config.0"`, w.Header().Get("ETag"))

	spec := withStatus(ticket.DefaultCatalogSpec(), "on_hold")
	body := map[string]any{"config": ticketkit.TenantConfig{Catalog: spec}}
	requireError(t, put(agent, "", body), http.StatusForbidden, "forbidden")

	w = put(admin, `"config.0"`, body)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Equal(t, `"config.1"`, w.Header().Get("ETag"))

	requireError(t, put(admin, `"config.0"`, body), http.StatusPreconditionFailed, "precondition_failed")
	w = put(admin, `"config.1"`, body)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Equal(t, `"config.2"`, w.Header().Get("ETag"))
	requireError(t, put(admin, `"config.1"`, body), http.StatusPreconditionFailed, "precondition_failed")

	bad := ticket.DefaultCatalogSpec()
	bad.Statuses[0].Label.Text = ""
	e400 := requireError(t, put(admin, "", map[string]any{"config": ticketkit.TenantConfig{Catalog: bad}}), http.StatusBadRequest, "validation_failed")
	require.Contains(t, e400.fieldNames(), "catalog.statuses[0].label.text")

	w = e.get(agent, "/config/versions/1")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	got := decode[ticketkit.TenantConfigVersion](t, w)
	require.Equal(t, int64(1), got.Version)
	require.Equal(t, admin.ID, got.CreatedBy)
	require.Len(t, got.Config.Catalog.Statuses, len(spec.Statuses))
	w = e.get(agent, "/config")
	require.Equal(t, `"config.2"`, w.Header().Get("ETag"), "the bad one saved nothing")
	require.Equal(t, http.StatusNotFound, e.get(agent, "/config/versions/3").Code)
	require.Equal(t, http.StatusBadRequest, e.get(agent, "/config/versions/x").Code)
	requireError(t, e.get(ada, "/config"), http.StatusForbidden, "forbidden")
}

// TestConfigIfMatchRace sends PUT /config with the same If-Match from
// several goroutines: the check is part of the save, so exactly one gets
// 200 and the others 412, for the first version as for a later one.
func TestConfigIfMatchRace(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := ticketkit.Actor{ID: "admin-1", Role: ticket.RoleAdmin, TenantID: agent.TenantID}
	b, err := json.Marshal(map[string]any{"config": ticketkit.TenantConfig{Catalog: withStatus(ticket.DefaultCatalogSpec(), "on_hold")}})
	require.NoError(t, err)
	for _, tag := range []string{`"config.0"`, `"config.1"`} {
		codes := make(chan int, 8)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				w := e.do(request{as: &admin, method: http.MethodPut, path: "/config", body: bytes.NewReader(b),
					contentType: "application/json", header: http.Header{"If-Match": {tag}}})
				codes <- w.Code
			})
		}
		wg.Wait()
		close(codes)
		count := map[int]int{}
		for c := range codes {
			count[c]++
		}
		require.Equal(t, map[int]int{http.StatusOK: 1, http.StatusPreconditionFailed: 7}, count, tag)
	}
}

// TestConfigNotificationParts saves templates, switches, a number
// format and a tag catalog through PUT /config and reads them back; a
// template naming an unknown field and a bad prefix are 400s naming them.
func TestConfigNotificationParts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := ticketkit.Actor{ID: "admin-1", Role: ticket.RoleAdmin, TenantID: agent.TenantID}
	put := func(cfg map[string]any) *httptest.ResponseRecorder {
		cfg["catalog"] = ticket.DefaultCatalogSpec()
		b, err := json.Marshal(map[string]any{"config": cfg})
		require.NoError(t, err)
		return e.do(request{as: &admin, method: http.MethodPut, path: "/config", body: bytes.NewReader(b), contentType: "application/json"})
	}
	e400 := requireError(t, put(map[string]any{
		"templates": []map[string]string{{"kind": "ticket.opened", "locale": "fr", "subject": "{{.Numero}}", "text": "x"}},
		"numbers":   map[string]any{"prefix": "NOT VALID"},
	}), http.StatusBadRequest, "validation_failed")
	require.ElementsMatch(t, []string{"templates[0]", "numbers.prefix"}, e400.fieldNames())

	w := put(map[string]any{
		"templates":     []map[string]string{{"kind": "ticket.opened", "locale": "fr", "subject": "Demande {{.Number}}", "text": "Bonjour"}},
		"notifications": map[string]any{"off": []string{"ticket.message_added/reply"}},
		"numbers":       map[string]any{"prefix": "SAV", "digits": 4},
		"tags":          []map[string]any{{"code": "vip", "label": map[string]string{"text": "VIP", "color": "#ffd700"}}},
	})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	got := decode[ticketkit.TenantConfigVersion](t, e.get(agent, "/config"))
	require.Equal(t, "Demande {{.Number}}", got.Config.Templates[0].Subject)
	require.Equal(t, "SAV", got.Config.Numbers.Prefix)
	require.Equal(t, "#ffd700", got.Config.Tags[0].Label.Color)
	require.Len(t, got.Config.Notifications.Off, 1)
	tk := e.open(agent, map[string]any{"subject": "Where is my parcel?"})
	require.Regexp(t, `^SAV-\d{4}-0001$`, tk.Number)
}

// withStatus returns spec with an extra pending status code.
func withStatus(spec ticket.CatalogSpec, code string) ticket.CatalogSpec {
	spec.Statuses = append(spec.Statuses, ticket.Status{Code: code, Label: ticket.Label{Text: code}, Category: ticket.CategoryPending})
	return spec
}
