package httpapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/httpapi"
)

func TestErrorStatuses(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *options) { o.api.MaxBodySize = 4 << 10 })
	tk := e.open(agent, map[string]any{"subject": "Kettle", "customer": map[string]any{"id": "C-ADA"}})
	ticketPath := "/tickets/" + tk.ID
	huge := `{"subject": "` + strings.Repeat("x", 8<<10) + `"}`

	tests := []struct {
		name   string
		req    request
		status int
		code   string
		fields []string
	}{
		{"NoCredentials", request{method: http.MethodGet, path: "/tickets"}, http.StatusUnauthorized, "unauthenticated", nil},
		{"NoCredentialsOnWrites", request{method: http.MethodPost, path: "/tickets", body: strings.NewReader(`{}`), contentType: "application/json"},
			http.StatusUnauthorized, "unauthenticated", nil},
		{"WrongContentType", request{as: &agent, method: http.MethodPost, path: "/tickets", body: strings.NewReader(`subject=x`),
			contentType: "application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType, "unsupported_media_type", nil},
		{"MissingContentType", request{as: &agent, method: http.MethodPatch, path: ticketPath, body: strings.NewReader(`{}`)},
			http.StatusUnsupportedMediaType, "unsupported_media_type", nil},
		{"MessagesAcceptJSONOrMultipart", request{as: &agent, method: http.MethodPost, path: ticketPath + "/messages",
			body: strings.NewReader(`hello`), contentType: "text/plain"}, http.StatusUnsupportedMediaType, "unsupported_media_type", nil},
		{"BodyTooLarge", request{as: &agent, method: http.MethodPost, path: "/tickets", body: strings.NewReader(huge),
			contentType: "application/json"}, http.StatusRequestEntityTooLarge, "too_large", nil},
		{"BodyTooLargeAfterAValidObject", request{as: &agent, method: http.MethodPost, path: "/tickets",
			body: strings.NewReader(`{"subject":"x"}` + strings.Repeat(" ", 8<<10)), contentType: "application/json"},
			http.StatusRequestEntityTooLarge, "too_large", nil},
		{"MalformedJSON", request{as: &agent, method: http.MethodPost, path: "/tickets", body: strings.NewReader(`{"subject": `),
			contentType: "application/json"}, http.StatusBadRequest, "malformed_request", nil},
		{"EmptyBody", request{as: &agent, method: http.MethodPost, path: "/tickets", body: strings.NewReader(``),
			contentType: "application/json"}, http.StatusBadRequest, "malformed_request", nil},
		{"NotAnObject", request{as: &agent, method: http.MethodPost, path: "/tickets", body: strings.NewReader(`[1,2]`),
			contentType: "application/json"}, http.StatusBadRequest, "malformed_request", nil},
		{"TwoObjects", request{as: &agent, method: http.MethodPost, path: "/tickets", body: strings.NewReader(`{"subject":"a"}{"subject":"b"}`),
			contentType: "application/json"}, http.StatusBadRequest, "malformed_request", nil},
		{"ForbiddenRole", request{as: &ada, method: http.MethodPost, path: ticketPath + "/transitions",
			body: strings.NewReader(`{"to":"closed","reason":"done"}`), contentType: "application/json"}, http.StatusForbidden, "forbidden", nil},
		{"OtherTenant", request{as: &outsider, method: http.MethodPatch, path: ticketPath, body: strings.NewReader(`{"subject":"mine"}`),
			contentType: "application/json"}, http.StatusNotFound, "not_found", nil},
		{"StaleVersion", request{as: &agent, method: http.MethodPost, path: ticketPath + "/assignment",
			body: strings.NewReader(`{"assignee":"a","version":99}`), contentType: "application/json"}, http.StatusConflict, "version_conflict", nil},
		{"UnknownRoute", request{as: &agent, method: http.MethodGet, path: "/nothing/here"}, http.StatusNotFound, "not_found", nil},
		{"UnknownRouteUnauthenticated", request{method: http.MethodGet, path: "/nothing/here"}, http.StatusNotFound, "not_found", nil},
		{"WrongMethod", request{as: &agent, method: http.MethodDelete, path: ticketPath}, http.StatusMethodNotAllowed, "method_not_allowed", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := e.do(tc.req)
			got := requireError(t, w, tc.status, tc.code)
			require.Equal(t, tc.fields, got.fieldNames())
			require.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
			if tc.status == http.StatusMethodNotAllowed {
				require.Contains(t, w.Header().Get("Allow"), http.MethodPatch)
			}
		})
	}
}

