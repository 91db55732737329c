package ticket_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// A host builds its own catalog, with translated labels, from the default
// one.
func ExampleNewCatalog() {
	spec := ticket.DefaultCatalogSpec()
	spec.Departments = append(spec.Departments, ticket.Department{
		Code:  "aftersales",
		Label: ticket.Label{Text: "After-sales", Translations: map[string]string{"fr": "SAV"}},
	})
	spec.Categories = append(spec.Categories, ticket.Category{
		Code: "repair",
		Label: ticket.Label{
			Text:         "Repair",
			Translations: map[string]string{"fr": "Réparation", "fr-CA": "Réparation (atelier)"},
		},
		Department: "aftersales",
		Actions:    []ticket.ActionTemplate{{Title: "Collect the device", DueIn: "48h"}},
	})

	catalog, err := ticket.NewCatalog(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	repair, _ := catalog.Category("repair")
	for _, locale := range []string{"en", "fr-FR", "fr-CA"} {
		fmt.Printf("%s: %s\n", locale, repair.Label.In(locale))
	}
	fmt.Println("default priority:", catalog.DefaultPriority().Code)

	// Every problem of a broken spec is reported at once.
	spec.Categories[len(spec.Categories)-1].Department = "workshop"
	spec.Priorities = nil
	_, err = ticket.NewCatalog(spec)
	var ce *ticket.CatalogError
	if errors.As(err, &ce) {
		for _, p := range ce.Problems {
			fmt.Println("problem:", p)
		}
	}
	// Output:
	// en: Repair
	// fr-FR: Réparation
	// fr-CA: Réparation (atelier)
	// default priority: normal
	// problem: no priorities
	// problem: category "repair": unknown department "workshop"
}

// A numberer renders ticket numbers and finds them again in the subject
// of a customer's reply.
func ExampleNewNumberer() {
	numbers, err := ticket.NewNumberer(ticket.NumberFormat{Prefix: "SAV", CheckDigit: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	opened := time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)
	n := numbers.Format(opened, 42)
	fmt.Println("scope:", numbers.Scope(opened))
	fmt.Println("number:", n)

	found, ok := numbers.Find("Re: [sav-2026-000042-5] my kettle still leaks")
	fmt.Println("found:", found, ok)
	_, ok = numbers.Find("Re: [SAV-2026-000042-1] mistyped check digit")
	fmt.Println("mistyped found:", ok)

	year, seq, _ := numbers.Parse(n)
	fmt.Println("parsed:", year, seq)
	// Output:
	// scope: SAV-2026
	// number: SAV-2026-000042-5
	// found: SAV-2026-000042-5 true
	// mistyped found: false
	// parsed: 2026 42
}
