package ticketkit

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// DefaultTenantConfigTTL is the default of Config.TenantConfigTTL.
const DefaultTenantConfigTTL = 2 * time.Second

// DefaultTenantConfigCacheSize is the default of
// Config.TenantConfigCacheSize.
const DefaultTenantConfigCacheSize = 16384

// A tenant's setup is a view of the Desk: a shallow copy whose catalog,
// workflow, SLA and wake status are the tenant's, built once per
// configuration version and cached. A use case resolves the view of its
// actor's (or ticket's) tenant first and runs on it, so that every rule
// below it reads the tenant's configuration through the same fields
// (d.catalog, d.workflow, d.sla) a Desk without tenant configurations
// reads the host's. A tenant without a configuration of its own gets the
// Desk itself.

// tenantCache holds the setups of the tenants this process has served.
// Each entry is trusted for ttl of the Desk's clock after the store was
// last asked for the tenant's latest version; then the next use case of
// the tenant asks again (one indexed read of the latest version, and the
// configuration's data only when that version is new). A change
// committed by another process is therefore seen here at most ttl after
// its commit; one made through this Desk is seen at once.
//
// The cache holds at most size tenants: when a new one would make more,
// the least recently used eighth is dropped at once (one sort per
// size/8 new tenants), so that a process serving more tenants than size
// rereads the configurations of the quiet ones instead of keeping them
// all. Reads stay under the read lock: an entry's last use is an atomic
// tick.
type tenantCache struct {
	ttl  time.Duration
	size int
	tick atomic.Int64
	mu   sync.RWMutex
	m    map[string]*tenantEntry
}

// tenantEntry is the cached setup of one tenant.
type tenantEntry struct {
	desk    *Desk // the view; the root Desk for a tenant without a configuration
	version int64 // 0: none
	checked time.Time
	used    atomic.Int64 // the cache's tick at its last use
}

// newTenantCache returns an empty cache.
func newTenantCache(ttl time.Duration, size int) *tenantCache {
	return &tenantCache{ttl: ttl, size: size, m: make(map[string]*tenantEntry)}
}

// get returns a tenant's entry and marks it used.
func (c *tenantCache) get(tenantID string) (*tenantEntry, bool) {
	c.mu.RLock()
	e, ok := c.m[tenantID]
	c.mu.RUnlock()
	if ok {
		e.used.Store(c.tick.Add(1))
	}
	return e, ok
}

// root returns the Desk views are made from.
func (d *Desk) root() *Desk {
	if d.base != nil {
		return d.base
	}
	return d
}

// forTenant returns the Desk view of a tenant's configuration: from the
// cache while it is fresh, else read through q (the transaction of the
// use case, or the store when nil). A store without storage.ConfigStore
// has no tenant configurations: every tenant uses the Desk's.
func (d *Desk) forTenant(ctx context.Context, q storage.Tx, tenantID string) (*Desk, error) {
	root := d.root()
	c := root.tenants
	if c == nil || tenantID == "" {
		return root, nil
	}
	now := root.clock.Now()
	e, ok := c.get(tenantID)
	if ok && !now.Before(e.checked) && now.Before(e.checked.Add(c.ttl)) {
		return e.desk, nil
	}
	if q == nil {
		q = root.store
	}
	cs, isCS := q.(storage.ConfigStore)
	if !isCS {
		return root, nil
	}
	latest, err := cs.TenantConfigList(ctx, storage.TenantConfigListParams{TenantID: tenantID, Limit: 1})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: read the configuration version of tenant %q: %w", tenantID, err)
	}
	next := &tenantEntry{desk: root, checked: now}
	switch {
	case len(latest) == 0:
	case ok && e.version == latest[0].Version:
		next.desk, next.version = e.desk, e.version
	default:
		rec, err := cs.TenantConfigGet(ctx, storage.TenantConfigGetParams{TenantID: tenantID, Version: latest[0].Version})
		if err != nil {
			return nil, fmt.Errorf("ticketkit: read the configuration of tenant %q: %w", tenantID, err)
		}
		view, err := root.viewOf(rec)
		if err != nil {
			return nil, err
		}
		next.desk, next.version = view, rec.Version
	}
	c.put(tenantID, next)
	return next.desk, nil
}

// put stores a tenant's entry unless a newer version is cached already,
// making room first when the cache is full.
func (c *tenantCache) put(tenantID string, e *tenantEntry) {
	e.used.Store(c.tick.Add(1))
	c.mu.Lock()
	defer c.mu.Unlock()
	old, ok := c.m[tenantID]
	if ok && old.version > e.version {
		return
	}
	if !ok && len(c.m) >= c.size {
		c.evictLocked()
	}
	c.m[tenantID] = e
}