// TestHostileInput sends what a careless or hostile client might:
// every case is answered with 400 naming the culprit, and nothing is
// stored.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tk := e.open(agent, map[string]any{"subject": "Kettle", "customer": map[string]any{"id": "C-ADA"}})
	ticketPath := "/tickets/" + tk.ID

	tests := []struct {
		name   string
		as     actorT
		method string
		path   string
		body   string // JSON; empty for GET
		field  string
		code   string
	}{
		{"UnknownMember", agent, http.MethodPost, "/tickets", `{"subject":"x","is_admin":true}`, "is_admin", "unknown_field"},
		{"UnknownNestedMember", agent, http.MethodPost, "/tickets", `{"subject":"x","customer":{"id":"C","vip":true}}`, "vip", "unknown_field"},
		{"TicketIDInBody", agent, http.MethodPost, ticketPath + "/transitions", `{"to":"in_progress","ticket_id":"other"}`, "ticket_id", "unknown_field"},
		{"SetFlagsAreNotAPI", agent, http.MethodPatch, ticketPath, `{"set_tags":true}`, "set_tags", "unknown_field"},
		{"HugeVersion", agent, http.MethodPost, ticketPath + "/transitions", `{"to":"in_progress","version":1e400}`, "version", "type"},
		{"HugeIntegerVersion", agent, http.MethodPatch, ticketPath, `{"version":123456789012345678901234567890}`, "version", "type"},
		{"FractionalVersion", agent, http.MethodPost, ticketPath + "/assignment", `{"assignee":"a","version":1.5}`, "version", "type"},
		{"WrongType", agent, http.MethodPost, "/tickets", `{"subject":["x"]}`, "subject", "type"},
		{"WrongNestedType", agent, http.MethodPost, "/tickets", `{"subject":"x","customer":{"email":42}}`, "customer.email", "type"},
		{"BadTime", agent, http.MethodPost, ticketPath + "/transitions", `{"to":"waiting","pending_until":"tomorrow"}`, "", ""},
		{"InvalidCursor", agent, http.MethodGet, "/tickets?cursor=not-a-cursor", "", "cursor", "cursor"},
		{"ForgedCursor", agent, http.MethodGet, "/tickets?cursor=eyJzIjoiY3JlYXRlZF9hdCJ9", "", "cursor", "cursor"},
		{"HugeLimit", agent, http.MethodGet, "/tickets?limit=99999999999999999999999", "", "limit", "integer"},
		{"LimitOverMax", agent, http.MethodGet, "/tickets?limit=100000", "", "limit", "max"},
		{"NegativeLimit", agent, http.MethodGet, "/tickets?limit=-1", "", "limit", "integer"},
		{"UnknownParameter", agent, http.MethodGet, "/tickets?stauts=open", "", "stauts", "unknown_parameter"},
		{"RepeatedSingleParameter", agent, http.MethodGet, "/tickets?q=a&q=b", "", "q", "repeated"},
		{"BadBoolean", agent, http.MethodGet, "/tickets?desc=maybe", "", "desc", "boolean"},
		{"BadLocale", agent, http.MethodGet, "/catalog?locale=" + strings.Repeat("x", 50), "", "locale", "locale"},
		{"ScriptInLocale", agent, http.MethodGet, "/catalog?locale=%3Cscript%3E", "", "locale", "locale"},
		{"CustomerSetsAssignee", ada, http.MethodPost, "/tickets", `{"subject":"x","assignee":"me"}`, "assignee", "forbidden"},
		{"NulInCode", agent, http.MethodPost, "/tickets", `{"subject":"x","priority":"\u0000"}`, "priority", "nul"},
		{"CustomerFiltersByCustomer", ada, http.MethodGet, "/tickets?customer_id=C-BOB", "", "customer_id", "forbidden"},
		{"CustomerFiltersByAssignee", ada, http.MethodGet, "/tickets?assignee=agent-1", "", "assignee", "forbidden"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := request{as: &tc.as, method: tc.method, path: tc.path}
			if tc.body != "" {
				req.body, req.contentType = strings.NewReader(tc.body), "application/json"
			}
			w := e.do(req)
			if tc.field == "" {
				requireError(t, w, http.StatusBadRequest, "malformed_request")
				return
			}
			got := requireError(t, w, http.StatusBadRequest, "validation_failed")
			var codes []string
			for _, f := range got.Errors {
				if f.Field == tc.field {
					codes = append(codes, f.Rule)
				}
			}
			require.Contains(t, codes, tc.code, "%s: %s", tc.field, w.Body.String())
		})
	}
	t.Run("NothingWasStored", func(t *testing.T) {
		w := e.get(agent, "/tickets")
		require.Equal(t, http.StatusOK, w.Code)
		require.Equal(t, 1, strings.Count(w.Body.String(), `"number"`))
	})
}

