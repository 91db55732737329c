package phone_test

import (
	"errors"
	"fmt"

	"github.com/ticketkit/ticketkit/phone"
)

func ExampleDigits() {
	n := phone.Digits()
	for _, raw := range []string{"+33 6 12 34 56 78", "06.12.34.56.78", "call me"} {
		got, err := n.Normalize(raw)
		fmt.Printf("%q %v\n", got, errors.Is(err, phone.ErrInvalid))
	}
	// Output:
	// "+33612345678" false
	// "0612345678" false
	// "" true
}
