package httpapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
)

func TestOpenTicket(t *testing.T) {
	t.Parallel()

	t.Run("AgentOpensForACustomer", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		w := e.send(agent, http.MethodPost, "/tickets", map[string]any{
			"subject":    "Blender jar cracked",
			"priority":   "high",
			"category":   "complaint",
			"department": "service",
			"channel":    "in_store",
			"customer":   map[string]any{"id": "C-ADA", "name": "Ada", "email": "ada@example.com", "mobile": "+33 6 12 34 56 78"},
			"references": []map[string]any{{"kind": "transaction", "id": "POS-88-1203"}},
			"tags":       []string{"loyalty"},
		})
		require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
		got := decode[apiTicket](t, w)
		require.Equal(t, "TK-2026-000001", got.Number)
		require.Equal(t, "open", got.Status)
		require.Equal(t, "high", got.Priority)
		require.Equal(t, "service", got.Department)
		require.Equal(t, "+33612345678", got.Customer.Mobile)
		require.Equal(t, int64(1), got.Version)
		require.Equal(t, "tickets/"+got.ID, w.Header().Get("Location"))
		require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
		require.Equal(t, []notify.Kind{notify.KindOpened}, e.rec.Kinds())
	})

	t.Run("CustomerOpensTheirOwn", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		got := e.open(ada, map[string]any{"subject": "Where is my order?", "customer": map[string]any{"id": "C-BOB"}})
		require.Equal(t, "C-ADA", got.Customer.ID, "a customer's ticket is always their own")
	})

	t.Run("ValidationNamesEveryField", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		w := e.send(agent, http.MethodPost, "/tickets", map[string]any{
			"priority": "whenever", "customer": map[string]any{"email": "ada@"},
		})
		got := requireError(t, w, http.StatusBadRequest, "validation_failed")
		require.ElementsMatch(t, []string{"subject", "customer.email", "priority"}, got.fieldNames())
	})

	t.Run("CustomerMayNotChooseTier", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		w := e.send(ada, http.MethodPost, "/tickets", map[string]any{"subject": "Hi", "tier": "platinum"})
		got := requireError(t, w, http.StatusBadRequest, "validation_failed")
		require.Equal(t, []string{"tier"}, got.fieldNames())
	})
}

func TestGetTicket(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tk := e.open(agent, map[string]any{"subject": "Kettle", "customer": map[string]any{"id": "C-ADA"}})

	tests := []struct {
		name   string
		path   string
		as     string
		status int
	}{
		{"AgentByID", "/tickets/" + tk.ID, "agent", http.StatusOK},
		{"AgentByNumberInAnyCase", "/tickets/by-number/" + strings.ToLower(tk.Number), "agent", http.StatusOK},
		{"OwnerByID", "/tickets/" + tk.ID, "ada", http.StatusOK},
		{"OwnerByNumber", "/tickets/by-number/" + tk.Number, "ada", http.StatusOK},
		{"OtherCustomerByID", "/tickets/" + tk.ID, "bob", http.StatusNotFound},
		{"OtherCustomerByNumber", "/tickets/by-number/" + tk.Number, "bob", http.StatusNotFound},
		{"OtherTenantByID", "/tickets/" + tk.ID, "outsider", http.StatusNotFound},
		{"OtherTenantByNumber", "/tickets/by-number/" + tk.Number, "outsider", http.StatusNotFound},
		{"UnknownID", "/tickets/nope", "agent", http.StatusNotFound},
		{"OtherCustomerHistory", "/tickets/" + tk.ID + "/history", "bob", http.StatusNotFound},
		{"OtherTenantMessages", "/tickets/" + tk.ID + "/messages", "outsider", http.StatusNotFound},
	}
	actors := map[string]actorT{"agent": agent, "ada": ada, "bob": bob, "outsider": outsider}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := e.get(actors[tc.as], tc.path)
			if tc.status != http.StatusOK {
				got := requireError(t, w, tc.status, "not_found")
				require.NotContains(t, got.Detail, tk.ID, "the message tells nothing about the ticket")
				return
			}
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			require.Equal(t, tk.ID, decode[apiTicket](t, w).ID)
		})
	}
}

