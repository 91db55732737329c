package ticket

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxDescriptionRunes is how much of a description a history event keeps.
const maxDescriptionRunes = 200

// Diff compares two versions of a ticket and returns one [Event] per
// tracked field whose text form changed, with only Field, Old and New
// set; the caller fills in IDs, actor and time. Both before and after
// must be non-nil.
//
// Events come in a fixed order: subject, description, status, priority,
// category, department, channel, assignee, customer, contract,
// references, contacts, tags, reason, closure_reason, actions, then
// custom fields sorted by key as "fields.<key>" (see the Field*
// constants). Fields are compared by their text form:
//
//   - description: each side cut to at most 200 runes, ending in "…" when cut;
//   - customer: "Jane Roe <jane@x.com> +33612345678 [C-42]", empty parts left out;
//   - contract: the first reference of kind [RefContract], "ID (Label)";
//   - references: every other reference as "kind:id (Label)", joined by ", ";
//   - contacts: "Name <email> phone (role)", joined by ", ";
//   - tags: joined by ", ";
//   - actions: "N open / M total".
//
// Empty parts are left out of each text form; every field of a contact
// and of a reference shows in it, so that any change of them is
// recorded.
func Diff(before, after *Ticket) []Event {
	var events []Event
	add := func(field, old, new string) {
		if old != new {
			events = append(events, Event{Field: field, Old: old, New: new})
		}
	}
	add(FieldSubject, before.Subject, after.Subject)
	if before.Description != after.Description {
		// Recorded even when the change lies beyond the kept runes.
		events = append(events, Event{
			Field: FieldDescription,
			Old:   truncateRunes(before.Description, maxDescriptionRunes),
			New:   truncateRunes(after.Description, maxDescriptionRunes),
		})
	}
	add(FieldStatus, before.Status, after.Status)
	add(FieldPriority, before.Priority, after.Priority)
	add(FieldCategory, before.Category, after.Category)
	add(FieldDepartment, before.Department, after.Department)
	add(FieldChannel, string(before.Channel), string(after.Channel))
	add(FieldAssignee, before.Assignee, after.Assignee)
	add(FieldCustomer, customerText(before.Customer), customerText(after.Customer))
	oldContract, oldRefs := splitContract(before.References)
	newContract, newRefs := splitContract(after.References)
	add(FieldContract, oldContract, newContract)
	add(FieldReferences, oldRefs, newRefs)
	add(FieldContacts, contactsText(before.Contacts), contactsText(after.Contacts))
	add(FieldTags, strings.Join(before.Tags, ", "), strings.Join(after.Tags, ", "))
	add(FieldReason, before.Reason, after.Reason)
	add(FieldClosureReason, before.ClosureReason, after.ClosureReason)
	add(FieldActions, actionsText(before), actionsText(after))
	keys := maps.Clone(before.Fields)
	if keys == nil {
		keys = make(map[string]string, len(after.Fields))
	}
	maps.Copy(keys, after.Fields)
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		add(FieldCustomPrefix+k, before.Fields[k], after.Fields[k])
	}
	return events
}

// customerText renders a customer as "Name <email> mobile [ID]", leaving
// out empty parts.
func customerText(c Customer) string {
	var parts []string
	if c.Name != "" {
		parts = append(parts, c.Name)
	}
	if c.Email != "" {
		parts = append(parts, "<"+c.Email+">")
	}
	if c.Mobile != "" {
		parts = append(parts, c.Mobile)
	}
	if c.ID != "" {
		parts = append(parts, "["+c.ID+"]")
	}
	return strings.Join(parts, " ")
}

// splitContract renders the first contract reference as "ID (Label)" and
// the other references as "kind:id" joined by ", ".
func splitContract(refs []Reference) (contract, others string) {
	var rest []string
	found := false
	for _, r := range refs {
		if r.Kind == RefContract && !found {
			found = true
			contract = r.ID
			if r.Label != "" {
				contract += " (" + r.Label + ")"
			}
			continue
		}
		ref := string(r.Kind) + ":" + r.ID
		if r.Label != "" {
			ref += " (" + r.Label + ")"
		}
		rest = append(rest, ref)
	}
	return contract, strings.Join(rest, ", ")
}

// contactsText renders contacts as "Name <email> phone (role)", leaving
// out empty parts, joined by ", ".
func contactsText(contacts []Contact) string {
	parts := make([]string, len(contacts))
	for i, c := range contacts {
		var p []string
		if c.Name != "" {
			p = append(p, c.Name)
		}
		if c.Email != "" {
			p = append(p, "<"+c.Email+">")
		}
		if c.Phone != "" {
			p = append(p, c.Phone)
		}
		if c.Role != "" {
			p = append(p, "("+c.Role+")")
		}
		parts[i] = strings.Join(p, " ")
	}
	return strings.Join(parts, ", ")
}

// actionsText renders a ticket's checklist as "N open / M total".
func actionsText(t *Ticket) string {
	return fmt.Sprintf("%d open / %d total", t.OpenActions(), len(t.Actions))
}

// truncateRunes cuts s to at most n runes (n ≥ 1), the last of which is
// "…" when s was cut.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n-1 {
			return s[:pos] + "…"
		}
		i++
	}
	return s
}
