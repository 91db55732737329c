package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/notify"
)

// TestMessageNotifyCustomerMember checks the notify_customer member of a
// message, in JSON and in multipart/form-data: false mutes the event for
// the customer, absent leaves it to the rules, a bad form value is
// refused naming the field.
func TestMessageNotifyCustomerMember(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tk := e.open(agent, map[string]any{"subject": "Invoice copy"})
	path := "/tickets/" + tk.ID + "/messages"

	w := e.send(agent, http.MethodPost, path, map[string]any{"body": "internal-ish", "notify_customer": false})
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	w = e.send(agent, http.MethodPost, path, map[string]any{"body": "for the customer"})
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	body, ct := multipartBody(t, map[string]string{"body": "form, quiet", "notify_customer": "false"})
	w = e.do(request{as: &agent, method: http.MethodPost, path: path, body: body, contentType: ct})
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())

	var muted []bool
	for _, ev := range e.rec.OfKind(notify.KindMessageAdded) {
		muted = append(muted, ev.CustomerMuted)
	}
	require.Equal(t, []bool{true, false, true}, muted)

	body, ct = multipartBody(t, map[string]string{"body": "x", "notify_customer": "nope"})
	w = e.do(request{as: &agent, method: http.MethodPost, path: path, body: body, contentType: ct})
	require.Equal(t, []string{"notify_customer"}, requireError(t, w, http.StatusBadRequest, "validation_failed").fieldNames())
}
