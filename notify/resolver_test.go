package notify_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
)

func addresses(rs []notify.Recipient) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = fmt.Sprintf("%s:%s", r.Audience, r.Address)
	}
	return out
}

const (
	toCustomer = "customer:marie@example.com"
	toSupport  = "department:support@shop.example"
	toBob      = "assignee:bob@shop.example"
	toOwnerBob = "owner:bob@shop.example"
	toOwnerDep = "owner:support@shop.example"
)

func TestResolverRecipients(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		event notify.Event
		// change adjusts the default resolver (catalog + directory).
		change func(*notify.Resolver)
		want   []string
	}{
		// The default rules, one by one.
		{name: "OpenedByAgentReachesCustomerAndDepartment", event: event(notify.KindOpened, agent7), want: []string{toCustomer, toSupport}},
		{name: "OpenedByCustomerAcknowledgesTheCustomer", event: event(notify.KindOpened, customer), want: []string{toCustomer, toSupport}},
		{
			name:  "CustomerMessageReachesAssignee",
			event: event(notify.KindMessageAdded, customer, assignedTo("agent-9"), withMessage(ticket.MessageCustomer, "Any news?")),
			want:  []string{toOwnerBob},
		},
		{
			name:  "CustomerMessageReachesDepartmentWhenUnassigned",
			event: event(notify.KindMessageAdded, customer, withMessage(ticket.MessageCustomer, "Any news?")),
			want:  []string{toOwnerDep},
		},
		{
			name:  "AgentReplyReachesCustomer",
			event: event(notify.KindMessageAdded, agent9, assignedTo("agent-9"), withMessage(ticket.MessageReply, "On its way.")),
			want:  []string{toCustomer},
		},
		{
			name:  "CopiedReplyReachesTheContactsWithAnAddress",
			event: event(notify.KindMessageAdded, agent9, withMessage(ticket.MessageReply, "On its way."), withContacts, copied),
			want:  []string{toCustomer, "contacts:paul@example.com"},
		},
		{
			name:  "ReplyNotCopiedReachesNoContact",
			event: event(notify.KindMessageAdded, agent9, withMessage(ticket.MessageReply, "On its way."), withContacts),
			want:  []string{toCustomer},
		},
		{
			name:  "CopiedNoteReachesNoContact",
			event: event(notify.KindMessageAdded, agent7, assignedTo("agent-9"), withMessage(ticket.MessageNote, "Refund approved."), withContacts, copied),
			change: func(r *notify.Resolver) {
				r.Rules = func(string) notify.Rules {
					return notify.Rules{notify.MessageRule(ticket.MessageNote): {notify.AudienceOwner, notify.AudienceContacts}}
				}
			},
			want: []string{toOwnerBob},
		},
		{
			name:  "CopiedReplyWithoutTheRuleReachesNoContact",
			event: event(notify.KindMessageAdded, agent9, withMessage(ticket.MessageReply, "On its way."), withContacts, copied),
			change: func(r *notify.Resolver) {
				r.Rules = func(string) notify.Rules { return notify.DefaultRules().Without(notify.AudienceContacts) }
			},
			want: []string{toCustomer},
		},
		{
			name:  "SystemMessageReachesCustomer",
			event: event(notify.KindMessageAdded, system, withMessage(ticket.MessageSystem, "Reminder.")),
			want:  []string{toCustomer},
		},
		{
			name:  "NoteReachesAssignee",
			event: event(notify.KindMessageAdded, agent7, assignedTo("agent-9"), withMessage(ticket.MessageNote, "Refund approved.")),
			want:  []string{toOwnerBob},
		},
		{
			name:  "NoteReachesDepartmentWhenUnassigned",
			event: event(notify.KindMessageAdded, agent7, withMessage(ticket.MessageNote, "Refund approved.")),
			want:  []string{toOwnerDep},
		},
		{name: "StatusChangedReachesCustomer", event: event(notify.KindStatusChanged, agent9, statusChange(ticket.StatusOpen, ticket.StatusInProgress)), want: []string{toCustomer}},
		{name: "ClosedReachesCustomer", event: event(notify.KindClosed, agent9, statusChange(ticket.StatusResolved, ticket.StatusClosed)), want: []string{toCustomer}},
		{name: "AssignedReachesNewAssignee", event: event(notify.KindAssigned, agent7, assignedTo("agent-9")), want: []string{toBob}},
		{name: "UnassignedReachesNoOne", event: event(notify.KindAssigned, agent7), want: nil},
		{name: "EscalatedReachesDepartment", event: event(notify.KindEscalated, system, assignedTo("agent-9")), want: []string{toSupport}},
		{name: "SLAWarningReachesAssignee", event: event(notify.KindSLAWarning, system, assignedTo("agent-9")), want: []string{toOwnerBob}},
		{name: "SLABreachedReachesAssignee", event: event(notify.KindSLABreached, system, assignedTo("agent-9")), want: []string{toOwnerBob}},
		{name: "SLABreachUnassignedReachesDepartment", event: event(notify.KindSLABreached, system), want: []string{toOwnerDep}},
		{name: "UnknownKindReachesNoOne", event: event("ticket.archived", agent7), want: nil},

		// Internal notes never reach the customer.
		{
			name:  "NoteNeverReachesCustomerWhateverTheRules",
			event: event(notify.KindMessageAdded, agent7, assignedTo("agent-9"), withMessage(ticket.MessageNote, "Customer is difficult.")),
			change: func(r *notify.Resolver) {
				r.Rules = func(string) notify.Rules {
					return notify.Rules{notify.MessageRule(ticket.MessageNote): {notify.AudienceCustomer, notify.AudienceOwner}}
				}
			},
			want: []string{toOwnerBob},
		},
		{
			name:  "NoteNeverReachesCustomerThroughTheKindRule",
			event: event(notify.KindMessageAdded, agent7, withMessage(ticket.MessageNote, "Customer is difficult.")),
			change: func(r *notify.Resolver) {
				r.Rules = func(string) notify.Rules {
					return notify.Rules{notify.KindMessageAdded: {notify.AudienceCustomer}}
				}
			},
			want: nil,
		},

		// Never the actor.
		{
			name:  "AssigneeDoesNotGetOwnNote",
			event: event(notify.KindMessageAdded, agent9, assignedTo("agent-9"), withMessage(ticket.MessageNote, "Called the carrier.")),
			want:  nil,
		},
		{
			name:  "AgentDoesNotGetOwnReply",
			event: event(notify.KindMessageAdded, agent9, assignedTo("agent-9"), withMessage(ticket.MessageReply, "On its way.")),
			change: func(r *notify.Resolver) {
				r.Rules = func(string) notify.Rules {
					return notify.Rules{notify.KindMessageAdded: {notify.AudienceCustomer, notify.AudienceAssignee}}
				}
			},
			want: []string{toCustomer},
		},
		{name: "SelfAssignmentReachesNoOne", event: event(notify.KindAssigned, agent9, assignedTo("agent-9")), want: nil},
		{
			name:  "CustomerDoesNotGetOwnMessage",
			event: event(notify.KindMessageAdded, customer, withMessage(ticket.MessageCustomer, "Hello?")),
			change: func(r *notify.Resolver) {
				r.Rules = func(string) notify.Rules {
					return notify.Rules{notify.KindMessageAdded: {notify.AudienceCustomer, notify.AudienceOwner}}
				}
			},
			want: []string{toOwnerDep},
		},

		// A status change into a closed status is carried by KindClosed.
		{name: "StatusChangedIntoClosedLeavesItToClosed", event: event(notify.KindStatusChanged, agent9, statusChange(ticket.StatusResolved, ticket.StatusClosed)), want: nil},
		{
			name:  "StatusChangedIntoClosedWhenClosedIsSwitchedOff",
			event: event(notify.KindStatusChanged, agent9, statusChange(ticket.StatusResolved, ticket.StatusClosed)),
			change: func(r *notify.Resolver) {
				r.Rules = func(string) notify.Rules { return notify.Rules{notify.KindStatusChanged: {notify.AudienceCustomer}} }
			},
			want: []string{toCustomer},
		},

		// Per-tenant switch-off.
		{
			name:  "TenantSwitchesCustomerOff",
			event: event(notify.KindOpened, agent7),
			change: func(r *notify.Resolver) {
				r.Rules = func(tenantID string) notify.Rules {
					if tenantID == "acme" {
						return notify.DefaultRules().Without(notify.AudienceCustomer)
					}
					return nil
				}
			},
			want: []string{toSupport},
		},
		{
			name:  "TenantSwitchesOneKindOff",
			event: event(notify.KindStatusChanged, agent9, statusChange(ticket.StatusOpen, ticket.StatusWaiting)),
			change: func(r *notify.Resolver) {
				r.Rules = func(string) notify.Rules {
					rules := notify.DefaultRules()
					delete(rules, notify.KindStatusChanged)
					return rules
				}
			},
			want: nil,
		},
		{
			name:   "NilTenantRulesMeanDefaults",
			event:  event(notify.KindOpened, agent7),
			change: func(r *notify.Resolver) { r.Rules = func(string) notify.Rules { return nil } },
			want:   []string{toCustomer, toSupport},
		},
		{
			name:   "EmptyTenantRulesNotifyNoOne",
			event:  event(notify.KindOpened, agent7),
			change: func(r *notify.Resolver) { r.Rules = func(string) notify.Rules { return notify.Rules{} } },
			want:   nil,
		},

		// Preferences.
		{
			name:  "PreferencesDropOptedOutRecipient",
			event: event(notify.KindOpened, agent7),
			change: func(r *notify.Resolver) {
				r.Preferences = notify.PreferencesFunc(func(_ context.Context, rc notify.Recipient, e notify.Event) bool {
					return !(rc.Audience == notify.AudienceDepartment && e.Kind == notify.KindOpened)
				})
			},
			want: []string{toCustomer},
		},

		// Dedupe.
		{
			name:  "DedupesAddressesCaseInsensitively",
			event: event(notify.KindOpened, agent7, func(e *notify.Event) { e.Ticket.Customer.Email = "Support@Shop.example" }),
			want:  []string{"customer:Support@Shop.example"},
		},
		{
			name:  "DedupesAcrossAudiences",
			event: event(notify.KindEscalated, system, assignedTo("agent-9")),
			change: func(r *notify.Resolver) {
				r.Rules = func(string) notify.Rules {
					return notify.Rules{notify.KindEscalated: {notify.AudienceAssignee, notify.AudienceOwner, notify.AudienceDepartment, notify.AudienceAssignee}}
				}
			},
			want: []string{toBob, toSupport},
		},

		// Missing data.
		{name: "CustomerWithoutEmailIsSkipped", event: event(notify.KindClosed, agent7, func(e *notify.Event) { e.Ticket.Customer.Email = "" }), want: nil},
		{name: "DepartmentWithoutEmailIsSkipped", event: event(notify.KindEscalated, system, func(e *notify.Event) { e.Ticket.Department = "silent" }), want: nil},
		{name: "UnknownDepartmentIsSkipped", event: event(notify.KindEscalated, system, func(e *notify.Event) { e.Ticket.Department = "gone" }), want: nil},
		{name: "UnknownUserIsSkipped", event: event(notify.KindAssigned, agent7, assignedTo("ghost")), want: nil},
		{name: "NoDirectoryReachesNoAssignee", event: event(notify.KindAssigned, agent7, assignedTo("agent-9")), change: func(r *notify.Resolver) { r.Directory = nil }, want: nil},
		{name: "NoCatalogReachesNoDepartment", event: event(notify.KindOpened, agent7), change: func(r *notify.Resolver) { r.Catalog = nil }, want: []string{toCustomer}},
		{
			name:  "NoWatchersReachNoOne",
			event: event(notify.KindOpened, agent7),
			change: func(r *notify.Resolver) {
				r.Rules = func(string) notify.Rules { return notify.Rules{notify.KindOpened: {notify.AudienceWatchers}} }
			},
			want: nil,
		},
		// Watchers and CC.
		{
			name: "CustomerMessageReachesWatchersButNotTheActorNorUnknownUsers",
			event: event(notify.KindMessageAdded, customer, withMessage(ticket.MessageCustomer, "Any news?"),
				func(e *notify.Event) { e.Watchers = []string{"agent-7", "ghost", "agent-9"} }),
			want: []string{toOwnerDep, "watchers:alice@shop.example", "watchers:bob@shop.example"},
		},
		{
			name: "ANoteReachesWatchersButTheirAuthor",
			event: event(notify.KindMessageAdded, agent9, withMessage(ticket.MessageNote, "Refund approved."),
				func(e *notify.Event) { e.Watchers = []string{"agent-9"}; e.CC = []string{"boss@client.example"} }),
			want: []string{toOwnerDep},
		},
		{
			name: "AReplyReachesCCLikeTheCustomerOnce",
			event: event(notify.KindMessageAdded, agent9, withMessage(ticket.MessageReply, "On its way."),
				func(e *notify.Event) { e.CC = []string{"boss@client.example", "MARIE@example.com"} }),
			want: []string{toCustomer, "customer:boss@client.example"},
		},
		{
			name: "AMutedReplyReachesNoCC",
			event: event(notify.KindMessageAdded, agent9, withMessage(ticket.MessageReply, "On its way."),
				func(e *notify.Event) { e.CC = []string{"boss@client.example"}; e.CustomerMuted = true }),
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := &notify.Resolver{Catalog: testCatalog(), Directory: directory}
			if tt.change != nil {
				tt.change(r)
			}
			got, err := r.Recipients(t.Context(), tt.event)
			require.NoError(t, err)
			require.Equal(t, tt.want, addressesOrNil(got))
		})
	}
}