// evictLocked drops the least recently used eighth of the entries (at
// least one), under the write lock.
func (c *tenantCache) evictLocked() {
	type use struct {
		tenant string
		used   int64
	}
	all := make([]use, 0, len(c.m))
	for id, e := range c.m {
		all = append(all, use{id, e.used.Load()})
	}
	slices.SortFunc(all, func(a, b use) int { return cmp.Compare(a.used, b.used) })
	n := max(1, c.size/8, len(c.m)-c.size+1)
	for _, u := range all[:min(n, len(all))] {
		delete(c.m, u.tenant)
	}
}

// drop forgets a tenant's entry, so that its next use case reads the
// store.
func (c *tenantCache) drop(tenantID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, tenantID)
}

// cached returns the cached view of a tenant without reading the store:
// the root Desk when none is cached. Views a use case resolved with
// forTenant are cached, so that code given only a ticket (d.view) finds
// its tenant's.
func (d *Desk) cached(tenantID string) *Desk {
	root := d.root()
	if root.tenants == nil {
		return root
	}
	e, ok := root.tenants.get(tenantID)
	if !ok {
		return root
	}
	return e.desk
}

// viewOf decodes a stored configuration and builds its view. A stored
// configuration was valid when it was saved; one that no longer builds
// (the Desk's code changed) is an error naming the tenant and version.
func (d *Desk) viewOf(rec *storage.TenantConfig) (*Desk, error) {
	var cfg TenantConfig
	if err := json.Unmarshal(rec.Data, &cfg); err != nil {
		return nil, fmt.Errorf("ticketkit: decode configuration %d of tenant %q: %w", rec.Version, rec.TenantID, err)
	}
	view, err := d.root().build(cfg, rec.Version)
	if err != nil {
		return nil, fmt.Errorf("ticketkit: configuration %d of tenant %q: %w", rec.Version, rec.TenantID, err)
	}
	return view, nil
}

// build validates cfg and returns the view of the root Desk that runs it
// as configuration version. Every problem is one field of a
// *ValidationError: catalog problems under "catalog" (labels without a
// default text under their path, such as "catalog.statuses[2].label.text"),
// workflow problems under "workflow", SLA problems under "sla", and the
// problems of the other parts under their paths (see buildExtras).
func (d *Desk) build(cfg TenantConfig, version int64) (*Desk, error) {
	v := &ticket.ValidationError{}
	checkLabels(v, cfg.Catalog)
	cat, err := ticket.NewCatalog(cfg.Catalog)
	addCatalogProblems(v, "catalog", err)
	if cat == nil {
		return nil, failed(v)
	}
	root := d.root()
	var wf *workflow.Machine
	if cfg.Workflow != nil {
		wf, err = workflow.New(workflow.Config{Definition: *cfg.Workflow, Catalog: cat, Guards: root.hostGuards()})
	} else if wf, err = workflow.Default(cat); err != nil {
		wf, err = workflow.New(workflow.Config{Definition: workflow.FreeDefinition(cat), Catalog: cat})
	}
	addDefinitionProblems(v, "workflow", err)
	var sla *workflow.SLA
	if cfg.SLA != nil {
		sla, err = workflow.NewSLA(*cfg.SLA, cat)
		addDefinitionProblems(v, "sla", err)
	}
	view := *root
	buildExtras(v, cfg, &view)
	buildComplaints(v, cfg.Complaints, &view)
	if cfg.Automation != nil {
		view.automation = compileAutomation(v, cfg.Automation, cat, sla, root.actions.all(), view.tags)
	} else if root.automationCfg != nil {
		// The Desk's rules, on the tenant's catalog and SLA; rules that do
		// not fit them run for no tenant of such a configuration.
		view.automation = compileAutomation(&ticket.ValidationError{}, root.automationCfg, cat, sla, root.actions.all(), view.tags)
	}
	buildMacros(v, cfg.Macros, cat, &view)
	if cfg.Assignment != nil {
		view.assignment = checkAssignment(v, "assignment", cfg.Assignment, cat, root.agents)
	}
	if err := failed(v); err != nil {
		return nil, err
	}
	view.base = root
	view.catalog, view.workflow, view.sla = cat, wf, sla
	view.configVersion = version
	view.wakeStatus = ""
	if _, ok := cat.Status(root.wakeStatus); ok && root.wakeStatus != "" {
		view.wakeStatus = root.wakeStatus
	} else {
		for _, s := range cat.Statuses() {
			if s.Category == ticket.CategoryOpen && !s.Terminal {
				view.wakeStatus = s.Code
				break
			}
		}
	}
	// A merged ticket takes Config.MergedStatus when the tenant's
	// catalog has it, else the catalog's first status of category closed.
	if _, ok := cat.Status(root.mergedStatus); !ok {
		view.mergedStatus = ""
		for _, s := range cat.Statuses() {
			if s.Category == ticket.CategoryClosed {
				view.mergedStatus = s.Code
				break
			}
		}
	}
	return &view, nil
}

