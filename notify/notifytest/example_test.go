package notifytest_test

import (
	"context"
	"fmt"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
)

func ExampleRecorder() {
	rec := notifytest.NewRecorder()
	var n notify.Notifier = rec // hand this to the code under test

	ctx := context.Background()
	_ = n.Notify(ctx, notify.Event{ID: "e1", Kind: notify.KindOpened})
	_ = n.Notify(ctx, notify.Event{ID: "e2", Kind: notify.KindAssigned, To: "alice"})

	fmt.Println(rec.Len(), rec.Kinds())
	fmt.Println(rec.OfKind(notify.KindAssigned)[0].To)
	// Output:
	// 2 [ticket.opened ticket.assigned]
	// alice
}
