package ticketkit

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/phone"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// Config configures a [Desk]. Only Store is required; every other zero
// value means the documented default.
type Config struct {
	// Store keeps tickets, messages, history and the outbox. Required.
	Store storage.Store
	// Catalog holds the statuses, priorities, categories, departments,
	// reason codes and custom fields. Default: ticket.DefaultCatalog().
	Catalog *ticket.Catalog
	// Workflow decides which status changes are allowed. It must be
	// built on Catalog or on an equal one (see [ticket.Catalog.Equal]):
	// a workflow built on its own ticket.DefaultCatalog() fits a Desk
	// whose Catalog is unset. Default: workflow.Default(Catalog), which
	// needs the default status codes; for a catalog of the host's own
	// statuses without a workflow of its own, workflow.Free(Catalog) lets
	// staff move tickets freely between them.
	Workflow *workflow.Machine
	// Notifier, when set, receives each notification right after its
	// change commits (inline delivery), for the lowest latency: one
	// attempt, within InlineTimeout. A delivery that fails, times out or
	// panics does not fail the use case, whose change has committed: it
	// is left to a [Dispatcher], which retries it.
	//
	// Over a store that runs inside a transaction the Desk does not own
	// (see storage.HostTxStore: bunstore.New over the host's bun.Tx),
	// Notifier is never called: the Desk's changes commit only when the
	// host commits, so their notifications wait in the outbox, unclaimed,
	// for a Dispatcher, and a host rollback leaves none. The Desk asks
	// Store only: a decorator of such a store must forward InHostTx, or
	// the Desk takes it for a store that owns its transactions. Default:
	// none; the notifications wait in the outbox for a Dispatcher.
	Notifier notify.Notifier
	// InlineTimeout bounds the inline delivery of one change's
	// notifications to Notifier, so that a notifier that does not answer
	// holds the caller no longer than this: then the ctx Notifier was
	// given is done, and the notifications not yet delivered are left to
	// a Dispatcher. It is real time, whatever Clock says (a context
	// deadline). Notifier must return when its ctx is done: one that
	// ignores it holds the caller until it returns, since the Desk does
	// not leave it running behind the caller's back (abandoned calls to
	// a hung endpoint would pile up without bound). Default
	// DefaultInlineTimeout; negative is invalid.
	InlineTimeout time.Duration
	// Clock tells the time. Default: clock.System().
	Clock clock.Clock
	// Numberer renders ticket numbers. Default: ticket.DefaultNumberer().
	Numberer ticket.Numberer
	// Blobs keeps attachment content. Default: none, and messages with
	// attachments are rejected.
	Blobs blob.Store
	// Phone normalizes customer mobile numbers when tickets are stored
	// and searched. Default: phone.Digits(), which only strips
	// formatting; use phone/libphonenumber for real E.164 numbers.
	Phone phone.Normalizer
	// MaxAttachmentSize limits each attachment in bytes. Default: the
	// blob store's own limit.
	MaxAttachmentSize int64
	// MaxAttachments limits the attachments of one message. Default
	// [DefaultMaxAttachments].
	MaxAttachments int
	// Logger receives delivery failures and other background notes.
	// Default: discard.
	Logger *slog.Logger
	// SLA, when set, runs SLA clocks on every ticket: the Desk starts
	// them when a ticket opens, keeps them on every change in the
	// change's transaction, and [Desk.RunEscalations] fires warnings,
	// breaches and escalation levels. It must be built on Catalog or on
	// an equal one, as Workflow; with Catalog and Workflow unset, its
	// catalog is the desk's.
	// Default: none; tickets carry no SLA state.
	SLA *workflow.SLA
	// AutoCloseAfter, with SLA set, makes the escalation sweep close a
	// resolved ticket this long after it was resolved, unless it was
	// reopened meanwhile. Default 0: resolved tickets stay resolved.
	AutoCloseAfter time.Duration
	// WakeStatus is the status a ticket waiting in a pausing status
	// returns to when the pending-until time set with
	// [TransitionParams].PendingUntil passes (a pending reminder).
	// Default: the catalog's first status of category open (none when
	// the catalog has no such status).
	WakeStatus string
	// ReopenWithin is the reopen policy for customers who write again: a
	// customer's message on a resolved or closed ticket within this long
	// of its resolution reopens it (to the workflow's reopen status, or
	// WakeStatus), as far as the workflow allows; a later message opens
	// a follow-up ticket linked to the old one (Ticket.FollowUpOf) and is
	// posted there. Default 0: customer messages change no status.
	ReopenWithin time.Duration
	// Complaints, when set, turns on complaint documents: see
	// [ComplaintConfig] and [Desk.ComplaintOpen]. The store must
	// implement storage.ComplaintStore. Default: none; the complaint
	// methods return ErrComplaintsOff.
	Complaints *ComplaintConfig

	// Customers supplies the contact data of customers who open tickets
	// themselves: for a customer actor, [Desk.Open] asks it for the
	// actor's CustomerID and its answer replaces the name, email and
	// mobile of OpenParams.Customer, so that mail goes only where the
	// host says. Default: none; a customer actor may then set no email
	// or mobile (see [OpenParams].Customer).
	Customers CustomerDirectory
	// Organisations supplies the settings of the host's customer
	// organisations (see [Organisation]): with it, a customer actor
	// whose organisation lets members see its tickets reads and
	// searches the tickets of the organisation's customers. Default:
	// none; every customer sees only their own tickets.
	Organisations OrganisationDirectory
	// MaxCC is the most addresses one ticket may have copied on it (see
	// [Desk.AddCC]). Default [DefaultMaxCC]; negative is invalid.
	MaxCC int
	// Staff supplies the display names customers see for staff users
	// (message authors, history actors) instead of their user IDs; only
	// the Name of its answer is used, so the notify.Directory given to
	// the notification resolver serves. Default: none; customers see
	// StaffLabel.
	Staff notify.Directory
	// StaffLabel is what customers see for a staff user that Staff does
	// not name (or for every staff user without Staff). Default
	// [DefaultStaffLabel].
	StaffLabel string

	// Observer, when set, watches every use case, the store
	// transactions the Desk runs and the escalation sweeps, for tracing
	// and metrics (see [Observer]; otelticketkit implements it with
	// OpenTelemetry). Default: none, at no cost.
	Observer Observer
	// MergedStatus is the status a ticket merged into another one takes
	// (see [Desk.Merge]); it must be of category closed. Default: the
	// catalog's first status of category closed.
	MergedStatus string
	// CloseParentsWithOpenChildren lets a parent ticket (see
	// [Desk.Link], ticket.LinkParent) be resolved or closed while some
	// of its children are open. Default false: such a transition is
	// refused with ErrOpenChildren.
	CloseParentsWithOpenChildren bool
	// TenantConfigTTL bounds how stale a tenant's configuration may be
	// in this process: a Desk over a store with storage.ConfigStore
	// caches each tenant's configuration (see [TenantConfig]) and asks
	// the store for the tenant's latest version again once this long
	// (of Clock) has passed since it last asked. A change saved through
	// another process, or through another Desk, is seen here within
	// TenantConfigTTL of its commit; one saved through this Desk at
	// once. Default [DefaultTenantConfigTTL]; negative is invalid.
	TenantConfigTTL time.Duration
	// MaxBulkTickets is the most tickets one [Desk.Bulk] call changes;
	// a call with more is refused with a *ValidationError. Default
	// [DefaultMaxBulkTickets]; negative is invalid.
	MaxBulkTickets int
	// PresenceTTL is how long a presence lease (see [Desk.TakePresence])
	// lasts unless renewed. Default [DefaultPresenceTTL]; negative is
	// invalid.
	PresenceTTL time.Duration
	// StaleReplies says what becomes of a staff reply or note written
	// without sight of the customer's newest messages (see
	// MessageParams.SeenMessageID): refused, or posted with a warning.
	// Default [DefaultStaleReplies].
	StaleReplies StaleReplyPolicy
	// TenantConfigCacheSize bounds how many tenants' configurations the
	// Desk keeps in memory: past it, those of the tenants it served
	// least recently are dropped and read from the store again on their
	// next use. Default [DefaultTenantConfigCacheSize]; negative is
	TenantConfigCacheSize int
	// Automation holds the event and time rules of every tenant without
	// its own (TenantConfig.Automation); see [AutomationConfig]. Default:
	// none.
	Automation *AutomationConfig
	// AutomationActions are the host's actions that rules call by name
	// (ActionCall), made with [NewAutomationActions]. Default: none.
	AutomationActions *AutomationActions
	// SurveyKey is the host's secret key (at least [MinSurveyKeyLen]
	// bytes) that signs the single-use links of satisfaction surveys
	// (see [Desk.SurveyLink], [Desk.Rate]). Default: none, and then
	// surveys are off (ErrSurveysOff); customers may still rate through
	// [Desk.RateTicket].
	SurveyKey string
	// SurveyTTL is how long a survey link stays valid. Default
	// [DefaultSurveyTTL]; negative is invalid.
	SurveyTTL time.Duration
	// SurveyURL, with SurveyKey, makes a ticket that enters a resolved
	// or closed status (through Transition, Update or the escalation
	// sweep: an auto-close, a level, a time rule) send its customer
	// a notify.KindSurveyRequested notification whose link is SurveyURL
	// with "{token}" replaced by the signed token, query-escaped, such
	// as "https://shop.example/survey?t={token}". It must hold
	// "{token}". Default: none, and no such notification.
	SurveyURL string
	// Macros holds the canned responses of tenants without macros of
	// their own and how the Desk finds a customer's locale (see
	// [MacroConfig]). Default: none.
	Macros *MacroConfig

	// Assignment gives tickets to agents automatically: per department,
	// round robin or least open tickets with capacities, skills and
	// shifts (see [AssignmentConfig] and [Desk.AutoAssign]); a tenant's
	// TenantConfig.Assignment replaces it. Default: none; people assign.
	Assignment *AssignmentConfig
	// Agents supplies the agents of teams, their skills, capacities and
	// availability, for Assignment. Required by a pool that is not
	// manual. Default: none.
	Agents AgentDirectory
	// Retention says how long delivered outbox entries and inbound mail
	// records are kept (see [RetentionConfig] and [Desk.RunRetention]).
	// Default: kept forever.
	Retention RetentionConfig
	// ReadAudit, when set, is told of every read of a ticket, its
	// messages or its history by staff (see [ReadAuditor]). Default:
	// none.
	ReadAudit ReadAuditor
}

