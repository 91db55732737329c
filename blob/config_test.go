package blob_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/clock"
)

func TestConfig_WithDefaults(t *testing.T) {
	t.Parallel()
	fake := clock.NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	for _, tt := range []struct {
		name      string
		cfg       blob.Config
		wantMax   int64
		wantClock bool // whether Clock is the one given
	}{
		{"Zero", blob.Config{}, blob.DefaultMaxSize, false},
		{"NegativeMaxSize", blob.Config{MaxSize: -1}, blob.DefaultMaxSize, false},
		{"Set", blob.Config{MaxSize: 10, Clock: fake}, 10, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.cfg.WithDefaults()
			require.Equal(t, tt.wantMax, got.MaxSize, "Config.MaxSize")
			require.NotNil(t, got.Clock, "Config.Clock")
			if tt.wantClock {
				require.Same(t, fake, got.Clock)
			} else {
				require.WithinDuration(t, time.Now(), got.Clock.Now(), time.Minute, "the wall clock")
			}
		})
	}
}
