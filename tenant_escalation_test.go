package ticketkit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// TestDesk_TenantEscalations runs one escalation sweep over two tenants
// whose SLAs differ: Paris counts business hours (09:00–10:00 on
// weekdays) and its level assigns a lead; Berlin counts every hour and
// its level raises the priority and escalates. A third tenant has no
// configuration and the Desk none: its tickets carry no SLA clocks.
func TestDesk_TenantEscalations(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		clk := clock.NewFake(t0) // Monday 09:00 UTC
		desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), Clock: clk})
		require.NoError(t, err)

		hour := []workflow.Window{{Start: "09:00", End: "10:00"}}
		paris := ticketkit.TenantConfig{Catalog: ticket.DefaultCatalogSpec(), SLA: &workflow.SLAConfig{
			Calendars: []workflow.CalendarSpec{{Name: "office", Week: map[string][]workflow.Window{"mon": hour, "tue": hour, "wed": hour, "thu": hour, "fri": hour}}},
			Policies: []workflow.Policy{{Name: "paris", Calendar: "office", Targets: workflow.Targets{Resolution: hours(2)},
				Levels: []workflow.Level{{Level: 1, Target: workflow.TargetResolution, At: 100, Notify: []string{"user:paris-head"},
					Effects: []workflow.Effect{{Set: map[string]string{workflow.SetAssignee: "paris-lead"}}}}}}},
		}}
		berlin := ticketkit.TenantConfig{Catalog: ticket.DefaultCatalogSpec(), SLA: &workflow.SLAConfig{
			Policies: []workflow.Policy{{Name: "berlin", Targets: workflow.Targets{Resolution: hours(4)},
				Levels: []workflow.Level{{Level: 1, Target: workflow.TargetResolution, At: 100, Notify: []string{"user:berlin-head"},
					Effects: []workflow.Effect{{Set: map[string]string{workflow.SetPriority: ticket.PriorityUrgent}}},
					Status:  ticket.StatusEscalated}}}},
		}}
		actors := map[string]ticketkit.Actor{}
		ids := map[string]string{}
		for name, cfg := range map[string]*ticketkit.TenantConfig{"paris": &paris, "berlin": &berlin, "plain": nil} {
			admin := ticketkit.Actor{ID: name + "-admin", Role: ticket.RoleAdmin, TenantID: name}
			if cfg != nil {
				_, err := desk.ConfigureTenant(ctx, admin, ticketkit.ConfigureTenantParams{Config: *cfg})
				require.NoError(t, err, name)
			}
			actors[name] = ticketkit.Actor{ID: name + "-agent", Role: ticket.RoleAgent, TenantID: name}
			tk, err := desk.Open(ctx, actors[name], ticketkit.OpenParams{Subject: "late parcel"})
			require.NoError(t, err, name)
			ids[name] = tk.ID
		}
		get := func(name string) *ticket.Ticket {
			tk, err := desk.Get(ctx, actors[name], ids[name])
			require.NoError(t, err)
			return tk
		}
		require.Equal(t, "paris", get("paris").SLA.Policy)
		require.Equal(t, "berlin", get("berlin").SLA.Policy)
		require.Empty(t, get("plain").SLA.Policy, "no configuration and no Desk SLA: no clocks")
		require.Equal(t, int64(1), get("paris").ConfigVersion)

		// Monday 13:00: Berlin's 4 hours have passed; Paris has counted
		// one business hour of two.
		clk.Set(t0.Add(4 * time.Hour))
		res, err := desk.RunEscalations(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, res.Escalations)
		require.Equal(t, ticket.PriorityUrgent, get("berlin").Priority)
		require.Equal(t, ticket.StatusEscalated, get("berlin").Status)
		require.Empty(t, get("paris").Assignee)

		// Tuesday 10:00: Paris's second business hour has passed.
		clk.Set(t0.Add(25 * time.Hour))
		res, err = desk.RunEscalations(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, res.Escalations)
		p := get("paris")
		require.Equal(t, "paris-lead", p.Assignee)
		require.Equal(t, ticket.PriorityNormal, p.Priority, "Berlin's level is not Paris's")
		require.Equal(t, ticket.StatusOpen, p.Status)
		hist, err := desk.History(ctx, actors["paris"], ids["paris"])
		require.NoError(t, err)
		require.Contains(t, fieldsOf(hist), ticket.FieldSLAEscalation)
	})
}