// Defaults of [Config], which [Config.WithDefaults] fills in.
const (
	// DefaultInlineTimeout is the default of Config.InlineTimeout.
	DefaultInlineTimeout = 5 * time.Second
	// DefaultMaxAttachments is the default of Config.MaxAttachments.
	DefaultMaxAttachments = 20
	// DefaultStaffLabel is the default of Config.StaffLabel.
	DefaultStaffLabel = "Support team"
	// DefaultMaxCC is the default of Config.MaxCC.
	DefaultMaxCC = 10
	// DefaultSurveyTTL is the default of Config.SurveyTTL.
	DefaultSurveyTTL = 14 * 24 * time.Hour
	// MinSurveyKeyLen is the shortest Config.SurveyKey, in bytes.
	MinSurveyKeyLen = 32
)

// WithDefaults returns a copy of c with every zero field set to its
// documented default: the catalog (Workflow's or SLA's when one is set,
// else ticket.DefaultCatalog()), the default workflow on that catalog
// (left nil when it does not fit the catalog, which [New] reports), the
// clock, numberer, phone normalizer, logger, limits, WakeStatus,
// StaffLabel, MergedStatus, and Complaints' own defaults when Complaints is set (see
// [ComplaintConfig.WithDefaults]; the copy points to a new
// ComplaintConfig). Store, Notifier, Blobs, SLA, Customers and Staff,
// and Complaints itself, have no default. [New] calls it; hosts call it to see the
// configuration a Desk runs with.
func (c Config) WithDefaults() Config {
	if c.Catalog == nil {
		switch {
		case c.Workflow != nil:
			c.Catalog = c.Workflow.Catalog()
		case c.SLA != nil:
			c.Catalog = c.SLA.Catalog()
		default:
			c.Catalog = ticket.DefaultCatalog()
		}
	}
	if c.Workflow == nil {
		if m, err := workflow.Default(c.Catalog); err == nil {
			c.Workflow = m
		}
	}
	c.InlineTimeout = cmp.Or(c.InlineTimeout, DefaultInlineTimeout)
	c.Clock = cmp.Or(c.Clock, clock.System())
	c.Numberer = cmp.Or[ticket.Numberer](c.Numberer, ticket.DefaultNumberer())
	c.Phone = cmp.Or(c.Phone, phone.Digits())
	c.MaxAttachments = cmp.Or(c.MaxAttachments, DefaultMaxAttachments)
	c.Logger = cmp.Or(c.Logger, slog.New(slog.DiscardHandler))
	c.StaffLabel = cmp.Or(strings.TrimSpace(c.StaffLabel), DefaultStaffLabel)
	c.TenantConfigTTL = cmp.Or(c.TenantConfigTTL, DefaultTenantConfigTTL)
	c.MaxBulkTickets = cmp.Or(c.MaxBulkTickets, DefaultMaxBulkTickets)
	c.PresenceTTL = cmp.Or(c.PresenceTTL, DefaultPresenceTTL)
	c.StaleReplies = cmp.Or(c.StaleReplies, DefaultStaleReplies)
	c.TenantConfigCacheSize = cmp.Or(c.TenantConfigCacheSize, DefaultTenantConfigCacheSize)
	c.MaxCC = cmp.Or(c.MaxCC, DefaultMaxCC)
	c.SurveyTTL = cmp.Or(c.SurveyTTL, DefaultSurveyTTL)
	c.Retention = c.Retention.WithDefaults()
	if c.Complaints != nil {
		complaints := c.Complaints.WithDefaults()
		c.Complaints = &complaints
	}
	if c.MergedStatus == "" {
		for _, s := range c.Catalog.Statuses() {
			if s.Category == ticket.CategoryClosed {
				c.MergedStatus = s.Code
				break
			}
		}
	}
	if c.WakeStatus == "" {
		for _, s := range c.Catalog.Statuses() {
			if s.Category == ticket.CategoryOpen {
				c.WakeStatus = s.Code
				break
			}
		}
	}
	return c
}

