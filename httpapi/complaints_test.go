package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// The complaint routes (issue 13, item 7) over a real listener, on every
// store.

// complaintServer is the API over a desk with complaints whose remedy
// handler issues credit notes and counts its calls.
type complaintServer struct {
	*server
	remedies *atomic.Int32
}

func newComplaintServer(t *testing.T, store dbtest.Store) *complaintServer {
	t.Helper()
	calls := &atomic.Int32{}
	handler := ticket.RemedyHandlerFunc(func(_ context.Context, req ticket.RemedyRequest) (ticket.RemedyResult, error) {
		n := calls.Add(1)
		return ticket.RemedyResult{Document: &ticket.RemedyDocument{Kind: ticket.DocCreditNote, ID: fmt.Sprintf("CN-%d", n)}}, nil
	})
	desk, err := ticketkit.New(ticketkit.Config{
		Store: store.Open(t), Catalog: testCatalog(t), Blobs: blob.NewMemory(blob.Config{}),
		Complaints: &ticketkit.ComplaintConfig{Remedies: handler},
	})
	require.NoError(t, err)
	api, err := httpapi.New(httpapi.Config{Desk: desk, Authenticate: headerAuth})
	require.NoError(t, err)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &complaintServer{server: &server{t: t, url: srv.URL}, remedies: calls}
}

// apiComplaint is the part of the complaint JSON the tests read.
type apiComplaint struct {
	ID       string          `json:"id"`
	Number   string          `json:"number"`
	Kind     string          `json:"kind"`
	Status   string          `json:"status"`
	Reason   string          `json:"reason"`
	Assignee string          `json:"assignee"`
	Customer ticket.Customer `json:"customer"`
	Actions  []ticket.Action `json:"actions"`
	Version  int64           `json:"version"`
	Details  struct {
		Severity       string            `json:"severity"`
		Accounting     ticket.Accounting `json:"accounting"`
		Responsibility struct {
			BusinessUnit string `json:"business_unit"`
			Employee     string `json:"employee"`
		} `json:"responsibility"`
		Comments      []ticket.Comment      `json:"comments"`
		Reviews       []ticket.Review       `json:"reviews"`
		ReviewResults []ticket.ReviewResult `json:"review_results"`
		Decision      *struct {
			Justified bool   `json:"justified"`
			Notes     string `json:"notes"`
			Remedy    struct {
				Kind     string                 `json:"kind"`
				Amount   string                 `json:"amount"`
				Notes    string                 `json:"notes"`
				Document *ticket.RemedyDocument `json:"document"`
			} `json:"remedy"`
		} `json:"decision"`
		EndDate  string                    `json:"end_date"`
		Posted   bool                      `json:"posted"`
		Reversal *ticket.ComplaintReversal `json:"reversal"`
	} `json:"complaint"`
}

// ok sends a request that must answer status and decodes its body.
func ok[T any](s *server, status int, as actorT, method, path, body string) T {
	s.t.Helper()
	got, _, raw := s.call(as, method, path, body, "")
	require.Equal(s.t, status, got, raw)
	var v T
	require.NoError(s.t, json.Unmarshal([]byte(raw), &v), raw)
	return v
}

// openComplaint opens a complaint for customer with reason, business
// unit and claimed amount.
func (s *complaintServer) openComplaint(subject, customer, reason, unit, amount string) apiComplaint {
	s.t.Helper()
	body := fmt.Sprintf(`{"subject":%q,"category":"defect","reason":%q,"remedy_sought":"credit_note","severity":"high",
		"customer":{"id":%q},"source":{"kind":"invoice","id":"INV-%s"},
		"accounting":{"sales_adjustment":true,"company":"ACME-FR","counterparty":"CP-%s","amount":%q,"currency":"EUR"},
		"responsibility":{"business_unit":%q,"employee":"agent-1","salesperson":"sales-1"}}`,
		subject, reason, customer, customer, customer, amount, unit)
	return ok[apiComplaint](s.server, http.StatusCreated, agent, http.MethodPost, "/complaints", body)
}

