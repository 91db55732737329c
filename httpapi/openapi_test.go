package httpapi

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage/memory"
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

// TestErrorCodesAreDocumented checks that the error codes the handler
// uses are the ones the document lists.
func TestErrorCodesAreDocumented(t *testing.T) {
	t.Parallel()
	var raw struct {
		Components struct {
			Schemas struct {
				Error struct {
					Properties struct {
						Error struct {
							Properties struct {
								Code struct {
									Enum []string `yaml:"enum"`
								} `yaml:"code"`
							} `yaml:"properties"`
						} `yaml:"error"`
					} `yaml:"properties"`
				} `yaml:"Error"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	require.NoError(t, yaml.Unmarshal(openAPIDocument, &raw))
	codes := []string{codeMalformed, codeValidation, codeUnauthenticated, codeForbidden, codeNotFound,
		codeMethodNotAllowed, codeConflict, codeTransition, codeTooLarge, codeUnsupportedMedia, codeInternal, codeNoAttachments, codePosted, codeComplaintRoute, codeNotPosted, codeReversed, codeStepOrder,
		codeLineDecided, codeLineReturned, codePreconditionFailed, codePreconditionRequired,
		codeIdempotencyReused, codeIdempotencyInProgress, codeIdempotencyUnsupported}
	require.ElementsMatch(t, codes, raw.Components.Schemas.Error.Properties.Error.Properties.Code.Enum)
}
