package bunstore_test

import (
	"testing"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/storagetest"
)

func TestComplaintConformance(t *testing.T) {
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			storagetest.RunComplaint(t, func(t *testing.T) storage.Store {
				return newStore(t, b.Open(t), bunstore.Config{})
			})
		})
	}
}
