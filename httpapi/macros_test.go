package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// macroEnv is an env whose tenant "shop" has a French and English reply
// macro that waits for the customer, and one that closes without the
// reason closing needs.
func macroEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	spec := ticket.DefaultCatalogSpec()
	spec.Fields = []ticket.FieldDef{
		{Key: "store", Label: ticket.Label{Text: "Store"}, Type: ticket.FieldText},
		{Key: "margin", Label: ticket.Label{Text: "Margin"}, Type: ticket.FieldNumber, Internal: true},
	}
	admin := ticketkit.Actor{ID: "admin", Role: ticket.RoleAdmin, TenantID: agent.TenantID}
	_, err := e.desk.ConfigureTenant(t.Context(), admin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
		Catalog: spec,
		Macros: []ticketkit.Macro{
			{ID: "ask-photo", Name: ticket.Label{Text: "Ask for a photo"}, Text: "Hello {{.Customer.Name}}, please send a photo.",
				Translations: map[string]string{"fr": "Bonjour {{.Customer.Name}}, envoyez-nous une photo."},
				Status:       ticket.StatusWaiting, AddTags: []string{"photo"}},
			{ID: "close", Name: ticket.Label{Text: "Close"}, Text: "Bye", Status: ticket.StatusClosed},
		},
	}})
	require.NoError(t, err)
	return e
}

func TestMacros(t *testing.T) {
	t.Parallel()

	t.Run("AgentsListPreviewAndApply", func(t *testing.T) {
		t.Parallel()
		e := macroEnv(t)
		tk := e.open(ada, map[string]any{"subject": "Kettle", "customer": map[string]any{"name": "Ada"}})
		w := e.get(agent, "/macros")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		list := decode[struct {
			Macros []struct {
				ID string `json:"id"`
			} `json:"macros"`
		}](t, w)
		require.Len(t, list.Macros, 2)
		require.Equal(t, "ask-photo", list.Macros[0].ID)

		w = e.get(agent, "/tickets/"+tk.ID+"/macros/ask-photo/preview?locale=fr")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		p := decode[struct {
			Body   string `json:"body"`
			Locale string `json:"locale"`
		}](t, w)
		require.Equal(t, "fr", p.Locale)
		require.Contains(t, p.Body, "envoyez-nous une photo")

		w = e.send(agent, http.MethodPost, "/tickets/"+tk.ID+"/macros/ask-photo", map[string]any{"locale": "fr", "version": tk.Version})
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		res := decode[struct {
			Ticket  apiTicket  `json:"ticket"`
			Message apiMessage `json:"message"`
		}](t, w)
		require.Equal(t, ticket.StatusWaiting, res.Ticket.Status)
		require.Equal(t, []string{"photo"}, res.Ticket.Tags)
		require.Equal(t, "reply", res.Message.Kind)
		require.Contains(t, res.Message.Body, "envoyez-nous une photo")
	})

	t.Run("CustomersGet403", func(t *testing.T) {
		t.Parallel()
		e := macroEnv(t)
		tk := e.open(ada, map[string]any{"subject": "Kettle"})
		requireError(t, e.get(ada, "/macros"), http.StatusForbidden, "forbidden")
		requireError(t, e.get(ada, "/tickets/"+tk.ID+"/macros/ask-photo/preview"), http.StatusForbidden, "forbidden")
		requireError(t, e.send(ada, http.MethodPost, "/tickets/"+tk.ID+"/macros/ask-photo", map[string]any{}), http.StatusForbidden, "forbidden")
	})

	t.Run("ARefusedMacroWritesNothing", func(t *testing.T) {
		t.Parallel()
		e := macroEnv(t)
		tk := e.open(ada, map[string]any{"subject": "Kettle"})
		w := e.send(agent, http.MethodPost, "/tickets/"+tk.ID+"/macros/close", map[string]any{})
		require.Equal(t, http.StatusBadRequest, w.Code, w.Body.String())
		w = e.get(agent, "/tickets/"+tk.ID+"/messages")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		require.Empty(t, decode[struct {
			Messages []apiMessage `json:"messages"`
		}](t, w).Messages)
		requireError(t, e.send(agent, http.MethodPost, "/tickets/"+tk.ID+"/macros/nope", map[string]any{}), http.StatusNotFound, "not_found")
	})
}
