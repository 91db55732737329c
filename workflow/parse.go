package workflow

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
)

// ParseError reports a definition document that could not be decoded.
type ParseError struct {
	// Format is "json" or "yaml".
	Format string
	// Line and Column locate the problem, counting from 1; both are 0 when
	// the decoder did not say where.
	Line, Column int
	// Msg describes the problem.
	Msg string
	// Err is the decoder's error.
	Err error
}

// Error returns "workflow: invalid <format> definition at line:column: msg".
func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("workflow: invalid %s definition at %d:%d: %s", e.Format, e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("workflow: invalid %s definition: %s", e.Format, e.Msg)
}

// Unwrap returns the decoder's error.
func (e *ParseError) Unwrap() error { return e.Err }

// ParseJSON decodes a definition from JSON. Unknown fields and trailing
// data are rejected; the error is a *[ParseError]. The result is not
// validated: [New] does that against a catalog.
func ParseJSON(data []byte) (Definition, error) { return decodeJSON[Definition](data) }

// decodeJSON decodes one JSON document into a T, rejecting unknown
// fields and trailing data with a *[ParseError].
func decodeJSON[T any](data []byte) (T, error) {
	var v, zero T
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return zero, jsonError(data, err)
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		rest := data[end:]
		line, col := lineColumn(data, end+int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n"))))
		return zero, &ParseError{Format: "json", Line: line, Column: col, Msg: "unexpected data after the definition", Err: err}
	}
	return v, nil
}

func jsonError(data []byte, err error) error {
	pe := &ParseError{Format: "json", Msg: err.Error(), Err: err}
	var offset int64 = -1
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		offset = syntax.Offset - 1 // Offset counts the offending byte
	case errors.As(err, &typ):
		offset = typ.Offset - 1 // the value's last byte
	case errors.Is(err, io.EOF):
		pe.Msg = "empty document"
	}
	if offset >= 0 {
		pe.Line, pe.Column = lineColumn(data, offset)
	}
	return pe
}

// lineColumn turns a byte offset into a 1-based line and column.
func lineColumn(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// ParseYAML decodes a definition from YAML in strict mode: unknown keys are
// rejected. The error is a *[ParseError] carrying the line and column the
// YAML decoder reported. Field names are the JSON names ("add_actions",
// "due_in"). The result is not validated: [New] does that against a
// catalog.
func ParseYAML(data []byte) (Definition, error) {
	// The decoder does not say where a TextUnmarshaler failed;
	// reopen.within is the only duration in a definition.
	return decodeYAML[Definition](data, func(*durationError) (int, int) { return yamlPosition(data, "$.reopen.within") })
}

// decodeYAML decodes a YAML document into a T in strict mode. A
// *[ParseError] carries the decoder's position, or for a bad duration
// the one durationAt finds.
func decodeYAML[T any](data []byte, durationAt func(*durationError) (line, col int)) (T, error) {
	var v, zero T
	if err := yaml.UnmarshalWithOptions(data, &v, yaml.Strict()); err != nil {
		pe := &ParseError{Format: "yaml", Msg: err.Error(), Err: err}
		var ye yaml.Error
		var de *durationError
		switch {
		case errors.As(err, &ye):
			pe.Msg = ye.GetMessage()
			if tok := ye.GetToken(); tok != nil && tok.Position != nil {
				pe.Line, pe.Column = tok.Position.Line, tok.Position.Column
			}
		case errors.As(err, &de):
			pe.Line, pe.Column = durationAt(de)
		}
		return zero, pe
	}
	return v, nil
}

// yamlPosition returns the line and column of the node at path in data, or
// zeros when it cannot be found.
func yamlPosition(data []byte, path string) (line, col int) {
	p, err := yaml.PathString(path)
	if err != nil {
		return 0, 0
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return 0, 0
	}
	n, err := p.FilterFile(f)
	if err != nil || n == nil || n.GetToken() == nil || n.GetToken().Position == nil {
		return 0, 0
	}
	pos := n.GetToken().Position
	return pos.Line, pos.Column
}
