package ticket_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

// appendOnly are the complaint fields the Desk only ever adds to: a new
// comment or review is what ComplaintDiff records (tested apart).
var appendOnly = map[string]bool{"Comments": true, "Reviews": true, "ReviewResults": true,
	"LineSeq": true} // LineSeq: bookkeeping that moves only with a line added, which is recorded

// leaves calls visit with the path of each exported leaf field under v
// (slices and pointers must hold one element) and a function that
// changes that leaf.
func leaves(t *testing.T, path string, v reflect.Value, visit func(path string, change func())) {
	switch x := v.Addr().Interface().(type) {
	case *time.Time:
		visit(path, func() { *x = x.Add(time.Hour) })
		return
	case *decimal.Decimal:
		visit(path, func() { *x = x.Add(decimal.NewFromInt(1)) })
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if f.IsExported() && !appendOnly[f.Name] {
				leaves(t, strings.TrimPrefix(path+"."+f.Name, "."), v.Field(i), visit)
			}
		}
	case reflect.Pointer:
		leaves(t, path, v.Elem(), visit)
	case reflect.Slice:
		leaves(t, path+"[0]", v.Index(0), visit)
	case reflect.String:
		visit(path, func() { v.SetString(v.String() + "x") })
	case reflect.Bool:
		visit(path, func() { v.SetBool(!v.Bool()) })
	case reflect.Int64, reflect.Int:
		visit(path, func() { v.SetInt(v.Int() + 1) })
	default:
		t.Fatalf("%s: no way to change a %s", path, v.Kind())
	}
}

// TestComplaintDiffTracksEveryField changes each leaf field of the
// complaint section and of an action, one at a time, and requires a
// history line for it: ComplaintUpdate and ComplaintPlan store only what
// ComplaintDiff reports, so an untracked field would be lost silently.
// A field added to ComplaintDetails later is covered by this test.
func TestComplaintDiffTracksEveryField(t *testing.T) {
	t.Parallel()
	base := func() *ticket.Complaint {
		c := validComplaint()
		c.Actions = []ticket.Action{{ID: "a-1"}}
		d := &c.Details
		d.Source = &ticket.Reference{}
		d.Lines = []ticket.ComplaintLine{{No: 1, Return: &ticket.Reference{}, Decision: &ticket.LineDecision{Remedies: []ticket.LineRemedy{{}}}}}
		d.ClaimOf = &ticket.ClaimLink{}
		d.Claims = []ticket.ClaimLink{{}}
		d.Attachments = []ticket.ComplaintAttachment{{}}
		d.Costs = []ticket.CostEntry{{ID: "c-1"}}
		d.RootCause = &ticket.RootCause{}
		d.Steps = []ticket.StepRecord{{}}
		d.Decision = &ticket.ComplaintDecision{Remedy: ticket.Remedy{Document: &ticket.RemedyDocument{}}}
		d.Reversal = &ticket.ComplaintReversal{Document: &ticket.RemedyDocument{}}
		return c
	}
	// roots are the values walked, by path prefix.
	roots := func(c *ticket.Complaint) map[string]reflect.Value {
		return map[string]reflect.Value{
			"complaint": reflect.ValueOf(&c.Details).Elem(),
			"action":    reflect.ValueOf(&c.Actions[0]).Elem(),
		}
	}
	var paths []string
	for prefix, root := range roots(base()) {
		leaves(t, prefix, root, func(p string, _ func()) {
			if p != "action.ID" && p != "complaint.Decision.FollowUp" && p != "complaint.Costs[0].ID" && p != "complaint.Reversal.IdempotencyKey" { // keys, not facts
				paths = append(paths, p)
			}
		})
	}
	require.Greater(t, len(paths), 40, "the walk found the fields")
	for _, want := range paths {
		t.Run(want, func(t *testing.T) {
			before, after := base(), base()
			changed := 0
			for prefix, root := range roots(after) {
				leaves(t, prefix, root, func(p string, change func()) {
					if p == want {
						change()
						changed++
					}
				})
			}
			require.Equal(t, 1, changed)
			require.NotEqual(t, before, after)
			require.NotEmpty(t, ticket.ComplaintDiff(before, after), "a change of %s has no history line", want)
		})
	}
}

// TestComplaintDiffRecordsNewCommentsAndReviews covers the append-only
// fields the walk leaves out, and a removed action.
func TestComplaintDiffRecordsNewCommentsAndReviews(t *testing.T) {
	t.Parallel()
	before := validComplaint()
	before.Actions = []ticket.Action{{ID: "a-1", Title: "Call", Owner: "u-1"}}
	after := before.Clone()
	after.Details.Comments = append(after.Details.Comments, ticket.Comment{Author: "u-1", At: t0, Text: "x"})
	after.Details.Reviews = append(after.Details.Reviews, ticket.Review{By: "u-2", Role: ticket.RoleSupervisor, At: t0, Outcome: ticket.ReviewApproved})
	after.Details.ReviewResults = append(after.Details.ReviewResults, ticket.ReviewResult{ID: "r-1", By: "u-3", At: t0, Findings: []string{"seal"}})
	after.Actions = nil
	var fields []string
	for _, e := range ticket.ComplaintDiff(before, after) {
		fields = append(fields, e.Field)
	}
	require.Equal(t, []string{ticket.FieldActions, ticket.FieldReviews, ticket.FieldReviewResults, ticket.FieldComments, ticket.FieldAction}, fields)
}
