package httpapi

import (
	"errors"
	"net/http"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
)

// codeErasureUnsupported: the store cannot erase customers nor keep
// their tombstones (501).
const codeErasureUnsupported = "erasure_unsupported"

// gdprError maps the Desk's erasure errors, or returns err as it is.
func gdprError(err error) error {
	if errors.Is(err, ticketkit.ErrErasureUnsupported) {
		return &apiError{status: http.StatusNotImplemented, Code: codeErasureUnsupported,
			Message: "this desk's store cannot erase customers"}
	}
	return err
}

// erasureRequest is the body of POST
// /admin/customers/{customer_id}/erasure.
type erasureRequest struct {
	Reason string `json:"reason"`
}

func (h *handler) eraseCustomer(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req erasureRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	res, err := h.desk.EraseCustomer(r.Context(), actor, ticketkit.EraseCustomerParams{CustomerID: r.PathValue("customer_id"), Reason: req.Reason})
	if err != nil {
		return gdprError(err)
	}
	writeJSON(w, http.StatusOK, res.Erasure)
	return nil
}

func (h *handler) exportCustomer(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	exp, err := h.desk.ExportCustomer(r.Context(), actor, ticketkit.ExportCustomerParams{CustomerID: r.PathValue("customer_id")})
	if err != nil {
		return gdprError(err)
	}
	writeJSON(w, http.StatusOK, exp)
	return nil
}

// erasureList is the body of GET /admin/erasures.
type erasureList struct {
	Erasures []*storage.Erasure `json:"erasures"`
}

func (h *handler) listErasures(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	es, err := h.desk.Erasures(r.Context(), actor, r.URL.Query().Get("customer_id"))
	if err != nil {
		return gdprError(err)
	}
	if es == nil {
		es = []*storage.Erasure{}
	}
	writeJSON(w, http.StatusOK, erasureList{Erasures: es})
	return nil
}