func addressesOrNil(rs []notify.Recipient) []string {
	if len(rs) == 0 {
		return nil
	}
	return addresses(rs)
}

func TestResolverRecipientDetails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		resolver notify.Resolver
		event    notify.Event
		want     []notify.Recipient
	}{
		{
			name:     "DefaultLocaleIsEnglish",
			resolver: notify.Resolver{Catalog: testCatalog()},
			event:    event(notify.KindOpened, agent7),
			want: []notify.Recipient{
				{Audience: notify.AudienceCustomer, Address: "marie@example.com", Name: "Marie Curie", Locale: "en"},
				{Audience: notify.AudienceDepartment, Address: "support@shop.example", Name: "Support", Locale: "en"},
			},
		},
		{
			name:     "DefaultLocaleNamesDepartments",
			resolver: notify.Resolver{Catalog: testCatalog(), DefaultLocale: "fr-CA"},
			event:    event(notify.KindOpened, agent7),
			want: []notify.Recipient{
				{Audience: notify.AudienceCustomer, Address: "marie@example.com", Name: "Marie Curie", Locale: "fr-CA"},
				{Audience: notify.AudienceDepartment, Address: "support@shop.example", Name: "Assistance", Locale: "fr-CA"},
			},
		},
		{
			name: "CustomerLocaleHook",
			resolver: notify.Resolver{DefaultLocale: "fr", CustomerLocale: func(_ context.Context, t *ticket.Ticket) string {
				return map[string]string{"c1": "en-GB"}[t.Customer.ID]
			}},
			event: event(notify.KindClosed, agent7),
			want:  []notify.Recipient{{Audience: notify.AudienceCustomer, Address: "marie@example.com", Name: "Marie Curie", Locale: "en-GB"}},
		},
		{
			name:     "DirectoryUserFillsUserIDAndLocale",
			resolver: notify.Resolver{Directory: directory, DefaultLocale: "de"},
			event:    event(notify.KindAssigned, system, assignedTo("agent-9")),
			want:     []notify.Recipient{{Audience: notify.AudienceAssignee, Address: "bob@shop.example", Name: "Bob", UserID: "agent-9", Locale: "de"}},
		},
		{
			name:     "DirectoryLocaleWins",
			resolver: notify.Resolver{Directory: directory, DefaultLocale: "de"},
			event:    event(notify.KindAssigned, system, assignedTo("agent-7")),
			want:     []notify.Recipient{{Audience: notify.AudienceAssignee, Address: "alice@shop.example", Name: "Alice", UserID: "agent-7", Locale: "fr"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.resolver.Recipients(t.Context(), tt.event)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestResolverErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		event   notify.Event
		wantIs  error
		wantMsg string
	}{
		{name: "DirectoryFailure", event: event(notify.KindAssigned, agent7, assignedTo("broken")), wantIs: errDirectoryDown, wantMsg: "user broken of tenant acme"},
		{name: "NoTicket", event: notify.Event{ID: "e1", Kind: notify.KindOpened}, wantMsg: "has no ticket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := &notify.Resolver{Catalog: testCatalog(), Directory: directory}
			_, err := r.Recipients(t.Context(), tt.event)
			require.ErrorContains(t, err, tt.wantMsg)
			if tt.wantIs != nil {
				require.ErrorIs(t, err, tt.wantIs)
			}
		})
	}
}

func TestDefaultRules(t *testing.T) {
	t.Parallel()
	rules := notify.DefaultRules()
	for _, k := range notify.Kinds() {
		if k == notify.KindMessageAdded {
			continue
		}
		require.NotEmpty(t, rules[k], k)
	}
	for _, mk := range ticket.MessageKinds() {
		require.NotEmpty(t, rules[notify.MessageRule(mk)], mk)
	}
	require.NotContains(t, rules[notify.MessageRule(ticket.MessageNote)], notify.AudienceCustomer)
	for _, audiences := range rules {
		for _, a := range audiences {
			require.True(t, a.Valid(), a)
		}
	}

	// Each call returns a new map, and Without and Clone do not touch
	// their receiver.
	rules[notify.KindOpened] = nil
	require.NotEmpty(t, notify.DefaultRules()[notify.KindOpened])
	fresh := notify.DefaultRules()
	quiet := fresh.Without(notify.AudienceCustomer, notify.AudienceDepartment)
	require.Equal(t, notify.DefaultRules(), fresh)
	require.Empty(t, quiet[notify.KindOpened])
	require.Equal(t, []notify.Audience{notify.AudienceAssignee}, quiet[notify.KindAssigned])
	require.Nil(t, notify.Rules(nil).Clone())
}

func TestRulesFor(t *testing.T) {
	t.Parallel()
	rules := notify.Rules{
		notify.KindMessageAdded:                 {notify.AudienceDepartment},
		notify.MessageRule(ticket.MessageReply): {notify.AudienceCustomer},
	}
	tests := []struct {
		name  string
		event notify.Event
		want  []notify.Audience
	}{
		{name: "MessageKindEntry", event: event(notify.KindMessageAdded, agent7, withMessage(ticket.MessageReply, "x")), want: []notify.Audience{notify.AudienceCustomer}},
		{name: "FallsBackToKind", event: event(notify.KindMessageAdded, agent7, withMessage(ticket.MessageNote, "x")), want: []notify.Audience{notify.AudienceDepartment}},
		{name: "NoMessage", event: event(notify.KindMessageAdded, agent7), want: []notify.Audience{notify.AudienceDepartment}},
		{name: "OtherKind", event: event(notify.KindOpened, agent7), want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, rules.For(tt.event))
		})
	}
	require.Equal(t, notify.Kind("ticket.message_added/note"), notify.MessageRule(ticket.MessageNote))
	require.False(t, notify.Audience("boss").Valid())
}

