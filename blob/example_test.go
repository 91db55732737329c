package blob_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ticketkit/ticketkit/blob"
)

func ExampleStore() {
	ctx := context.Background()
	var store blob.Store = blob.NewMemory(blob.Config{})

	info, err := store.Put(ctx, strings.NewReader("invoice.pdf contents"), 1<<20)
	if err != nil {
		panic(err)
	}
	fmt.Println(info.Size, info.SHA256[:12])

	rc, err := store.Open(ctx, info.Key)
	if err != nil {
		panic(err)
	}
	defer rc.Close()
	data, _ := io.ReadAll(rc)
	fmt.Println(string(data))

	_, err = store.Put(ctx, strings.NewReader("far too long"), 4)
	fmt.Println(errors.Is(err, blob.ErrTooLarge))
	// Output:
	// 20 c91b33ebe9fb
	// invoice.pdf contents
	// true
}
