package storage

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// ErrInvalidCursor is wrapped by errors about a malformed page cursor.
var ErrInvalidCursor = errors.New("storage: invalid cursor")

// Cursor is the position after the last row of a page: the sort key of
// that row and its ID. Adapters encode it with [Cursor.Encode] so that
// cursors are opaque to callers.
type Cursor struct {
	// Sort is the sort field the cursor was made for; a cursor is only
	// valid with the same sort.
	Sort SortField `json:"s,omitempty"`
	Desc bool      `json:"d,omitempty"`
	// Str holds a text sort key, Int a numeric one, Time a time one.
	Str  string    `json:"k,omitempty"`
	Int  int64     `json:"i,omitempty"`
	Time time.Time `json:"t,omitzero"`
	ID   string    `json:"id"`
}

// Encode returns the opaque text form of c.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c) // a struct of plain fields cannot fail to marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor parses a cursor made by [Cursor.Encode] for the given
// sort. It returns an error wrapping ErrInvalidCursor for anything else.
func DecodeCursor(s string, sort SortField, desc bool) (Cursor, error) {
	var c Cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return c, fmt.Errorf("%w: %v", ErrInvalidCursor, err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("%w: %v", ErrInvalidCursor, err)
	}
	if c.ID == "" || c.Sort != sort || c.Desc != desc {
		return c, fmt.Errorf("%w: made for another query", ErrInvalidCursor)
	}
	// Encode never makes these; a forged cursor must not reach the
	// database as a NUL byte or a time it refuses.
	if ticket.CheckText("", c.ID) != nil || ticket.CheckText("", c.Str) != nil || ticket.CheckTime("", c.Time) != nil {
		return c, fmt.Errorf("%w: a key no store can hold", ErrInvalidCursor)
	}
	return c, nil
}
