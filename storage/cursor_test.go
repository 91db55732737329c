package storage_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
)

func TestDecodeCursor(t *testing.T) {
	t.Parallel()
	ok := storage.Cursor{Sort: storage.SortNumber, Str: "TK-2026-000001", Time: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC), ID: "0196"}
	got, err := storage.DecodeCursor(ok.Encode(), storage.SortNumber, false)
	require.NoError(t, err)
	require.Equal(t, ok, got)

	// Forged cursors: each would reach the database as a value it refuses.
	forged := map[string]storage.Cursor{
		"NULInID":     {Sort: storage.SortNumber, ID: "01\x0096"},
		"NULInKey":    {Sort: storage.SortNumber, Str: "TK\x00", ID: "0196"},
		"YearZero":    {Sort: storage.SortNumber, Time: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), ID: "0196"},
		"Year10000":   {Sort: storage.SortNumber, Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), ID: "0196"},
		"AnotherSort": {Sort: storage.SortStatus, ID: "0196"},
		"NoID":        {Sort: storage.SortNumber},
	}
	for name, c := range forged {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := storage.DecodeCursor(c.Encode(), storage.SortNumber, false)
			require.ErrorIs(t, err, storage.ErrInvalidCursor)
		})
	}
	_, err = storage.DecodeCursor("not base64!", storage.SortNumber, false)
	require.ErrorIs(t, err, storage.ErrInvalidCursor)
}
