package bunstore

import (
	"testing"
	"time"
)

// BenchmarkDecodeTicket measures toTicket on a row as the seed stores
// most tickets (a customer, one reference, no contacts, tags, fields or
// actions, no SLA state): the decode cost of each ticket of a page.
//
//	go test -run XXX -bench DecodeTicket -benchmem ./storage/bunstore
func BenchmarkDecodeTicket(b *testing.B) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	r := ticketRow{
		ID: "0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", TenantID: "tenant-01", Number: "TK-2026-004711",
		Subject: "Kettle arrived damaged", SubjectLower: "kettle arrived damaged", Description: "Customer writes.",
		Status: "closed", Priority: "normal", Category: "problem", Department: "support", Channel: "email",
		Kind: "", Assignee: "agent-07", CustomerID: "cus_05_0031352", CustomerEmail: "ines.rossi31352@example.com",
		CustomerMobile: "+4915253511067",
		Customer:       `{"id": "cus_05_0031352", "name": "Inès Rossi", "email": "ines.rossi31352@example.com", "mobile": "+4915253511067"}`,
		Contacts:       "null", References: `[{"kind": "order", "id": "SO-1234567"}]`, Tags: "null", Fields: "null", Actions: "null",
		CreatedBy: "agent-3", CreatedAt: at, UpdatedAt: at, ClosedAt: at, Version: 3, SLA: "{}",
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := toTicket(&r); err != nil {
			b.Fatal(err)
		}
	}
}