// addCatalogProblems adds the problems of a ticket.NewCatalog error under
// field.
func addCatalogProblems(v *ticket.ValidationError, field string, err error) {
	if ce, ok := errors.AsType[*ticket.CatalogError](err); ok {
		for _, p := range ce.Problems {
			v.Add(field, "invalid", p)
		}
	} else if err != nil {
		v.Add(field, "invalid", err.Error())
	}
}

// addDefinitionProblems adds the problems of a workflow or SLA error
// under field.
func addDefinitionProblems(v *ticket.ValidationError, field string, err error) {
	if err == nil {
		return
	}
	if de, ok := errors.AsType[*workflow.DefinitionError](err); ok {
		for _, p := range de.Problems {
			v.Add(field, "invalid", p)
		}
		return
	}
	v.Add(field, "invalid", err.Error())
}

// checkLabels reports every label of spec without a default text: the
// text shown when no translation fits the reader's locale.
func checkLabels(v *ticket.ValidationError, spec ticket.CatalogSpec) {
	checkLabelsAt(v, "catalog", spec)
}

// checkLabelsAt is checkLabels for a catalog at path, such as
// "complaints.catalog".
func checkLabelsAt(v *ticket.ValidationError, path string, spec ticket.CatalogSpec) {
	check := func(list string, i int, l ticket.Label) {
		if l.Text == "" {
			v.Add(fmt.Sprintf("%s.%s[%d].label.text", path, list, i), "required", "a label needs a default text, whatever its translations")
		}
	}
	for i, x := range spec.Statuses {
		check("statuses", i, x.Label)
	}
	for i, x := range spec.Priorities {
		check("priorities", i, x.Label)
	}
	for i, x := range spec.Categories {
		check("categories", i, x.Label)
	}
	for i, x := range spec.Departments {
		check("departments", i, x.Label)
	}
	for i, x := range spec.Reasons {
		check("reasons", i, x.Label)
	}
	for i, x := range spec.Fields {
		check("fields", i, x.Label)
	}
}

// TenantCatalog returns the catalog a tenant's tickets use: its own
// configuration's (see [TenantConfig]) or, for a tenant without one, the
// Desk's ([Desk.Catalog]). It reads the tenant's configuration as use
// cases do, from the Desk's cache while it is fresh (see
// Config.TenantConfigTTL), so hosts and httpapi can show labels of the
// tenant's codes, pass it to a notify.Resolver or check codes.
func (d *Desk) TenantCatalog(ctx context.Context, tenantID string) (_ *ticket.Catalog, err error) {
	ctx, end := d.begin(ctx, "TenantCatalog", ticket.Actor{TenantID: tenantID})
	defer func() { end(err) }()
	view, err := d.forTenant(ctx, nil, tenantID)
	if err != nil {
		return nil, err
	}
	return view.catalog, nil
}

// CachedTenantCatalog returns the catalog of a tenant's configuration as
// this Desk last read it, without reading the store: the Desk's own
// ([Desk.Catalog]) when it has read none. Every use case reads its
// tenant's configuration before it returns tickets, so the answers of a
// use case can be labelled with it (httpapi does) at no cost and
// without a transaction.
func (d *Desk) CachedTenantCatalog(tenantID string) *ticket.Catalog {
	return d.cached(tenantID).catalog
}

// ForgetTenantConfig drops this Desk's cached configuration of a tenant,
// so that its next use case reads the tenant's latest version from the
// store. Call it when another process announces a change, such as from
// bunopen.ConfigListener (PostgreSQL LISTEN/NOTIFY): the change is then
// used at once rather than within Config.TenantConfigTTL. It reads
// nothing and never fails for a tenant it does not know.
func (d *Desk) ForgetTenantConfig(ctx context.Context, tenantID string) (err error) {
	_, end := d.begin(ctx, "ForgetTenantConfig", ticket.Actor{TenantID: tenantID})
	defer func() { end(err) }()
	if c := d.root().tenants; c != nil {
		c.drop(tenantID)
	}
	return nil
}
