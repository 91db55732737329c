// Package seeddata holds the vocabulary of generated help desk data that
// the seeder (cmd/ticketkit-seed) and the load generator
// (cmd/ticketkit-load) share: weighted choices, the skew of priorities,
// categories, departments and channels, products, subject templates,
// customer names and tenant IDs.
package seeddata

import (
	"fmt"
	"math/rand/v2"

	"github.com/ticketkit/ticketkit/ticket"
)

// Weighted is a value with its share of the draws.
type Weighted[T any] struct {
	V T
	W int
}

// Pick returns a value of choices drawn in proportion to the weights.
func Pick[T any](r *rand.Rand, choices []Weighted[T]) T {
	total := 0
	for _, c := range choices {
		total += c.W
	}
	n := r.IntN(total)
	for _, c := range choices {
		if n -= c.W; n < 0 {
			return c.V
		}
	}
	return choices[len(choices)-1].V
}

// The skew of a help desk's tickets, and the words their subjects and
// customers are made of.
var (
	// StatusOld, StatusMonth and StatusRecent are the status mixes of
	// tickets older than 60 days, older than 14 days, and newer.
	StatusOld = []Weighted[string]{
		{ticket.StatusClosed, 900}, {ticket.StatusResolved, 80}, {ticket.StatusWaiting, 8},
		{ticket.StatusInProgress, 6}, {ticket.StatusEscalated, 4}, {ticket.StatusOpen, 2},
	}
	StatusMonth = []Weighted[string]{
		{ticket.StatusClosed, 60}, {ticket.StatusResolved, 15}, {ticket.StatusWaiting, 10},
		{ticket.StatusInProgress, 10}, {ticket.StatusOpen, 3}, {ticket.StatusEscalated, 2},
	}
	StatusRecent = []Weighted[string]{
		{ticket.StatusOpen, 25}, {ticket.StatusInProgress, 25}, {ticket.StatusWaiting, 15},
		{ticket.StatusResolved, 15}, {ticket.StatusClosed, 15}, {ticket.StatusEscalated, 5},
	}
	Priorities = []Weighted[string]{
		{ticket.PriorityLow, 20}, {ticket.PriorityNormal, 55}, {ticket.PriorityHigh, 18}, {ticket.PriorityUrgent, 7},
	}
	Categories = []Weighted[string]{
		{ticket.CategoryQuestion, 45}, {ticket.CategoryProblem, 40}, {ticket.CategoryComplaint, 15},
	}
	Departments = []Weighted[string]{
		{"support", 40}, {"billing", 20}, {"logistics", 20}, {"returns", 12}, {"sales", 8},
	}
	Channels = []Weighted[ticket.Channel]{
		{ticket.ChannelEmail, 35}, {ticket.ChannelWeb, 25}, {ticket.ChannelPhone, 20},
		{ticket.ChannelPortal, 10}, {ticket.ChannelInStore, 7}, {ticket.ChannelAPI, 3},
	}
	Products = []string{
		"kettle", "toaster", "laptop", "headphones", "washing machine", "blender", "smartphone",
		"printer", "router", "vacuum cleaner", "coffee machine", "monitor", "keyboard", "camera",
		"microwave", "dishwasher", "tablet", "speaker", "fridge", "e-bike",
	}
	// Subjects are templates with one %s, a product.
	Subjects = []string{
		"Broken %s after two weeks", "Refund for my %s", "%s arrived damaged", "Question about the %s warranty",
		"Where is my %s order?", "Wrong %s delivered", "%s does not turn on", "Invoice for the %s is wrong",
		"Exchange a %s", "Missing parts for the %s", "How do I reset my %s?", "Late delivery of the %s",
	}
	FirstNames = []string{"Anna", "Ben", "Chloé", "David", "Emma", "Farid", "Greta", "Hugo", "Inès", "Jonas", "Karin", "Louis", "Maya", "Noah", "Olga", "Pablo"}
	LastNames  = []string{"Martin", "Schmidt", "Dupont", "Rossi", "García", "Smith", "Novak", "Jensen", "Moreau", "Weber", "Silva", "Kowalski"}
)

// TenantID returns the ID of the i-th tenant, from 0: "tenant-01" ...
func TenantID(i int) string { return fmt.Sprintf("tenant-%02d", i+1) }

// Subject returns a subject drawn from Subjects and Products, its first
// letter in upper case.
func Subject(r *rand.Rand) string {
	product := Products[r.IntN(len(Products))]
	subject := fmt.Sprintf(Subjects[r.IntN(len(Subjects))], product)
	if c := subject[0]; 'a' <= c && c <= 'z' { // "%s arrived damaged"
		subject = string(c-'a'+'A') + subject[1:]
	}
	return subject
}