// roleDirectory knows users and who holds each role.
type roleDirectory map[string][]notify.Recipient

func (d roleDirectory) User(_ context.Context, _, userID string) (notify.Recipient, error) {
	return notify.Recipient{Address: userID + "@acme.example"}, nil
}

func (d roleDirectory) Role(_ context.Context, _, role string) ([]notify.Recipient, error) {
	return d[role], nil
}

func TestEscalationReachesTheLevelsTargets(t *testing.T) {
	t.Parallel()
	dir := roleDirectory{"supervisor": {{Address: "boss@acme.example", UserID: "boss"}}}
	r := &notify.Resolver{Directory: dir}
	e := notify.Event{ID: "e1", Kind: notify.KindEscalated, TenantID: "acme", Actor: ticket.SystemActor("acme"),
		Ticket:     &ticket.Ticket{ID: "t1", TenantID: "acme", Number: "TK-1"},
		Escalation: &notify.Escalation{Policy: "gold", Level: 2, Target: "resolution", Percent: 150, Notify: []string{"supervisor", "user:ann"}}}
	rs, err := r.Recipients(context.Background(), e)
	require.NoError(t, err)
	var got []string
	for _, rc := range rs {
		got = append(got, rc.Address)
		require.Equal(t, notify.AudienceEscalation, rc.Audience)
	}
	require.Equal(t, []string{"boss@acme.example", "ann@acme.example"}, got)

	out, err := notify.DefaultTemplates().Render(e, rs[0], nil)
	require.NoError(t, err)
	require.Contains(t, out.Text, `Escalation level 2: the resolution target of policy "gold" reached 150%.`)
	require.Contains(t, out.HTML, "Escalation level 2")

	e.Escalation = nil
	rs, err = r.Recipients(context.Background(), e)
	require.NoError(t, err)
	require.Empty(t, rs, "no level, no targets; the department has no address here")
}