func TestInternalErrorsStayInside(t *testing.T) {
	t.Parallel()

	t.Run("IncompleteActorFromTheHost", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, func(o *options) {
			o.authenticateWith = func(*http.Request) (ticketkit.Actor, error) {
				return ticketkit.Actor{ID: "u1", Role: "wizard"}, nil // no tenant, unknown role
			}
		})
		w := e.do(request{method: http.MethodGet, path: "/tickets"})
		got := requireError(t, w, http.StatusInternalServerError, "internal")
		require.Equal(t, "internal server error", got.Detail)
		require.NotContains(t, w.Body.String(), "tenant")
		require.True(t, e.logged("Authenticate returned an invalid actor"), e.logs.String())
	})

	t.Run("PanicInAuthenticate", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, func(o *options) {
			o.authenticateWith = func(*http.Request) (ticketkit.Actor, error) { panic("session store down: password=hunter2") }
		})
		w := e.do(request{method: http.MethodGet, path: "/catalog"})
		requireError(t, w, http.StatusInternalServerError, "internal")
		require.NotContains(t, w.Body.String(), "hunter2")
		require.True(t, e.logged("session store down"), e.logs.String())
	})

	t.Run("AuthenticateErrorIsNotShown", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, func(o *options) {
			o.authenticateWith = func(*http.Request) (ticketkit.Actor, error) {
				return ticketkit.Actor{}, errors.New("token abc expired")
			}
		})
		w := e.do(request{method: http.MethodGet, path: "/tickets"})
		requireError(t, w, http.StatusUnauthorized, "unauthenticated")
		require.NotContains(t, w.Body.String(), "abc")
	})
}