// TestComplaintLifecycleOverTheWire takes a complaint from open to
// posted through the API: every step answers the complaint as stored,
// the remedy handler runs once, and the posted document refuses changes
// with 409 complaint_posted.
func TestComplaintLifecycleOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newComplaintServer(t, store)
			c := s.openComplaint("Leaking kettles", "C-ADA", "CR02", "BU1", "120.00")
			require.Equal(t, ticket.StatusRegistered, c.Status)
			require.Equal(t, "complaint", c.Kind)
			require.NotEmpty(t, c.Number)
			require.NotEmpty(t, c.Actions, "the defect category's template actions")
			id := "/complaints/" + c.ID

			// Customers may not open complaints.
			status, e, raw := s.call(ada, http.MethodPost, "/complaints", `{"subject":"x","remedy_sought":"refund","customer":{"id":"C-ADA"}}`, "")
			require.Equal(t, http.StatusForbidden, status, raw)
			require.Equal(t, "forbidden", e.Code)

			c = ok[apiComplaint](s.server, 200, agent, "POST", id+"/transitions", `{"to":"planned"}`)
			require.Equal(t, ticket.StatusPlanned, c.Status)
			c = ok[apiComplaint](s.server, 200, agent, "POST", id+"/plan", `{"add":[{"title":"Test the returned kettles","owner":"agent-1"}]}`)
			c = ok[apiComplaint](s.server, 200, agent, "POST", id+"/decision",
				`{"justified":true,"notes":"seal defect","remedy":{"kind":"credit_note","amount":"99.90","currency":"EUR","notes":"internal"}}`)
			require.True(t, c.Details.Decision.Justified)
			require.Equal(t, "99.9", c.Details.Decision.Remedy.Amount)
			// A client cannot hand in the remedy document: the host's
			// handler issues it at posting.
			status, e, raw = s.call(agent, "POST", id+"/decision",
				`{"justified":true,"remedy":{"kind":"credit_note","amount":"1","currency":"EUR","document":{"kind":"credit_note","id":"FAKE"}}}`, "")
			require.Equal(t, http.StatusBadRequest, status, raw)
			require.Equal(t, []string{"document"}, e.fieldNames())

			// Fulfilling is refused while actions are open: a guard, 400.
			fulfil := fmt.Sprintf(`{"to":"fulfilled","end_date":%q}`, time.Now().UTC().Format(time.RFC3339Nano))
			status, _, raw = s.call(agent, "POST", id+"/transitions", fulfil, "")
			require.Equal(t, http.StatusBadRequest, status, raw)

			var done []string
			for _, a := range c.Actions {
				done = append(done, fmt.Sprintf(`{"id":%q,"done":true,"result":"ok"}`, a.ID))
			}
			c = ok[apiComplaint](s.server, 200, agent, "POST", id+"/plan", `{"change":[`+strings.Join(done, ",")+`]}`)
			c = ok[apiComplaint](s.server, 200, agent, "POST", id+"/comments", `{"text":"customer called back"}`)
			c = ok[apiComplaint](s.server, 200, supervisor, "POST", id+"/reviews", `{"outcome":"approved","notes":"fine"}`)
			c = ok[apiComplaint](s.server, 200, agent, "POST", id+"/review-results", `{"text":"seal cracked","findings":["batch B-7"]}`)
			require.Len(t, c.Details.Comments, 1)
			require.Len(t, c.Details.Reviews, 1)
			require.Equal(t, []string{"batch B-7"}, c.Details.ReviewResults[0].Findings)

			// A stale version is a conflict, and changes nothing.
			status, e, raw = s.call(agent, "PATCH", id, fmt.Sprintf(`{"severity":"low","version":%d}`, c.Version-1), "")
			require.Equal(t, http.StatusConflict, status, raw)
			require.Equal(t, "version_conflict", e.Code)
			c = ok[apiComplaint](s.server, 200, agent, "PATCH", id, fmt.Sprintf(`{"responsibility":{"business_unit":"BU2","employee":"agent-2"},"version":%d}`, c.Version))
			require.Equal(t, "BU2", c.Details.Responsibility.BusinessUnit)
			require.Equal(t, "agent-2", c.Assignee, "the assignee follows the employee in charge")

			c = ok[apiComplaint](s.server, 200, agent, "POST", id+"/transitions", fulfil)
			require.Equal(t, ticket.StatusFulfilled, c.Status)
			status, e, raw = s.call(agent, "POST", id+"/reversal", `{"reason":"too early"}`, "")
			require.Equal(t, http.StatusConflict, status, raw)
			require.Equal(t, "complaint_not_posted", e.Code, raw)
			c = ok[apiComplaint](s.server, 200, agent, "POST", id+"/posting", `{"reason":"credited"}`)
			require.True(t, c.Details.Posted)
			require.Equal(t, ticket.StatusPosted, c.Status)
			require.Equal(t, "CN-1", c.Details.Decision.Remedy.Document.ID)
			require.Equal(t, int32(1), s.remedies.Load())

			// Posted: immutable, and never posted twice.
			for _, req := range []struct{ method, path, body, code string }{
				{"PATCH", id, `{"severity":"low"}`, "complaint_posted"},
				{"POST", id + "/comments", `{"text":"late"}`, "complaint_posted"},
				{"POST", id + "/plan", `{"add":[{"title":"more"}]}`, "complaint_posted"},
				{"POST", id + "/posting", `{}`, "complaint_posted"},
			} {
				status, e, raw := s.call(agent, req.method, req.path, req.body, "")
				require.Equal(t, http.StatusConflict, status, raw)
				require.Equal(t, req.code, e.Code, raw)
			}
			require.Equal(t, int32(1), s.remedies.Load())

			got := ok[apiComplaint](s.server, 200, agent, "GET", id, "")
			require.Equal(t, c.Version, got.Version)

			rep := ok[struct {
				Complaints int `json:"complaints"`
				Justified  struct {
					Decided, Justified int
				} `json:"justified"`
				TimeToDecision struct {
					Count int `json:"count"`
				} `json:"time_to_decision"`
				Granted []struct {
					Currency, Total string
				} `json:"granted"`
			}](s.server, 200, agent, "GET", "/reports/complaints?status=posted&reason=CR02", "")
			require.Equal(t, 1, rep.Complaints)
			require.Equal(t, 1, rep.Justified.Justified)
			require.Equal(t, 1, rep.TimeToDecision.Count)
			require.Equal(t, "EUR", rep.Granted[0].Currency)
			require.Equal(t, "99.9", rep.Granted[0].Total)
			status, e, raw = s.call(ada, "GET", "/reports/complaints", "", "")
			require.Equal(t, http.StatusForbidden, status, raw)
			require.Equal(t, "forbidden", e.Code)

			// Reversal: staff only, a reason required, once.
			status, e, raw = s.call(ada, "POST", id+"/reversal", `{"reason":"mine"}`, "")
			require.Equal(t, http.StatusForbidden, status, raw)
			status, e, raw = s.call(agent, "POST", id+"/reversal", `{}`, "")
			require.Equal(t, http.StatusBadRequest, status, raw)
			require.Equal(t, "reason", e.Errors[0].Field, raw)
			c = ok[apiComplaint](s.server, 200, agent, "POST", id+"/reversal", `{"reason":"credited twice"}`)
			require.NotNil(t, c.Details.Reversal)
			require.Equal(t, "credited twice", c.Details.Reversal.Reason)
			require.True(t, c.Details.Posted, "a reversed complaint stays posted")
			status, e, raw = s.call(agent, "POST", id+"/reversal", `{"reason":"again"}`, "")
			require.Equal(t, http.StatusConflict, status, raw)
			require.Equal(t, "complaint_reversed", e.Code, raw)
		})
	}
}

