package libphonenumber_test

import (
	"fmt"

	"github.com/ticketkit/ticketkit/phone/libphonenumber"
)

func ExampleNew() {
	n, err := libphonenumber.New("FR")
	if err != nil {
		panic(err)
	}
	for _, raw := range []string{"06 12 34 56 78", "+33 6 12 34 56 78", "+44 20 7031 3000"} {
		e164, err := n.Normalize(raw)
		fmt.Println(e164, err)
	}
	_, err = n.Normalize("+33 12")
	fmt.Println(err)
	// Output:
	// +33612345678 <nil>
	// +33612345678 <nil>
	// +442070313000 <nil>
	// phone: invalid number: "+33 12"
}
