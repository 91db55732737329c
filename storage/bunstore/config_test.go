package bunstore_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
)

func TestConfig_WithDefaults(t *testing.T) {
	t.Parallel()
	got := bunstore.Config{}.WithDefaults()
	require.Equal(t, bunstore.DefaultTablePrefix, got.TablePrefix, "Config.TablePrefix")
	require.NotNil(t, got.Logger, "Config.Logger")
	require.Equal(t, "tk_", bunstore.Config{TablePrefix: "tk_"}.WithDefaults().TablePrefix, "a set TablePrefix is kept")
}

func TestNew_NamesTheBadField(t *testing.T) {
	t.Parallel()
	_, err := bunstore.New(dbtest.SQLiteMemory(t), bunstore.Config{TablePrefix: "Tk-"})
	require.EqualError(t, err, `bunstore: invalid Config: Config.TablePrefix: invalid table prefix "Tk-": want [a-z_][a-z0-9_]{0,30}`)
}
