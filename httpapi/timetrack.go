package httpapi

import (
	"context"
	"math"
	"net/http"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// timeEntryRequest is the body of POST /tickets/{id}/time-entries.
type timeEntryRequest struct {
	AgentID string `json:"agent_id"`
	// Seconds is the duration.
	Seconds  int64  `json:"seconds"`
	Billable bool   `json:"billable"`
	Note     string `json:"note"`
	// Date is the day of the work, "2006-01-02".
	Date string `json:"date"`
}

// timeEntryList is the body of GET /tickets/{id}/time-entries.
type timeEntryList struct {
	TimeEntries []*ticket.TimeEntry `json:"time_entries"`
}

// timeEntryNames renames the Desk's fields to the request's.
var timeEntryNames = map[string]string{"ticket_id": "id", "duration": "seconds"}

func (h *handler) listTimeEntries(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	got, err := h.desk.TimeEntries(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return csatError(err)
	}
	if got == nil {
		got = []*ticket.TimeEntry{}
	}
	writeJSON(w, http.StatusOK, timeEntryList{TimeEntries: got})
	return nil
}

func (h *handler) addTimeEntry(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req timeEntryRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	p := ticketkit.TimeEntryParams{TicketID: r.PathValue("id"), AgentID: req.AgentID, Billable: req.Billable, Note: req.Note}
	v := &ticket.ValidationError{}
	if req.Seconds > math.MaxInt64/int64(time.Second) || req.Seconds < math.MinInt64/int64(time.Second) {
		v.Add("seconds", "max", "is out of range")
	} else {
		p.Duration = time.Duration(req.Seconds) * time.Second
	}
	if req.Date != "" {
		d, err := time.Parse(time.DateOnly, req.Date)
		if err != nil {
			v.Add("date", "date", "must be a date such as 2026-05-04")
		}
		p.Date = d
	}
	if len(v.Fields) > 0 {
		return v
	}
	got, err := call(r, actor, p, h.desk.AddTimeEntry, h.desk.AddTimeEntryTx)
	if err != nil {
		return csatError(renameFields(err, timeEntryNames))
	}
	writeJSON(w, http.StatusCreated, got)
	return nil
}

func (h *handler) deleteTimeEntry(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	ref := ticketkit.TimeEntryRef{TicketID: r.PathValue("id"), ID: r.PathValue("entry")}
	del := func(ctx context.Context, a ticketkit.Actor, ref ticketkit.TimeEntryRef) (struct{}, error) {
		return struct{}{}, h.desk.DeleteTimeEntry(ctx, a, ref)
	}
	delTx := func(ctx context.Context, tx storage.Tx, a ticketkit.Actor, ref ticketkit.TimeEntryRef) (struct{}, error) {
		return struct{}{}, h.desk.DeleteTimeEntryTx(ctx, tx, a, ref)
	}
	if _, err := call(r, actor, ref, del, delTx); err != nil {
		return csatError(renameFields(err, map[string]string{"ticket_id": "id", "id": "entry"}))
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *handler) timeReport(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	p, err := reportQuery(r)
	if err != nil {
		return err
	}
	rep, err := h.desk.TimeReport(r.Context(), actor, p)
	if err != nil {
		return csatError(err)
	}
	if rep.Groups == nil {
		rep.Groups = []ticketkit.TimeReportGroup{}
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}