// complaintList is the body of GET /complaints as the tests read it.
type complaintList struct {
	Complaints []apiComplaint `json:"complaints"`
	NextCursor string         `json:"next_cursor"`
}

// TestComplaintJournalOverTheWire filters and pages the journal, and
// checks what customers see of it: their own complaints only, without
// the assessment, and no filter on internal fields.
func TestComplaintJournalOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newComplaintServer(t, store)
			a1 := s.openComplaint("Kettle leaks", "C-ADA", "CR01", "BU1", "10.00")
			b1 := s.openComplaint("Toaster burns", "C-BOB", "CR02", "BU2", "250.00")
			a2 := s.openComplaint("Kettle lid", "C-ADA", "CR02", "BU1", "40.00")
			ok[apiComplaint](s.server, 200, agent, "POST", "/complaints/"+b1.ID+"/transitions", `{"to":"planned"}`)

			numbers := func(as actorT, query string) []string {
				t.Helper()
				page := ok[complaintList](s.server, 200, as, "GET", "/complaints?"+query, "")
				var out []string
				for _, c := range page.Complaints {
					out = append(out, c.Number)
				}
				return out
			}
			require.Equal(t, []string{a1.Number, b1.Number, a2.Number}, numbers(agent, ""))
			require.Equal(t, []string{a2.Number, b1.Number, a1.Number}, numbers(agent, "desc=true"))
			require.Equal(t, []string{b1.Number, a2.Number}, numbers(agent, "reason=CR02"))
			require.Equal(t, []string{b1.Number}, numbers(agent, "status=planned"))
			require.Equal(t, []string{a1.Number, a2.Number}, numbers(agent, "status_category=new"), "registered is a new status")
			require.Equal(t, []string{a1.Number, a2.Number}, numbers(agent, "business_unit=BU1"))
			require.Equal(t, []string{b1.Number}, numbers(agent, "counterparty=CP-C-BOB"))
			require.Equal(t, []string{b1.Number, a2.Number}, numbers(agent, "amount_from=40&amount_to=250.00&currency=eur"))
			require.Equal(t, []string{a1.Number, a2.Number}, numbers(agent, "q=KETTLE"))
			require.Equal(t, []string{b1.Number}, numbers(agent, "source_kind=invoice&source_id=INV-C-BOB"))
			require.Equal(t, []string{a1.Number, b1.Number, a2.Number}, numbers(agent, "employee=agent-1&severity=high"))
			require.Empty(t, numbers(agent, "reason="), "every complaint has a reason")

			// Paging: one at a time, the cursor walks the whole journal.
			var walked []string
			query := "limit=1&desc=true"
			for range 4 {
				page := ok[complaintList](s.server, 200, agent, "GET", "/complaints?"+query, "")
				for _, c := range page.Complaints {
					walked = append(walked, c.Number)
				}
				if page.NextCursor == "" {
					break
				}
				query = "limit=1&desc=true&cursor=" + url.QueryEscape(page.NextCursor)
			}
			require.Equal(t, []string{a2.Number, b1.Number, a1.Number}, walked)

			// Customers: their own, without the assessment.
			page := ok[complaintList](s.server, 200, ada, "GET", "/complaints", "")
			require.Len(t, page.Complaints, 2, "a customer's journal holds their own")
			for _, c := range page.Complaints {
				require.Equal(t, "C-ADA", c.Customer.ID)
				require.Empty(t, c.Details.Severity)
				require.Equal(t, ticket.Accounting{}, c.Details.Accounting)
				require.Empty(t, c.Details.Responsibility.BusinessUnit)
			}
			require.Equal(t, []string{a1.Number}, numbers(ada, "reason=CR01"))
			got := ok[apiComplaint](s.server, 200, ada, "GET", "/complaints/"+a1.ID, "")
			require.Empty(t, got.Details.Severity)
			require.Empty(t, got.Assignee)
			require.Equal(t, ticket.Accounting{}, got.Details.Accounting)
			_, _, raw := s.call(ada, "GET", "/complaints/"+a1.ID, "", "")
			for _, hidden := range []string{"ACME-FR", "CP-C-ADA", "BU1", "sales-1", "agent-1"} {
				require.NotContains(t, raw, hidden)
			}
			status, e, raw := s.call(ada, "GET", "/complaints/"+b1.ID, "", "")
			require.Equal(t, http.StatusNotFound, status, raw)
			require.Equal(t, "not_found", e.Code)
			status, _, raw = s.call(outsider, "GET", "/complaints/"+a1.ID, "", "")
			require.Equal(t, http.StatusNotFound, status, raw, "another tenant's complaint")
			for _, hidden := range []string{"severity=high", "business_unit=BU1", "employee=agent-1", "salesperson=sales-1",
				"counterparty=CP-C-ADA", "amount_from=1", "currency=EUR", "customer_id=C-BOB", "customer_id=C-ADA"} {
				status, e, raw := s.call(ada, "GET", "/complaints?"+hidden, "", "")
				require.Equal(t, http.StatusBadRequest, status, raw)
				require.Equal(t, "forbidden", e.Errors[0].Rule, raw)
				require.Equal(t, strings.SplitN(hidden, "=", 2)[0], e.Errors[0].Field, raw)
			}
			// Customers change nothing.
			status, _, raw = s.call(ada, "POST", "/complaints/"+a1.ID+"/comments", `{"text":"hello"}`, "")
			require.Equal(t, http.StatusForbidden, status, raw)
		})
	}
}

