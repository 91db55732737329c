package memory_test

import (
	"testing"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/storage/storagetest"
)

func TestAttachmentRefConformance(t *testing.T) {
	storagetest.RunAttachmentRef(t, func(t *testing.T) storage.Store { return memory.New() })
}
