package blob_test

import (
	"testing"

	"github.com/ticketkit/ticketkit/blob"
)

func TestMemory(t *testing.T) {
	t.Parallel()
	runStoreTests(t, func(t *testing.T, cfg blob.Config) blob.Store {
		return blob.NewMemory(cfg)
	})
}
