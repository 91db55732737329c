package ticket

import (
	"fmt"
	"slices"
	"strings"
)

// CounterpartyRole is who the counterparty of a complaint is.
type CounterpartyRole string

// Counterparty roles.
const (
	CounterpartyCustomer CounterpartyRole = "customer" // CounterpartyCustomer: a customer complains to the host.
	CounterpartySupplier CounterpartyRole = "supplier" // CounterpartySupplier: the host claims against a supplier.
	CounterpartyCarrier  CounterpartyRole = "carrier"  // CounterpartyCarrier: the host claims against a carrier.
)

// CounterpartyRoles returns every counterparty role.
func CounterpartyRoles() []CounterpartyRole {
	return []CounterpartyRole{CounterpartyCustomer, CounterpartySupplier, CounterpartyCarrier}
}

// Valid reports whether r is one of [CounterpartyRoles].
func (r CounterpartyRole) Valid() bool { return slices.Contains(CounterpartyRoles(), r) }

// Claim reports whether a complaint with counterparty role r is a claim
// against a supplier or a carrier.
func (r CounterpartyRole) Claim() bool { return r == CounterpartySupplier || r == CounterpartyCarrier }

// ClaimLink links a customer complaint and a supplier or carrier claim
// (back-charge) raised from it, both ways.
type ClaimLink struct {
	// ID and Number are the other complaint's.
	ID     string `json:"id"`
	Number string `json:"number"`
	// Role is the claim's counterparty role: supplier or carrier.
	Role CounterpartyRole `json:"role"`
}

// checkLinesAndClaims checks the lines (see checkLines) and the
// counterparty role and claim links of a complaint under prefix p.
func checkLinesAndClaims(v *ValidationError, p string, d *ComplaintDetails) {
	checkLines(v, p, d.Lines)
	if d.CounterpartyRole != "" && !d.CounterpartyRole.Valid() {
		v.Add(p+"counterparty_role", "oneof", "must be one of: "+joinPlain(CounterpartyRoles()))
	}
	if d.ClaimOf != nil {
		if !d.CounterpartyRole.Claim() {
			v.Add(p+"claim_of", "excluded", "only a supplier or carrier claim is raised from a complaint")
		}
		if d.ClaimOf.ID == "" {
			v.Add(p+"claim_of.id", "required", "is required")
		}
	}
	for i, l := range d.Claims {
		at := fmt.Sprintf("%sclaims[%d].", p, i)
		if l.ID == "" {
			v.Add(at+"id", "required", "is required")
		}
		if !l.Role.Claim() {
			v.Add(at+"role", "oneof", "must be one of: supplier carrier")
		}
	}
}

// FieldCounterpartyRole is the history field of a complaint's
// counterparty role; FieldClaimOf of the complaint a claim was raised
// from, and FieldClaims of the claims raised from a complaint, each
// "supplier CC-2026-0002 (id)" (claims joined by ", ").
const (
	FieldCounterpartyRole = "complaint.counterparty_role"
	FieldClaimOf          = "complaint.claim_of"
	FieldClaims           = "complaint.claims"
)

// linesAndClaimsDiff returns the history lines of lineDiff, then those
// of the counterparty role and the claim links, from before to after.
func linesAndClaimsDiff(before, after *ComplaintDetails) []Event {
	events := lineDiff(before.Lines, after.Lines)
	add := func(field, old, new string) {
		if old != new {
			events = append(events, Event{Field: field, Old: old, New: new})
		}
	}
	add(FieldCounterpartyRole, string(before.CounterpartyRole), string(after.CounterpartyRole))
	add(FieldClaimOf, claimText(before.ClaimOf), claimText(after.ClaimOf))
	add(FieldClaims, claimsText(before.Claims), claimsText(after.Claims))
	return events
}

// claimText renders a claim link for its history line.
func claimText(l *ClaimLink) string {
	if l == nil {
		return ""
	}
	return strings.TrimSpace(string(l.Role) + " " + l.Number + " (" + l.ID + ")")
}

// claimsText renders claim links for their history line.
func claimsText(ls []ClaimLink) string {
	parts := make([]string, len(ls))
	for i := range ls {
		parts[i] = claimText(&ls[i])
	}
	return strings.Join(parts, ", ")
}
