package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// openAPIDoc is the part of the OpenAPI document the tests check.
type openAPIDoc struct {
	OpenAPI string                    `yaml:"openapi"`
	Paths   map[string]map[string]any `yaml:"paths"`
}

// httpMethods are the operation keys of an OpenAPI path item.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func parseOpenAPI(t *testing.T) openAPIDoc {
	t.Helper()
	var doc openAPIDoc
	require.NoError(t, yaml.Unmarshal(openAPIDocument, &doc))
	require.True(t, strings.HasPrefix(doc.OpenAPI, "3.1"), "OpenAPI 3.1, not %q", doc.OpenAPI)
	return doc
}

// TestOpenAPIMatchesRoutes checks that every route of the route table
// is documented and that the document describes no other operation.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	doc := parseOpenAPI(t)

	var documented []string
	operationIDs := map[string]bool{}
	for path, item := range doc.Paths {
		for key, op := range item {
			if !slices.Contains(httpMethods, key) {
				continue // parameters, summary...
			}
			documented = append(documented, strings.ToUpper(key)+" "+path)
			opMap, _ := op.(map[string]any)
			id, _ := opMap["operationId"].(string)
			require.NotEmpty(t, id, "%s %s has an operationId", key, path)
			require.False(t, operationIDs[id], "operationId %s is unique", id)
			operationIDs[id] = true
			_, hasResponses := opMap["responses"]
			require.True(t, hasResponses, "%s %s documents its responses", key, path)
		}
	}
	var registered []string
	for _, rt := range routes() {
		registered = append(registered, rt.pattern())
	}
	require.ElementsMatch(t, registered, documented)
}

// TestOpenAPIUnsafeMethodsDocumentForbidden checks that every operation
// the cross-origin protection can refuse documents its 403.
func TestOpenAPIUnsafeMethodsDocumentForbidden(t *testing.T) {
	t.Parallel()
	doc := parseOpenAPI(t)
	for path, item := range doc.Paths {
		for _, method := range []string{"post", "put", "patch", "delete"} {
			op, ok := item[method].(map[string]any)
			if !ok {
				continue
			}
			responses, _ := op["responses"].(map[string]any)
			require.Contains(t, responses, "403", "%s %s", method, path)
		}
	}
}

// TestOpenAPIPostsTakeIdempotencyKeys checks that every POST documents
// the Idempotency-Key header and its 422 answer.
func TestOpenAPIPostsTakeIdempotencyKeys(t *testing.T) {
	t.Parallel()
	doc := parseOpenAPI(t)
	for path, item := range doc.Paths {
		op, ok := item["post"].(map[string]any)
		if !ok {
			continue
		}
		params, _ := op["parameters"].([]any)
		require.Contains(t, params, map[string]any{"$ref": "#/components/parameters/IdempotencyKey"}, "POST %s", path)
		responses, _ := op["responses"].(map[string]any)
		require.Contains(t, responses, "422", "POST %s", path)
	}
}

// TestOpenAPIPathParameters checks that each {wildcard} of a path is a
// documented path parameter of every operation on it.
func TestOpenAPIPathParameters(t *testing.T) {
	t.Parallel()
	var raw struct {
		Paths      map[string]map[string]any `yaml:"paths"`
		Components struct {
			Parameters map[string]map[string]any `yaml:"parameters"`
		} `yaml:"components"`
	}
	require.NoError(t, yaml.Unmarshal(openAPIDocument, &raw))
	names := func(list any) []string {
		var out []string
		items, _ := list.([]any)
		for _, it := range items {
			p, _ := it.(map[string]any)
			if ref, ok := p["$ref"].(string); ok {
				p = raw.Components.Parameters[strings.TrimPrefix(ref, "#/components/parameters/")]
				require.NotNil(t, p, "parameter %s exists", ref)
			}
			if p["in"] == "path" {
				out = append(out, p["name"].(string))
			}
		}
		return out
	}
	wildcard := regexp.MustCompile(`\{([^}]+)\}`)
	for path, item := range raw.Paths {
		var want []string
		for _, m := range wildcard.FindAllStringSubmatch(path, -1) {
			want = append(want, m[1])
		}
		shared := names(item["parameters"])
		for key, op := range item {
			if !slices.Contains(httpMethods, key) {
				continue
			}
			opMap, _ := op.(map[string]any)
			got := append(slices.Clone(shared), names(opMap["parameters"])...)
			require.ElementsMatch(t, want, got, "%s %s", key, path)
		}
	}
}