func TestSearchTickets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	seed := []map[string]any{
		{"subject": "Where is my order?", "priority": "low", "department": "sales",
			"customer": map[string]any{"id": "C-ADA", "email": "ada@example.com", "mobile": "+33612345678"}},
		{"subject": "Refund not received", "priority": "urgent", "department": "sales", "channel": "manual",
			"customer": map[string]any{"id": "C-ADA", "email": "ADA@example.com"}},
		{"subject": "Wrong size", "priority": "high", "department": "service", "category": "problem",
			"customer": map[string]any{"id": "C-BOB", "email": "bob@example.com"}},
		{"subject": "Broken zip", "priority": "high", "department": "service",
			"customer": map[string]any{"id": "C-BOB", "mobile": "0033 6 99 99 99 99"}},
		{"subject": "Order never came", "priority": "normal", "customer": map[string]any{"id": "C-CY"}},
	}
	var tickets []apiTicket
	for _, s := range seed {
		tickets = append(tickets, e.open(agent, s))
		e.clock.Advance(24 * time.Hour)
	}
	w := e.send(agent, http.MethodPost, "/tickets/"+tickets[2].ID+"/transitions", map[string]any{"to": "in_progress"})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	w = e.send(agent, http.MethodPost, "/tickets/"+tickets[3].ID+"/assignment", map[string]any{"assignee": "agent-7"})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())

	tests := []struct {
		name  string
		as    actorT
		query string
		want  []string // subjects, in order
	}{
		{"All", agent, "", []string{"Where is my order?", "Refund not received", "Wrong size", "Broken zip", "Order never came"}},
		{"Status", agent, "status=in_progress", []string{"Wrong size"}},
		{"StatusCategory", agent, "status_category=new&desc=true", []string{"Order never came", "Broken zip", "Refund not received", "Where is my order?"}},
		{"PrioritiesRepeatedAndCommas", agent, "priority=low&priority=urgent,normal", []string{"Where is my order?", "Refund not received", "Order never came"}},
		{"Department", agent, "department=service", []string{"Wrong size", "Broken zip"}},
		{"Category", agent, "category=problem", []string{"Wrong size"}},
		{"Channel", agent, "channel=manual", []string{"Refund not received"}},
		{"Channels", agent, "channel=manual,web", []string{"Refund not received"}},
		{"CustomerChannel", ada, "channel=manual", []string{"Refund not received"}},
		{"Assignee", agent, "assignee=agent-7", []string{"Broken zip"}},
		{"CreatedRange", agent, "created_from=" + url.QueryEscape(start.Add(24*time.Hour).Format(time.RFC3339)) +
			"&created_to=" + url.QueryEscape(start.Add(72*time.Hour).Format(time.RFC3339)), []string{"Refund not received", "Wrong size"}},
		{"CustomerMobileAnyForm", agent, "customer_mobile=" + url.QueryEscape("+33 6 12 34 56 78"), []string{"Where is my order?"}},
		{"CustomerEmailAnyCase", agent, "customer_email=Ada@Example.com", []string{"Where is my order?", "Refund not received"}},
		{"CustomerID", agent, "customer_id=C-BOB", []string{"Wrong size", "Broken zip"}},
		{"Number", agent, "number=" + strings.ToLower(tickets[3].Number), []string{"Broken zip"}},
		{"Text", agent, "q=ORDER", []string{"Where is my order?", "Order never came"}},
		{"SortPriorityDesc", agent, "sort=priority&desc=1&department=sales", []string{"Refund not received", "Where is my order?"}},
		{"CustomerSeesOnlyOwn", ada, "", []string{"Where is my order?", "Refund not received"}},
		{"OtherTenantSeesNothing", outsider, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := e.get(tc.as, "/tickets?"+tc.query)
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			page := decode[struct {
				Tickets    []apiTicket `json:"tickets"`
				NextCursor *string     `json:"next_cursor"`
			}](t, w)
			require.NotNil(t, page.Tickets, "tickets is always an array")
			var got []string
			for _, tk := range page.Tickets {
				got = append(got, tk.Subject)
			}
			require.Equal(t, tc.want, got)
			require.Nil(t, page.NextCursor, "one page holds everything")
		})
	}

	t.Run("CursorPaging", func(t *testing.T) {
		t.Parallel()
		var got []string
		path := "/tickets?limit=2&sort=created_at"
		for pages := 0; ; pages++ {
			require.Less(t, pages, 5)
			w := e.get(agent, path)
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			page := decode[struct {
				Tickets    []apiTicket `json:"tickets"`
				NextCursor string      `json:"next_cursor"`
			}](t, w)
			require.LessOrEqual(t, len(page.Tickets), 2)
			for _, tk := range page.Tickets {
				got = append(got, tk.Number)
			}
			if page.NextCursor == "" {
				break
			}
			path = "/tickets?limit=2&sort=created_at&cursor=" + url.QueryEscape(page.NextCursor)
		}
		var want []string
		for _, tk := range tickets {
			want = append(want, tk.Number)
		}
		require.Equal(t, want, got)
	})

	t.Run("BadFiltersNameTheParameter", func(t *testing.T) {
		t.Parallel()
		w := e.get(agent, "/tickets?status=open,nope&priority=meh&sort=mood&limit=501&created_from=yesterday")
		got := requireError(t, w, http.StatusBadRequest, "validation_failed")
		require.ElementsMatch(t, []string{"created_from"}, got.fieldNames(), "query errors come first")

		w = e.get(agent, "/tickets?status=open,nope&priority=meh&sort=mood&limit=501&status_category=soon")
		got = requireError(t, w, http.StatusBadRequest, "validation_failed")
		require.ElementsMatch(t, []string{"status[1]", "priority[0]", "sort", "limit", "status_category[0]"}, got.fieldNames())
	})
}