// validate reports every problem of a Config that WithDefaults filled,
// each naming its field.
func (c Config) validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("Config.Store is required"))
	}
	if c.Workflow == nil {
		_, err := workflow.Default(c.Catalog)
		errs = append(errs, fmt.Errorf("Config.Workflow is required: the default workflow does not fit Config.Catalog (workflow.Free(catalog) lets staff move freely between its statuses): %w", err))
	} else if !c.Workflow.Catalog().Equal(c.Catalog) {
		errs = append(errs, errors.New("Config.Workflow must be built on a catalog equal to Config.Catalog"))
	}
	if c.SLA != nil && !c.SLA.Catalog().Equal(c.Catalog) {
		errs = append(errs, errors.New("Config.SLA must be built on a catalog equal to Config.Catalog"))
	}
	if c.SLA == nil && c.AutoCloseAfter > 0 {
		errs = append(errs, errors.New("Config.AutoCloseAfter needs Config.SLA, which tracks when tickets are resolved"))
	}
	if c.Complaints != nil {
		if _, ok := c.Store.(storage.ComplaintStore); c.Store != nil && !ok {
			errs = append(errs, fmt.Errorf("Config.Complaints needs a Config.Store that implements storage.ComplaintStore: %w", ErrComplaintsUnsupported))
		}
		if c.Complaints.Workflow == nil {
			_, err := workflow.DefaultComplaint(nil, c.Complaints.Rules)
			errs = append(errs, fmt.Errorf("Config.Complaints.Workflow is required: the default complaint workflow does not build: %w", err))
		}
		errs = append(errs, c.Complaints.Deadlines.validate(c.SLA))
	}
	if st, ok := c.Catalog.Status(c.MergedStatus); c.MergedStatus != "" && (!ok || st.Category != ticket.CategoryClosed) {
		errs = append(errs, fmt.Errorf("Config.MergedStatus %q is not a status of category closed in the catalog", c.MergedStatus))
	}
	if _, ok := c.Catalog.Status(c.WakeStatus); c.WakeStatus != "" && !ok {
		errs = append(errs, fmt.Errorf("Config.WakeStatus %q is not in the catalog", c.WakeStatus))
	}
	for _, f := range []struct {
		name     string
		negative bool
	}{
		{"Config.InlineTimeout", c.InlineTimeout < 0},
		{"Config.MaxAttachmentSize", c.MaxAttachmentSize < 0},
		{"Config.MaxAttachments", c.MaxAttachments < 0},
		{"Config.AutoCloseAfter", c.AutoCloseAfter < 0},
		{"Config.ReopenWithin", c.ReopenWithin < 0},
		{"Config.TenantConfigTTL", c.TenantConfigTTL < 0},
		{"Config.MaxBulkTickets", c.MaxBulkTickets < 0},
		{"Config.PresenceTTL", c.PresenceTTL < 0},
		{"Config.TenantConfigCacheSize", c.TenantConfigCacheSize < 0},
		{"Config.MaxCC", c.MaxCC < 0},
		{"Config.SurveyTTL", c.SurveyTTL < 0},
	} {
		if f.negative {
			errs = append(errs, fmt.Errorf("%s must not be negative", f.name))
		}
	}
	errs = append(errs, c.validateAssignment())
	errs = append(errs, c.Retention.validate())
	if c.StaleReplies != StaleReplyRefuse && c.StaleReplies != StaleReplyWarn {
		errs = append(errs, fmt.Errorf("Config.StaleReplies %q is not %q or %q", c.StaleReplies, StaleReplyRefuse, StaleReplyWarn))
	}
	if c.SurveyURL != "" && !strings.Contains(c.SurveyURL, surveyTokenPlaceholder) {
		errs = append(errs, fmt.Errorf("Config.SurveyURL %q holds no %s", c.SurveyURL, surveyTokenPlaceholder))
	}
	if len(c.SurveyKey) > 0 && len(c.SurveyKey) < MinSurveyKeyLen {
		errs = append(errs, fmt.Errorf("Config.SurveyKey must hold at least %d bytes, not %d", MinSurveyKeyLen, len(c.SurveyKey)))
	}
	return errors.Join(errs...)
}

