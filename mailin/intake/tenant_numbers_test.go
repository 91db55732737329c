package intake_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/mailin"
	"github.com/ticketkit/ticketkit/mailin/intake"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestThreadingByTenantNumbers gives acme ticket numbers "BAK-0001" and
// globex "CAR-0001" (TenantConfig.Numbers): a reply quoting its
// tenant's number threads onto the ticket, whatever the case, and so
// does a number given before the tenant had a format; another tenant's
// number, a forged prefix or a longer number opens a new ticket.
func TestThreadingByTenantNumbers(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b.Open(t))
			ctx := t.Context()
			const anna = "From: Anna Berg <anna@example.com>"
			toGlobex := "To: help@globex.example"
			// An acme ticket from before acme's format: "TK-2026-000001".
			before := e.ingest(t, msg("Old one.", anna, "Subject: Old parcel", mid()))
			oldNumber := e.get(t, before.TicketID).Number
			require.Regexp(t, `^TK-2026-\d{6}$`, oldNumber)

			for tenantID, prefix := range map[string]string{tenant: "BAK", "globex": "CAR"} {
				admin := ticket.Actor{ID: "admin-1", Role: ticket.RoleAdmin, TenantID: tenantID}
				_, err := e.desk.ConfigureTenant(ctx, admin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
					Catalog: ticket.DefaultCatalogSpec(), Numbers: &ticketkit.TenantNumberFormat{Prefix: prefix, OmitYear: true, Digits: 4},
				}})
				require.NoError(t, err)
			}
			acme := e.ingest(t, msg("Box crushed.", anna, "Subject: Crushed box", mid()))
			require.Equal(t, "BAK-0001", e.get(t, acme.TicketID).Number)
			globex := e.ingest(t, msg("Car scratched.", anna, toGlobex, "Subject: Scratch", mid()))
			require.Equal(t, "globex", globex.TenantID)

			for _, tc := range []struct {
				name, subject, to string
				want              string // the ticket it threads onto; "" opens a new one
			}{
				{"TenantNumber", "Re: [BAK-0001] Crushed box", "", acme.TicketID},
				{"TenantNumberLowerCase", "Re: [bak-0001] Crushed box", "", acme.TicketID},
				{"NumberFromBeforeTheFormat", "Re: [" + oldNumber + "] Old parcel", "", before.TicketID},
				{"OtherTenantsNumber", "Re: [CAR-0001] Scratch", "", ""},
				{"OwnNumberSentToTheOtherTenant", "Re: [BAK-0001] Crushed box", toGlobex, ""},
				{"ForgedPrefix", "Re: [XBAK-0001] Crushed box", "", ""},
				{"LongerNumber", "Re: [BAK-0001-7] Crushed box", "", ""},
				{"GlobexNumberAtGlobex", "Re: [CAR-0001] Scratch", toGlobex, globex.TicketID},
			} {
				headers := []string{anna, "Subject: " + tc.subject, mid()}
				if tc.to != "" {
					headers = append(headers, tc.to)
				}
				r := e.ingest(t, msg("Any news?", headers...))
				if tc.want == "" {
					require.Equal(t, intake.Opened, r.Outcome, tc.name)
					require.NotContains(t, []string{acme.TicketID, globex.TicketID, before.TicketID}, r.TicketID, tc.name)
					continue
				}
				require.Equal(t, intake.Appended, r.Outcome, tc.name)
				require.Equal(t, mailin.ThreadBySubject, r.Thread, tc.name)
				require.Equal(t, tc.want, r.TicketID, tc.name)
			}
		})
	}
}