func TestTransition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		as     actorT
		body   map[string]any
		status int
		code   string
		field  string
	}{
		{name: "AgentStartsWork", as: agent, body: map[string]any{"to": "in_progress", "version": 1}, status: http.StatusOK},
		{name: "StaleVersion", as: agent, body: map[string]any{"to": "in_progress", "version": 7}, status: http.StatusConflict, code: "version_conflict"},
		{name: "CustomerMayNotChangeStatus", as: ada, body: map[string]any{"to": "resolved"}, status: http.StatusForbidden, code: "forbidden"},
		{name: "ClosingNeedsAReason", as: agent, body: map[string]any{"to": "closed"}, status: http.StatusBadRequest, code: "validation_failed", field: "reason"},
		{name: "UnknownStatus", as: agent, body: map[string]any{"to": "limbo"}, status: http.StatusBadRequest, code: "validation_failed", field: "to"},
		{name: "NoSuchMove", as: agent, body: map[string]any{"to": "open"}, status: http.StatusConflict, code: "transition_not_allowed"},
		{name: "NegativeVersion", as: agent, body: map[string]any{"to": "in_progress", "version": -1}, status: http.StatusBadRequest, code: "validation_failed", field: "version"},
		{name: "OtherCustomer", as: bob, body: map[string]any{"to": "resolved"}, status: http.StatusNotFound, code: "not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			tk := e.open(agent, map[string]any{"subject": "Kettle", "customer": map[string]any{"id": "C-ADA"}})
			w := e.send(tc.as, http.MethodPost, "/tickets/"+tk.ID+"/transitions", tc.body)
			if tc.status == http.StatusOK {
				require.Equal(t, http.StatusOK, w.Code, w.Body.String())
				got := decode[apiTicket](t, w)
				require.Equal(t, tc.body["to"], got.Status)
				require.Equal(t, int64(2), got.Version)
				require.Contains(t, e.rec.Kinds(), notify.KindStatusChanged)
				return
			}
			got := requireError(t, w, tc.status, tc.code)
			if tc.field != "" {
				require.Equal(t, []string{tc.field}, got.fieldNames())
			}
		})
	}

	t.Run("CloseWithReason", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		tk := e.open(agent, map[string]any{"subject": "Kettle", "customer": map[string]any{"id": "C-ADA"}})
		w := e.send(agent, http.MethodPost, "/tickets/"+tk.ID+"/transitions", map[string]any{"to": "closed", "reason": "replaced"})
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		require.Contains(t, e.rec.Kinds(), notify.KindClosed)
	})
}

