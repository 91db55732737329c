package workflow

import (
	"slices"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// ParseSLAJSON decodes an SLA configuration from JSON. Unknown fields and
// trailing data are rejected; the error is a *[ParseError]. The result is
// not validated: [NewSLA] does that against a catalog.
func ParseSLAJSON(data []byte) (SLAConfig, error) { return decodeJSON[SLAConfig](data) }

// ParseSLAYAML decodes an SLA configuration from YAML in strict mode:
// unknown keys are rejected. The error is a *[ParseError] carrying the
// line and column of the problem. Field names are the JSON names
// ("time_zone", "first_response", "warn_at"); quote times such as "09:00"
// or not, both read as text. The result is not validated: [NewSLA] does
// that against a catalog. testdata/sla.yaml is a complete example.
func ParseSLAYAML(data []byte) (SLAConfig, error) {
	// The decoder does not say where a TextUnmarshaler failed: find the
	// first target holding the bad text.
	return decodeYAML[SLAConfig](data, func(de *durationError) (int, int) { return yamlDurationPosition(data, de.text) })
}

// yamlDurationPosition returns the line and column of the first target
// duration in data whose text is text, or zeros.
func yamlDurationPosition(data []byte, text string) (line, col int) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return 0, 0
	}
	v := &durationFinder{text: text}
	for _, doc := range f.Docs {
		if doc.Body != nil {
			ast.Walk(v, doc.Body)
		}
	}
	return v.line, v.col
}

// durationFinder walks a YAML tree for a target duration of a given text.
type durationFinder struct {
	text      string
	line, col int
}

// Visit implements ast.Visitor.
func (v *durationFinder) Visit(n ast.Node) ast.Visitor {
	if v.line > 0 {
		return nil
	}
	mv, ok := n.(*ast.MappingValueNode)
	if !ok || mv.Key == nil || mv.Value == nil {
		return v
	}
	key, val := mv.Key.GetToken(), mv.Value.GetToken()
	if key != nil && val != nil && val.Position != nil && val.Value == v.text &&
		slices.Contains(SLATargets(), SLATarget(key.Value)) {
		v.line, v.col = val.Position.Line, val.Position.Column
		return nil
	}
	return v
}