// TestComplaintHostileInputOverTheWire sends what no store can hold, and
// malformed or unknown members, to every complaint route: each is
// answered 400 naming the field (or 404), never 500, and nothing is
// stored.
func TestComplaintHostileInputOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newComplaintServer(t, store)
			c := s.openComplaint("Kettle", "C-ADA", "CR01", "BU1", "10.00")
			id := "/complaints/" + c.ID
			nulCursor := url.QueryEscape(storage.Cursor{Sort: storage.SortCreatedAt, Time: start, ID: "\x00"}.Encode())
			cases := []struct {
				name         string
				method, path string
				body         string
				status       int
				field        string
			}{
				{"GetPathNUL", "GET", "/complaints/%00", "", 400, "id"},
				{"GetPathInvalidUTF8", "GET", "/complaints/%FF", "", 400, "id"},
				{"GetUnknown", "GET", "/complaints/nope", "", 404, ""},
				{"PatchPathNUL", "PATCH", "/complaints/%00", `{"severity":"low"}`, 400, "id"},
				{"PlanPathNUL", "POST", "/complaints/%00/plan", `{"add":[{"title":"x"}]}`, 400, "id"},
				{"PostingUnknown", "POST", "/complaints/nope/posting", `{}`, 404, ""},
				{"QueryTextNUL", "GET", "/complaints?q=%00", "", 400, "q"},
				{"QueryStatusNUL", "GET", "/complaints?status=planned,%00", "", 400, "status[1]"},
				{"QueryUnknownStatus", "GET", "/complaints?status=open", "", 400, "status[0]"},
				{"QueryUnknownCategory", "GET", "/complaints?status_category=nope", "", 400, "status_category[0]"},
				{"QueryBadSeverity", "GET", "/complaints?severity=huge", "", 400, "severity[0]"},
				{"QueryBadSourceKind", "GET", "/complaints?source_kind=%00", "", 400, "source_kind"},
				{"QueryYear0", "GET", "/complaints?issued_from=0000-01-01T00:00:00Z", "", 400, "issued_from"},
				{"QueryBadTime", "GET", "/complaints?issued_to=yesterday", "", 400, "issued_to"},
				{"QueryAmountExponent", "GET", "/complaints?amount_from=1e999999", "", 400, "amount_from"},
				{"QueryAmountTooLong", "GET", "/complaints?amount_to=" + strings.Repeat("9", 40), "", 400, "amount_to"},
				{"QueryAmountRange", "GET", "/complaints?amount_from=10&amount_to=1", "", 400, "amount_to"},
				{"QueryCursorNUL", "GET", "/complaints?cursor=" + nulCursor, "", 400, "cursor"},
				{"QueryCursorForged", "GET", "/complaints?cursor=AAAA", "", 400, "cursor"},
				{"QueryLimit", "GET", "/complaints?limit=501", "", 400, "limit"},
				{"QueryUnknown", "GET", "/complaints?sort=number", "", 400, "sort"},
				{"QueryTooManyStatuses", "GET", "/complaints?status=" + strings.Repeat("planned,", 101), "", 400, "status"},
				{"ReportStatusNUL", "GET", "/reports/complaints?status=%00", "", 400, "status[0]"},
				{"ReportReasonInvalidUTF8", "GET", "/reports/complaints?reason=%FF", "", 400, "reason[0]"},
				{"ReportCustomerNUL", "GET", "/reports/complaints?customer_id=%00", "", 400, "customer_id"},
				{"ReportYear0", "GET", "/reports/complaints?issued_to=0000-01-01T00:00:00Z", "", 400, "issued_to"},
				{"OpenSubjectNUL", "POST", "/complaints", `{"subject":"a\u0000","remedy_sought":"refund","customer":{"id":"C"}}`, 400, "subject"},
				{"OpenUnknownMember", "POST", "/complaints", `{"subject":"a","complaint_id":"x"}`, 400, "complaint_id"},
				{"OpenAmountExponent", "POST", "/complaints", `{"subject":"a","remedy_sought":"refund","customer":{"id":"C"},"accounting":{"amount":"1e999999","currency":"EUR"}}`, 400, ""},
				{"OpenAmountNotANumber", "POST", "/complaints", `{"subject":"a","accounting":{"amount":"ten"}}`, 400, ""},
				{"OpenIssuedYear0", "POST", "/complaints", `{"subject":"a","remedy_sought":"refund","customer":{"id":"C"},"issued_at":"0000-01-01T00:00:00Z"}`, 400, "issued_at"},
				{"OpenBadRemedy", "POST", "/complaints", `{"subject":"a","remedy_sought":"cash","customer":{"id":"C"}}`, 400, "complaint.remedy_sought"},
				{"OpenEmpty", "POST", "/complaints", `{}`, 400, "subject"},
				{"OpenArray", "POST", "/complaints", `[]`, 400, ""},
				{"PatchEndYear0", "PATCH", id, `{"end_date":"0000-01-01T00:00:00Z"}`, 400, "end_date"},
				{"PatchNegativeVersion", "PATCH", id, `{"version":-1}`, 400, "version"},
				{"PatchClearReason", "PATCH", id, `{"reason":""}`, 400, "reason"},
				{"PatchIDInBody", "PATCH", id, `{"complaint_id":"other"}`, 400, "complaint_id"},
				{"PlanUnknownAction", "POST", id + "/plan", `{"change":[{"id":"nope","done":true}]}`, 400, "change[0].id"},
				{"PlanTitleNUL", "POST", id + "/plan", `{"add":[{"title":"\u0000"}]}`, 400, "add[0].title"},
				{"PlanDueYear0", "POST", id + "/plan", `{"add":[{"title":"x","due_at":"0000-01-01T00:00:00Z"}]}`, 400, "add[0].due_at"},
				{"DecideRejectionWithoutFeedback", "POST", id + "/decision", `{"justified":false,"remedy":{"kind":"rejection"}}`, 400, ""},
				{"DecideAmountExponent", "POST", id + "/decision", `{"justified":true,"remedy":{"kind":"credit_note","amount":"1e999999","currency":"EUR"}}`, 400, ""},
				{"DecideNotesNUL", "POST", id + "/decision", `{"justified":true,"notes":"\u0000","remedy":{"kind":"repair"}}`, 400, "notes"},
				{"ReviewBadOutcome", "POST", id + "/reviews", `{"outcome":"maybe"}`, 400, "outcome"},
				{"ReviewResultEmpty", "POST", id + "/review-results", `{}`, 400, "text"},
				{"ReviewResultFindingNUL", "POST", id + "/review-results", `{"findings":["\u0000"]}`, 400, "findings[0]"},
				{"CommentEmpty", "POST", id + "/comments", `{"text":""}`, 400, "text"},
				{"TransitionUnknownStatus", "POST", id + "/transitions", `{"to":"open"}`, 400, "to"},
				{"TransitionEndYear0", "POST", id + "/transitions", `{"to":"planned","end_date":"0000-01-01T00:00:00Z"}`, 400, "end_date"},
				{"PostingReasonNUL", "POST", id + "/posting", `{"reason":"\u0000"}`, 400, "reason"},
				{"PostingUnknownMember", "POST", id + "/posting", `{"force":true}`, 400, "force"},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					status, e, body := s.call(agent, c.method, c.path, c.body, "")
					require.Equal(t, c.status, status, body)
					if c.field != "" {
						require.Contains(t, e.fieldNames(), c.field, body)
					}
				})
			}
			// The ticket routes refuse to change a complaint's status or
			// complaint fields with 409 complaint_route (they answered
			// 500).
			for _, req := range []struct{ method, path, body string }{
				{"PATCH", "/tickets/" + c.ID, `{"priority":"high"}`},
				{"PATCH", "/tickets/" + c.ID, `{"tags":["a"]}`},
			} {
				status, e, raw := s.call(agent, req.method, req.path, req.body, "")
				require.Equal(t, http.StatusConflict, status, raw)
				require.Equal(t, "complaint_route", e.Code, raw)
			}

			// Nothing refused was stored.
			page := ok[complaintList](s.server, 200, agent, "GET", "/complaints", "")
			require.Len(t, page.Complaints, 1)
			got := ok[apiComplaint](s.server, 200, agent, "GET", id, "")
			require.Equal(t, c.Version, got.Version)
			require.Nil(t, got.Details.Decision)
		})
	}
}