// Desk is the entry point of ticketkit: every use case (opening,
// searching, transitioning, assigning, replying, reading history) is a
// method of Desk. A Desk is safe for concurrent use.
type Desk struct {
	store      storage.Store
	catalog    *ticket.Catalog
	workflow   *workflow.Machine
	notifier   notify.Notifier
	inlineFor  time.Duration
	clock      clock.Clock
	numberer   ticket.Numberer
	blobs      blob.Store
	phone      phone.Normalizer
	maxSize    int64
	maxFiles   int
	log        *slog.Logger
	sla        *workflow.SLA
	autoClose  time.Duration
	wakeStatus string
	reopen     time.Duration
	complaints *complaints
	customers  CustomerDirectory
	orgs       OrganisationDirectory
	maxCC      int
	staff      notify.Directory
	staffLabel string
	obs        Observer
	// mergedStatus and closeOpenParents are Config.MergedStatus and
	// CloseParentsWithOpenChildren.
	mergedStatus     string
	closeOpenParents bool

	// tenants caches the tenants' configurations (nil when the store has
	// no storage.ConfigStore); base is the Desk a tenant's view was made
	// from (nil on that Desk), configVersion the version of the view's
	// configuration (0 on the Desk itself). See tenant_setup.go.
	tenants       *tenantCache
	base          *Desk
	configVersion int64

	// maxBulk is Config.MaxBulkTickets.
	maxBulk int
	// presenceTTL and staleReplies are Config.PresenceTTL and
	// StaleReplies.
	presenceTTL  time.Duration
	staleReplies StaleReplyPolicy
	// notifySetup is the notification part of the view's configuration
	// (see Desk.NotifySetup), tags its tag catalog (nil: tags are free);
	// nil on the Desk itself. Pointers keep Desk comparable.
	notifySetup *notify.TenantSetup
	tags        *tagCatalog
	// automation is the view's compiled automation rules (nil: none);
	// actions the host's actions (Config.AutomationActions).
	automation *automation
	actions    *AutomationActions // a copy
	// automationCfg is Config.Automation, which tenant views without
	// rules of their own compile on their catalog.
	automationCfg *AutomationConfig
	// surveys signs and checks survey links (csat.go); nil when
	// Config.SurveyKey is unset.
	surveys *surveySigner
	// macros are the view's macros (Config.Macros on the Desk itself),
	// macroLocale is Config.Macros.Locale; see macros.go.
	macros      *macroSet
	macroLocale *macroLocaleFunc
	// assignment is the checked Config.Assignment, or the tenant's
	// (nil: none); agents is Config.Agents.
	assignment *assignment
	agents     AgentDirectory

	// retention is Config.Retention; readAudit Config.ReadAudit.
	retention RetentionConfig
	readAudit ReadAuditor
}