func TestAssignAndUpdate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tk := e.open(agent, map[string]any{"subject": "Kettle", "tags": []string{"a", "b"}, "customer": map[string]any{"id": "C-ADA"}})
	path := "/tickets/" + tk.ID

	w := e.send(agent, http.MethodPost, path+"/assignment", map[string]any{"department": "service", "assignee": "agent-7", "version": 1})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	got := decode[apiTicket](t, w)
	require.Equal(t, "service", got.Department)
	require.Equal(t, "agent-7", got.Assignee)
	require.Contains(t, e.rec.Kinds(), notify.KindAssigned)

	requireError(t, e.send(ada, http.MethodPost, path+"/assignment", map[string]any{"assignee": "me"}), http.StatusForbidden, "forbidden")
	requireError(t, e.send(agent, http.MethodPost, path+"/assignment", map[string]any{}), http.StatusBadRequest, "validation_failed")
	bad := requireError(t, e.send(agent, http.MethodPost, path+"/assignment", map[string]any{"department": "moon"}), http.StatusBadRequest, "validation_failed")
	require.Equal(t, []string{"department"}, bad.fieldNames())

	w = e.send(agent, http.MethodPatch, path, map[string]any{
		"subject": "Kettle leaks", "priority": "urgent", "tags": []string{}, "fields": map[string]string{}, "version": got.Version,
	})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	got = decode[apiTicket](t, w)
	require.Equal(t, "Kettle leaks", got.Subject)
	require.Equal(t, "urgent", got.Priority)
	require.Empty(t, got.Tags, "a list given, even empty, replaces the ticket's")
	require.Equal(t, "service", got.Department, "members left out stay")

	requireError(t, e.send(agent, http.MethodPatch, path, map[string]any{"subject": "x", "version": 1}), http.StatusConflict, "version_conflict")
	requireError(t, e.send(ada, http.MethodPatch, path, map[string]any{"subject": "mine now"}), http.StatusForbidden, "forbidden")
	bad = requireError(t, e.send(agent, http.MethodPatch, path, map[string]any{"subject": "", "priority": ""}), http.StatusBadRequest, "validation_failed")
	require.ElementsMatch(t, []string{"subject", "priority"}, bad.fieldNames())

	t.Run("History", func(t *testing.T) {
		type events struct {
			Events []ticket.Event `json:"events"`
		}
		fields := func(es []ticket.Event) []string {
			var out []string
			for _, ev := range es {
				out = append(out, ev.Field)
			}
			return out
		}
		w := e.get(agent, path+"/history")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		all := fields(decode[events](t, w).Events)
		require.Equal(t, ticket.FieldCreated, all[0])
		require.Contains(t, all, ticket.FieldAssignee)
		require.Contains(t, all, ticket.FieldSubject)

		w = e.get(ada, path+"/history")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		mine := fields(decode[events](t, w).Events)
		require.Contains(t, mine, ticket.FieldSubject)
		require.NotContains(t, mine, ticket.FieldAssignee, "customers see no internal routing")
	})
}

func TestListTransitions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.open(ada, map[string]any{"subject": "Kettle"}).ID
	type list struct {
		Transitions []struct {
			Name           string `json:"name"`
			To             string `json:"to"`
			RequiresReason bool   `json:"requires_reason"`
		} `json:"transitions"`
	}
	w := e.do(request{as: &agent, method: http.MethodGet, path: "/tickets/" + id + "/transitions"})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	got := decode[list](t, w)
	require.NotEmpty(t, got.Transitions)
	reason := false
	for _, tr := range got.Transitions {
		require.NotEmpty(t, tr.To)
		reason = reason || tr.RequiresReason
	}
	require.True(t, reason, "closing asks for a reason")

	w = e.do(request{as: &ada, method: http.MethodGet, path: "/tickets/" + id + "/transitions"})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.JSONEq(t, `{"transitions":[]}`, w.Body.String())

	w = e.do(request{as: &bob, method: http.MethodGet, path: "/tickets/" + id + "/transitions"})
	require.Equal(t, http.StatusNotFound, w.Code, "another customer's ticket")
}

func TestSLAReportEndpoint(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for range 3 {
		e.open(ada, map[string]any{"subject": "Kettle"})
	}
	type stats struct {
		Tickets       int `json:"tickets"`
		FirstResponse struct {
			Count int `json:"count"`
		} `json:"first_response"`
		BreachedBy []any `json:"breached_by"`
	}
	type report struct {
		stats
		GroupBy string `json:"group_by"`
		Groups  []struct {
			Key string `json:"key"`
			stats
		} `json:"groups"`
	}
	w := e.do(request{as: &agent, method: http.MethodGet, path: "/reports/sla?group_by=priority&status_category=new"})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	got := decode[report](t, w)
	require.Equal(t, 3, got.Tickets)
	require.Equal(t, 0, got.FirstResponse.Count)
	require.NotNil(t, got.BreachedBy, "an empty list, not null")
	require.Equal(t, "priority", got.GroupBy)
	require.Len(t, got.Groups, 1)
	require.Equal(t, "normal", got.Groups[0].Key)

	w = e.do(request{as: &agent, method: http.MethodGet, path: "/reports/sla?group_by=colour"})
	require.Equal(t, http.StatusBadRequest, w.Code, w.Body.String())
	require.Contains(t, w.Body.String(), "group_by")
	w = e.do(request{as: &agent, method: http.MethodGet, path: "/reports/sla?sort=created_at"})
	require.Equal(t, http.StatusBadRequest, w.Code, "a report takes no sort: %s", w.Body.String())
	w = e.do(request{as: &ada, method: http.MethodGet, path: "/reports/sla"})
	require.Equal(t, http.StatusForbidden, w.Code, w.Body.String())
}