// TestOpenAPIReferencesResolve checks that every $ref points at a
// component the document defines.
func TestOpenAPIReferencesResolve(t *testing.T) {
	t.Parallel()
	var raw map[string]any
	require.NoError(t, yaml.Unmarshal(openAPIDocument, &raw))
	refs := regexp.MustCompile(`\$ref: "?#/components/(\w+)/(\w+)"?`).FindAllStringSubmatch(string(openAPIDocument), -1)
	require.NotEmpty(t, refs)
	components, _ := raw["components"].(map[string]any)
	for _, m := range refs {
		section, _ := components[m[1]].(map[string]any)
		require.Contains(t, section, m[2], "#/components/%s/%s", m[1], m[2])
	}
}

// TestRoutesReachTheirEndpoints checks that the two muxes send a request
// for each route's path to that route, so that GET
// /tickets/by-number/{number} wins over GET /tickets/{id}/history and
// the others keep their own.
func TestRoutesReachTheirEndpoints(t *testing.T) {
	t.Parallel()
	desk, err := ticketkit.New(ticketkit.Config{Store: memory.New()})
	require.NoError(t, err)
	hh, err := New(Config{Desk: desk, Authenticate: func(*http.Request) (ticketkit.Actor, error) { return ticketkit.Actor{}, nil }})
	require.NoError(t, err)
	h := hh.(*handler)
	fill := strings.NewReplacer("{id}", "t1", "{number}", "TK-1", "{mid}", "m1", "{aid}", "a1")
	for _, rt := range routes() {
		r := httptest.NewRequest(rt.method, fill.Replace(rt.path), nil)
		mux := h.rest
		if _, p := h.first.Handler(r); p != "" {
			mux = h.first
		}
		_, pattern := mux.Handler(r)
		require.Equal(t, rt.pattern(), pattern)
	}
	// The literal segment wins only where it stands.
	r := httptest.NewRequest(http.MethodGet, "/tickets/by-number/history", nil)
	_, pattern := h.first.Handler(r)
	require.Equal(t, "GET /tickets/by-number/{number}", pattern)
}

// TestProblemTypesAreDocumented checks that the error catalogue of the
// handler (problemTypes) is the one the OpenAPI document's Problem
// schema, problems.md (the page the type URIs point at) and the package
// documentation list, each code with its status and title.
func TestProblemTypesAreDocumented(t *testing.T) {
	t.Parallel()
	var problem struct {
		Properties struct {
			Code struct {
				Enum []string `yaml:"enum"`
			} `yaml:"code"`
		} `yaml:"properties"`
	}
	readOpenAPI(t, "$.components.schemas.Problem", &problem)
	var codes []string
	for code := range problemTypes {
		codes = append(codes, code)
	}
	require.ElementsMatch(t, codes, problem.Properties.Code.Enum, "the Problem schema's codes")

	page, err := os.ReadFile("problems.md")
	require.NoError(t, err)
	sections := regexp.MustCompile(`(?m)^## (\w+)\n\nStatus (\d+), title "([^"]+)"\.`).FindAllStringSubmatch(string(page), -1)
	var listed []string
	for _, m := range sections {
		listed = append(listed, m[1])
		pt, ok := problemTypes[m[1]]
		require.True(t, ok, "problems.md documents %s, which the handler does not answer", m[1])
		require.Equal(t, strconv.Itoa(pt.status), m[2], "status of %s in problems.md", m[1])
		require.Equal(t, pt.title, m[3], "title of %s in problems.md", m[1])
	}
	require.ElementsMatch(t, codes, listed, "problems.md has a section per code")
	require.Equal(t, 1, strings.Count(string(page), "\n## "+codeValidation+"\n"))

	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	for code, pt := range problemTypes {
		require.Regexp(t, fmt.Sprintf(`(?m)^//\t%d %s\b`, pt.status, regexp.QuoteMeta(code)), string(doc), "doc.go lists %s", code)
	}
}