// New fills cfg's defaults (see [Config.WithDefaults]), validates it,
// reporting every invalid field at once, and returns a Desk.
func New(cfg Config) (*Desk, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("ticketkit: invalid Config: %w", err)
	}
	d := &Desk{
		store:      cfg.Store,
		catalog:    cfg.Catalog,
		workflow:   cfg.Workflow,
		inlineFor:  cfg.InlineTimeout,
		clock:      cfg.Clock,
		numberer:   cfg.Numberer,
		blobs:      cfg.Blobs,
		phone:      cfg.Phone,
		maxSize:    cfg.MaxAttachmentSize,
		maxFiles:   cfg.MaxAttachments,
		log:        cfg.Logger,
		sla:        cfg.SLA,
		autoClose:  cfg.AutoCloseAfter,
		wakeStatus: cfg.WakeStatus,
		reopen:     cfg.ReopenWithin,
		customers:  cfg.Customers,
		orgs:       cfg.Organisations,
		maxCC:      cfg.MaxCC,
		staff:      cfg.Staff,
		staffLabel: cfg.StaffLabel,
		obs:        cfg.Observer,

		mergedStatus:     cfg.MergedStatus,
		closeOpenParents: cfg.CloseParentsWithOpenChildren,
		maxBulk:          cfg.MaxBulkTickets,
		presenceTTL:      cfg.PresenceTTL,
		staleReplies:     cfg.StaleReplies,
		surveys:          newSurveySigner(cfg.SurveyKey, cfg.SurveyTTL, cfg.SurveyURL),
		agents:           cfg.Agents,
		retention:        cfg.Retention,
		readAudit:        cfg.ReadAudit,
	}
	d.assignment = checkAssignment(&ticket.ValidationError{}, "Config.Assignment", cfg.Assignment, cfg.Catalog, cfg.Agents)
	// Inline delivery goes through notify.Recover, so that a Notifier's
	// panic does not reach the caller; over a store inside a transaction
	// the Desk does not own there is none: nothing may be announced
	// before the host commits.
	if cfg.Notifier != nil && !storage.InHostTx(cfg.Store) {
		d.notifier = notify.Recover(cfg.Notifier)
	}
	d.initComplaints(cfg.Complaints)
	d.actions = cfg.AutomationActions.clone()
	if cfg.Automation != nil {
		d.automationCfg = cfg.Automation.clone()
		v := &ticket.ValidationError{}
		d.automation = compileAutomation(v, cfg.Automation, d.catalog, d.sla, d.actions.all(), nil)
		if err := failed(v); err != nil {
			return nil, fmt.Errorf("ticketkit: invalid Config.Automation: %w", err)
		}
	}
	if err := d.initMacros(cfg); err != nil {
		return nil, err
	}
	if _, ok := cfg.Store.(storage.ConfigStore); ok {
		d.tenants = newTenantCache(cfg.TenantConfigTTL, cfg.TenantConfigCacheSize)
	}
	return d, nil
}

// Catalog returns the desk's catalog: Config.Catalog, which tenants
// without a configuration of their own use; see [Desk.TenantCatalog]
// for a tenant's.
func (d *Desk) Catalog() *ticket.Catalog { return d.catalog }

// Workflow returns the desk's workflow: Config.Workflow, which tenants
// without a configuration of their own use.
func (d *Desk) Workflow() *workflow.Machine { return d.workflow }

// now returns the clock's time at the precision stores keep.
func (d *Desk) now() time.Time { return d.clock.Now().UTC().Truncate(time.Microsecond) }

func newID() string { return ids.New() }