// TestComplaintRoutesWithoutComplaints: on a desk without complaints
// every complaint route answers 404 not_found, as if it did not exist.
func TestComplaintRoutesWithoutComplaints(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, req := range []struct{ method, path, body string }{
		{"POST", "/complaints", `{"subject":"a","remedy_sought":"refund","customer":{"id":"C"}}`},
		{"GET", "/complaints", ""},
		{"GET", "/complaints/x", ""},
		{"PATCH", "/complaints/x", `{"severity":"low"}`},
		{"POST", "/complaints/x/plan", `{"add":[{"title":"x"}]}`},
		{"POST", "/complaints/x/decision", `{"justified":true,"remedy":{"kind":"repair"}}`},
		{"POST", "/complaints/x/reviews", `{"outcome":"approved"}`},
		{"POST", "/complaints/x/review-results", `{"text":"x"}`},
		{"POST", "/complaints/x/comments", `{"text":"x"}`},
		{"POST", "/complaints/x/transitions", `{"to":"planned"}`},
		{"POST", "/complaints/x/posting", `{}`},
		{"POST", "/complaints/x/reversal", `{"reason":"x"}`},
		{"GET", "/reports/complaints", ""},
	} {
		w := e.get(agent, req.path)
		if req.body != "" {
			w = e.send(agent, req.method, req.path, req.body)
		}
		got := requireError(t, w, http.StatusNotFound, "not_found")
		require.Equal(t, "complaint not found", got.Detail, "%s %s", req.method, req.path)
	}
}
