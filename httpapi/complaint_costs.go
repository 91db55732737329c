package httpapi

import (
	"net/http"

	"github.com/shopspring/decimal"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// costRequest is the body of POST /complaints/{id}/costs.
type costRequest struct {
	Kind     ticket.CostKind `json:"kind"`
	Amount   decimal.Decimal `json:"amount"`
	Currency string          `json:"currency"`
	Note     string          `json:"note"`
}

func (h *handler) addComplaintCost(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req costRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	c, err := call(r, actor, ticketkit.ComplaintCostAddParams{
		ComplaintID: r.PathValue("id"), Kind: req.Kind, Amount: req.Amount, Currency: req.Currency, Note: req.Note,
	}, h.desk.ComplaintCostAdd, h.desk.ComplaintCostAddTx)
	return h.writeComplaint(w, r, http.StatusOK, c, err)
}

func (h *handler) removeComplaintCost(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	c, err := call(r, actor, ticketkit.ComplaintCostRemoveParams{
		ComplaintID: r.PathValue("id"), CostID: r.PathValue("cost"),
	}, h.desk.ComplaintCostRemove, h.desk.ComplaintCostRemoveTx)
	if err != nil {
		return complaintError(err, map[string]string{"cost_id": "cost"})
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// complaintCostsView is the body of GET /complaints/{id}/costs. The API
// has no exchange rates, so it answers the totals per currency only.
type complaintCostsView struct {
	Entries []ticket.CostEntry     `json:"entries"`
	Totals  []ticket.CurrencyTotal `json:"totals"`
}

func (h *handler) complaintCosts(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	q, err := newQuery(r)
	if err != nil {
		return err
	}
	if err := q.err(); err != nil {
		return err
	}
	costs, err := h.desk.ComplaintCostList(r.Context(), actor, ticketkit.ComplaintCostListParams{ComplaintID: r.PathValue("id")})
	if err != nil {
		return complaintError(err, nil)
	}
	writeJSON(w, http.StatusOK, complaintCostsView{Entries: orEmpty(costs.Entries), Totals: orEmpty(costs.Totals)})
	return nil
}

// costReportView is the body of GET /reports/complaint-costs: the
// Desk's ComplaintCostReport without conversion (the API has no exchange rates).
type costReportView struct {
	Complaints int                    `json:"complaints"`
	Totals     []ticket.CurrencyTotal `json:"totals"`
	ByProduct  []ticket.CostRow       `json:"by_product"`
	ByCustomer []ticket.CostRow       `json:"by_customer"`
	ByReason   []ticket.CostRow       `json:"by_reason"`
}

// costRows returns the rows without their conversion.
func costRows(rows []ticketkit.ComplaintCostReportRow) []ticket.CostRow {
	out := make([]ticket.CostRow, 0, len(rows))
	for _, r := range rows {
		r.Totals = orEmpty(r.Totals)
		out = append(out, r.CostRow)
	}
	return out
}

func (h *handler) complaintCostReport(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	p, err := reportSelection(r)
	if err != nil {
		return err
	}
	rep, err := h.desk.ComplaintCostReport(r.Context(), actor, ticketkit.ComplaintCostReportParams{ComplaintReportParams: p})
	if err != nil {
		return complaintError(err, journalNames)
	}
	writeJSON(w, http.StatusOK, costReportView{
		Complaints: rep.Complaints, Totals: orEmpty(rep.Totals), ByProduct: costRows(rep.ByProduct),
		ByCustomer: costRows(rep.ByCustomer), ByReason: costRows(rep.ByReason),
	})
	return nil
}