// withContacts gives the ticket a contact with an address, one without,
// and one at the customer's own address.
func withContacts(e *notify.Event) {
	e.Ticket.Contacts = []ticket.Contact{
		{Name: "Paul", Email: "paul@example.com"}, {Name: "Nora", Phone: "+33612345678"}, {Name: "Marie", Email: "MARIE@example.com"},
	}
}

// copied marks the event's message as copied to the contacts.
func copied(e *notify.Event) { e.CopyContacts = true }

// TestResolverTenantCatalog checks that TenantCatalog replaces Catalog
// for the event's tenant: its departments' mailboxes are reached, and a
// failure to read it fails the resolution.
func TestResolverTenantCatalog(t *testing.T) {
	t.Parallel()
	spec := testCatalog().Spec()
	for i := range spec.Departments {
		spec.Departments[i].Email = "acme-" + spec.Departments[i].Email
	}
	acme, err := ticket.NewCatalog(spec)
	require.NoError(t, err)
	r := notify.Resolver{Catalog: testCatalog(), TenantCatalog: func(_ context.Context, tenantID string) (*ticket.Catalog, error) {
		switch tenantID {
		case "acme":
			return acme, nil
		case "broken":
			return nil, errors.New("database down")
		}
		return nil, nil
	}}
	rs, err := r.Recipients(t.Context(), event(notify.KindOpened, agent7))
	require.NoError(t, err)
	require.Contains(t, addresses(rs), "department:acme-support@shop.example")
	rs, err = r.Recipients(t.Context(), event(notify.KindOpened, agent7, func(e *notify.Event) { e.TenantID = "globex" }))
	require.NoError(t, err)
	require.Contains(t, addresses(rs), "department:support@shop.example", "a tenant without a catalog of its own gets Catalog")
	_, err = r.Recipients(t.Context(), event(notify.KindOpened, agent7, func(e *notify.Event) { e.TenantID = "broken" }))
	require.ErrorContains(t, err, "database down")
}