// TestProblemDocuments checks the RFC 9457 shape of error answers: the
// members a generic problem client reads, the extension members, and the
// headers a status calls for.
func TestProblemDocuments(t *testing.T) {
	t.Parallel()

	t.Run("ValidationListsFieldsAsAnExtension", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		w := e.do(request{as: &agent, method: http.MethodPost, path: "/tickets",
			body: strings.NewReader(`{"subject":"x","customer":{"email":"not an email"},"colour":"red"}`), contentType: "application/json"})
		got := requireError(t, w, http.StatusBadRequest, "validation_failed")
		require.Equal(t, "The request has invalid fields", got.Title)
		rules := map[string]string{}
		for _, f := range got.Errors {
			require.NotEmpty(t, f.Message, f.Field)
			rules[f.Field] = f.Rule
		}
		require.Equal(t, "unknown_field", rules["colour"], w.Body.String())
		var doc map[string]any
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &doc))
		require.NotContains(t, doc, "error", "no envelope of the old format")
		require.NotContains(t, doc, "fields", "the field list is the member errors")
		require.ElementsMatch(t, []string{"type", "title", "status", "detail", "code", "errors"}, slices.Collect(maps.Keys(doc)))
	})

	t.Run("UnauthenticatedCarriesTheDefaultChallenge", func(t *testing.T) {
		t.Parallel()
		w := newEnv(t).do(request{method: http.MethodGet, path: "/tickets"})
		requireError(t, w, http.StatusUnauthorized, "unauthenticated")
		require.Equal(t, httpapi.DefaultChallenge, w.Header().Get("WWW-Authenticate"))
	})

	t.Run("UnauthenticatedCarriesTheHostsChallenge", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, func(o *options) { o.api.Challenge = `Basic realm="shop", charset="UTF-8"` })
		w := e.do(request{method: http.MethodPost, path: "/tickets", body: strings.NewReader(`{}`), contentType: "application/json"})
		requireError(t, w, http.StatusUnauthorized, "unauthenticated")
		require.Equal(t, `Basic realm="shop", charset="UTF-8"`, w.Header().Get("WWW-Authenticate"))
	})

	t.Run("OnlyUnauthenticatedCarriesAChallenge", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		for _, w := range []*httptest.ResponseRecorder{
			e.do(request{as: &agent, method: http.MethodGet, path: "/tickets/none"}),
			e.do(request{as: &agent, method: http.MethodGet, path: "/tickets?limit=-1"}),
			e.do(request{method: http.MethodGet, path: "/nothing/here"}),
		} {
			require.GreaterOrEqual(t, w.Code, 400)
			require.Equal(t, httpapi.ProblemContentType, w.Header().Get("Content-Type"))
			require.Empty(t, w.Header().Get("WWW-Authenticate"), w.Body.String())
			require.Empty(t, w.Header().Get("Retry-After"), w.Body.String())
		}
	})
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	desk := newEnv(t).desk
	auth := func(*http.Request) (ticketkit.Actor, error) { return agent, nil }
	for name, cfg := range map[string]httpapi.Config{
		"NoDesk":                 {Authenticate: auth},
		"NoAuthenticate":         {Desk: desk},
		"NegativeBody":           {Desk: desk, Authenticate: auth, MaxBodySize: -1},
		"NegativeUpload":         {Desk: desk, Authenticate: auth, MaxUploadSize: -1},
		"ChallengeSplitsHeaders": {Desk: desk, Authenticate: auth, Challenge: "Bearer\r\nSet-Cookie: a=b"},
	} {
		h, err := httpapi.New(cfg)
		require.Error(t, err, name)
		require.Nil(t, h, name)
	}
	h, err := httpapi.New(httpapi.Config{Desk: desk, Authenticate: auth})
	require.NoError(t, err)
	require.NotNil(t, h)
}

func TestOpenAPIIsServedWithoutAuthentication(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.do(request{method: http.MethodGet, path: "/openapi.yaml"})
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, "application/yaml", w.Header().Get("Content-Type"))
	require.True(t, bytes.HasPrefix(w.Body.Bytes(), []byte("openapi: 3.1")))
	require.Equal(t, httpapi.OpenAPI(), w.Body.Bytes())
	// The one error it documents: a query string over the limit.
	w = e.do(request{method: http.MethodGet, path: "/openapi.yaml?q=" + strings.Repeat("x", httpapi.DefaultMaxQuerySize)})
	requireError(t, w, http.StatusBadRequest, "malformed_request")
}
