package httpapi

import (
	_ "embed"
	"net/http"

	"github.com/ticketkit/ticketkit"
)

// openAPIDocument is the OpenAPI 3.1 description of the API.
//
//go:embed openapi.yaml
var openAPIDocument []byte

// OpenAPI returns the OpenAPI 3.1 document (YAML) describing the API, the
// one the handler serves at GET /openapi.yaml. Hosts that mount the
// handler below a prefix may set its servers entry before publishing it.
func OpenAPI() []byte { return append([]byte(nil), openAPIDocument...) }

func (h *handler) openAPI(w http.ResponseWriter, _ *http.Request, _ ticketkit.Actor) error {
	w.Header().Set("Content-Type", "application/yaml")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openAPIDocument)
	return nil
}