// TestWriteError checks the one error writer: the catalogue's title and
// type for the code, Retry-After on 429 and 503 only, an unknown code
// answered as internal, and clipped echoes.
func TestWriteError(t *testing.T) {
	t.Parallel()
	h := &handler{challenge: DefaultChallenge}
	write := func(e *apiError) (*httptest.ResponseRecorder, problem) {
		w := httptest.NewRecorder()
		h.writeError(w, e)
		var p problem
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &p), w.Body.String())
		require.Equal(t, ProblemContentType, w.Header().Get("Content-Type"))
		require.Equal(t, w.Code, p.Status)
		return w, p
	}

	t.Run("RetryAfter", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			status int
			wait   time.Duration
			want   string
		}{
			{http.StatusServiceUnavailable, 0, "1"},
			{http.StatusTooManyRequests, 0, "1"},
			{http.StatusTooManyRequests, 1500 * time.Millisecond, "2"},
			{http.StatusServiceUnavailable, time.Minute, "60"},
			{http.StatusConflict, time.Minute, ""},
		} {
			w, _ := write(&apiError{status: tc.status, Code: codeInternal, Message: "busy", retryAfter: tc.wait})
			require.Equal(t, tc.status, w.Code)
			require.Equal(t, tc.want, w.Header().Get("Retry-After"), "%d after %s", tc.status, tc.wait)
			require.Empty(t, w.Header().Get("WWW-Authenticate"))
		}
	})

	t.Run("TypeAndTitleComeFromTheCatalogue", func(t *testing.T) {
		t.Parallel()
		for _, code := range slices.Sorted(maps.Keys(problemTypes)) {
			pt := problemTypes[code]
			w, p := write(&apiError{Code: code, Message: "x"})
			require.Equal(t, pt.status, w.Code, code)
			require.Equal(t, ProblemTypeBase+code, p.Type)
			require.Equal(t, pt.title, p.Title)
			require.Equal(t, code, p.Code)
			require.Equal(t, "x", p.Detail)
			require.Equal(t, w.Code == http.StatusUnauthorized, w.Header().Get("WWW-Authenticate") == DefaultChallenge, code)
		}
	})

	t.Run("UnknownCodeIsInternal", func(t *testing.T) {
		t.Parallel()
		w, p := write(&apiError{status: http.StatusTeapot, Code: "made_up", Message: "x"})
		require.Equal(t, http.StatusTeapot, w.Code)
		require.Equal(t, codeInternal, p.Code)
		require.Equal(t, ProblemTypeBase+codeInternal, p.Type)
	})

	t.Run("EchoesAreClipped", func(t *testing.T) {
		t.Parallel()
		long := strings.Repeat("é", 1000)
		e := invalid(fieldError{Field: long, Code: "unknown_field", Message: long})
		_, p := write(e)
		require.Len(t, p.Errors, 1)
		require.LessOrEqual(t, len(p.Errors[0].Field), maxErrorText)
		require.LessOrEqual(t, len(p.Errors[0].Message), maxErrorText)
		require.True(t, strings.HasSuffix(p.Errors[0].Field, "…"))
		require.Equal(t, long, e.Fields[0].Field, "the error itself is left as it was")
	})
}

// TestOpenAPIErrorResponsesAreProblems checks that every 4xx and 5xx
// response of every operation is a shared response whose only content
// is the Problem schema as application/problem+json.
func TestOpenAPIErrorResponsesAreProblems(t *testing.T) {
	t.Parallel()
	var raw struct {
		Paths      map[string]map[string]any `yaml:"paths"`
		Components struct {
			Responses map[string]struct {
				Content map[string]struct {
					Schema map[string]string `yaml:"schema"`
				} `yaml:"content"`
			} `yaml:"responses"`
		} `yaml:"components"`
	}
	require.NoError(t, yaml.Unmarshal(openAPIDocument, &raw))
	checked := 0
	for path, item := range raw.Paths {
		for key, op := range item {
			if !slices.Contains(httpMethods, key) {
				continue
			}
			responses, _ := op.(map[string]any)["responses"].(map[string]any)
			for status, resp := range responses {
				if status < "400" {
					continue
				}
				ref, _ := resp.(map[string]any)["$ref"].(string)
				name, ok := strings.CutPrefix(ref, "#/components/responses/")
				require.True(t, ok, "%s %s %s refers to a shared response", key, path, status)
				shared, ok := raw.Components.Responses[name]
				require.True(t, ok, ref)
				require.Len(t, shared.Content, 1, ref)
				require.Equal(t, "#/components/schemas/Problem", shared.Content[ProblemContentType].Schema["$ref"], ref)
				checked++
			}
		}
	}
	require.Positive(t, checked)
}

// TestOpenAPIHasNoStrayKeys checks that no mapping of the document has a
// key without a value: the trace of an unquoted comma in a YAML flow
// mapping ({description: a, b}), which cuts the text short and adds a
// key "b" that OpenAPI validators reject.
func TestOpenAPIHasNoStrayKeys(t *testing.T) {
	t.Parallel()
	var raw any
	require.NoError(t, yaml.Unmarshal(openAPIDocument, &raw))
	var stray []string
	walkYAML(raw, "", func(path string, v any) {
		if v == nil {
			stray = append(stray, path)
		}
	})
	require.Empty(t, stray)
}

// TestOpenAPISchemasAreTyped checks that every schema of the document
// says what it holds, so that a generated client can read it: a type,
// a reference or a combination; an object lists its properties (or is a
// map with typed values), an array types its items.
func TestOpenAPISchemasAreTyped(t *testing.T) {
	t.Parallel()
	var raw map[string]any
	require.NoError(t, yaml.Unmarshal(openAPIDocument, &raw))
	var untyped []string
	var check func(path string, s map[string]any)
	check = func(path string, s map[string]any) {
		has := func(k string) bool { _, ok := s[k]; return ok }
		if !has("$ref") && !has("type") && !has("allOf") && !has("oneOf") && !has("anyOf") && !has("enum") && !has("const") {
			untyped = append(untyped, path+": no type")
		}
		if s["type"] == "object" && !has("properties") && !has("allOf") && !has("oneOf") {
			if ap, ok := s["additionalProperties"].(map[string]any); !ok || len(ap) == 0 {
				untyped = append(untyped, path+": an object without properties")
			}
		}
		if s["type"] == "array" && !has("items") {
			untyped = append(untyped, path+": an array without items")
		}
		if props, ok := s["properties"].(map[string]any); ok {
			for name, p := range props {
				sub, _ := p.(map[string]any)
				check(path+"/properties/"+name, sub)
			}
		}
		for _, k := range []string{"items", "additionalProperties"} {
			if sub, ok := s[k].(map[string]any); ok {
				check(path+"/"+k, sub)
			}
		}
		for _, k := range []string{"allOf", "oneOf", "anyOf"} {
			list, _ := s[k].([]any)
			for i, x := range list {
				sub, _ := x.(map[string]any)
				check(fmt.Sprintf("%s/%s/%d", path, k, i), sub)
			}
		}
	}
	n := 0
	walkYAML(raw, "", func(path string, v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		if s, ok := m["schema"].(map[string]any); ok {
			check(path+"/schema", s)
			n++
		}
		if strings.HasSuffix(path, "/components/schemas") {
			for name, x := range m {
				sub, _ := x.(map[string]any)
				check(path+"/"+name, sub)
				n++
			}
		}
	})
	require.Greater(t, n, 50, "schemas were found")
	require.Empty(t, untyped)
}

// TestOpenAPISLAStateMatchesTicket checks that the SLAState schema lists
// every JSON member of ticket.SLAState, so that a client can read the due
// times, and no other.
func TestOpenAPISLAStateMatchesTicket(t *testing.T) {
	t.Parallel()
	var sla map[string]string
	readOpenAPI(t, "$.components.schemas.Ticket.properties.sla", &sla)
	require.Equal(t, "#/components/schemas/SLAState", sla["$ref"])
	var state struct {
		Properties map[string]struct {
			Type   string `yaml:"type"`
			Format string `yaml:"format"`
		} `yaml:"properties"`
	}
	readOpenAPI(t, "$.components.schemas.SLAState", &state)
	typ := reflect.TypeFor[ticket.SLAState]()
	var members []string
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		members = append(members, name)
		got := state.Properties[name]
		switch f.Type {
		case reflect.TypeFor[time.Time]():
			require.Equal(t, "date-time", got.Format, name)
		case reflect.TypeFor[time.Duration]():
			require.Equal(t, []string{"integer", "int64"}, []string{got.Type, got.Format}, name)
		default:
			want := map[reflect.Kind]string{reflect.String: "string", reflect.Int: "integer", reflect.Bool: "boolean", reflect.Slice: "array"}[f.Type.Kind()]
			require.Equal(t, want, got.Type, name)
		}
	}
	require.ElementsMatch(t, members, slices.Collect(maps.Keys(state.Properties)))
}

// readOpenAPI decodes the part of the OpenAPI document at path, a YAML
// path such as $.components.schemas.Ticket, into v.
func readOpenAPI(t *testing.T, path string, v any) {
	t.Helper()
	p, err := yaml.PathString(path)
	require.NoError(t, err)
	require.NoError(t, p.Read(bytes.NewReader(openAPIDocument), v), path)
}

// walkYAML calls fn for every value of a decoded YAML document, with its
// path.
func walkYAML(v any, path string, fn func(path string, v any)) {
	fn(path, v)
	switch x := v.(type) {
	case map[string]any:
		for k, sub := range x {
			walkYAML(sub, path+"/"+k, fn)
		}
	case []any:
		for i, sub := range x {
			walkYAML(sub, fmt.Sprintf("%s/%d", path, i), fn)
		}
	}
}
