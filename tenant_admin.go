package ticketkit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// ErrConfigUnsupported is returned by the tenant configuration methods
// over a store without storage.ConfigStore.
var ErrConfigUnsupported = fmt.Errorf("ticketkit: the store keeps no tenant configurations: %w", storage.ErrUnsupported)

// ConfigureTenantParams is a new configuration for the actor's tenant.
type ConfigureTenantParams struct {
	// Config is the new configuration, checked as a whole before
	// anything is saved.
	Config TenantConfig `json:"config"`
	// Version, when not 0, is the version the change is based on (an
	// HTTP If-Match): the change fails with ErrConflict unless it is
	// still the tenant's latest.
	Version int64 `json:"version,omitempty"`
	// CheckVersion makes Version a condition even when it is 0: the
	// change is based on the Desk's own configuration and fails with
	// ErrConflict once the tenant has saved one (an HTTP If-Match of
	// "config.0"). The check is part of the save: of two changes based
	// on one version, one commits and the other fails.
	CheckVersion bool `json:"check_version,omitempty"`
	// Mapping moves the tickets of codes the new catalog no longer
	// has. A change that removes a status, priority, category or
	// department some of the tenant's tickets still use is refused
	// unless Mapping names the code to move them to.
	Mapping TenantConfigMapping `json:"mapping,omitzero"`
}

// TenantConfigMapping maps codes a new catalog removes (old code → new
// code) for each kind of code a ticket carries.
type TenantConfigMapping struct {
	Statuses    map[string]string `json:"statuses,omitempty"`
	Priorities  map[string]string `json:"priorities,omitempty"`
	Categories  map[string]string `json:"categories,omitempty"`
	Departments map[string]string `json:"departments,omitempty"`
	// ComplaintStatuses maps the complaint statuses a new complaint
	// catalog (TenantConfig.Complaints) removes, for the tenant's
	// complaint documents.
	ComplaintStatuses map[string]string `json:"complaint_statuses,omitempty"`
}

// TenantConfigVersion is one version of a tenant's configuration.
// Version 0 holds the Desk's complaint catalog and workflow too, when
// complaints are on.
type TenantConfigVersion struct {
	TenantID string `json:"tenant_id"`
	// Version counts the tenant's saved configurations from 1; 0 is the
	// Desk's own configuration, which a tenant uses until it saves one.
	Version int64 `json:"version"`
	// Config is the configuration; [Desk.TenantConfigVersions] leaves it
	// zero. For version 0 it holds the Desk's catalog and workflow, and
	// no SLA: the host's SLA is not data the Desk can give back.
	Config    TenantConfig `json:"config,omitzero"`
	CreatedBy string       `json:"created_by,omitempty"`
	CreatedAt time.Time    `json:"created_at,omitzero"`
	// Moved counts the tickets the change moved to other codes (see
	// [TenantConfigMapping]); only [Desk.ConfigureTenant] sets it.
	Moved int `json:"moved,omitempty"`
}

// ConfigureTenant saves a new configuration for the actor's tenant, which
// only an admin of the tenant ([ticket.RoleAdmin]) or the system may do.
// The configuration is validated as a whole first: a bad one is a
// *ValidationError naming every problem (see [TenantConfig]) and nothing
// is saved. A change that would strand tickets (a removed status,
// priority, category or department that tickets of the tenant still
// use) is refused with a *ValidationError naming each code under
// "mapping.<kind>.<code>", unless p.Mapping moves them: then, in the same
// transaction as the new version, every such plain ticket of the tenant
// is moved to the mapped code through the store's ticket update (in
// batches of 500, storage.TicketBatchUpdater when the store has it), its
// Version and ConfigVersion advanced and a history line written per
// change, by the actor; no notification is sent for a move. Complaint
// documents follow the complaint catalog (TenantConfig.Complaints): a
// change that removes a complaint status some of the tenant's complaints
// are in is refused the same way, under "mapping.complaint_statuses.<code>",
// unless p.Mapping.ComplaintStatuses moves them. When the new
// catalog orders the statuses, priorities or categories differently,
// the stored sort keys (ticket.SortKeys) of the tenant's tickets whose
// positions moved are rewritten in the same transaction, 500 tickets per
// store call, as [Desk.RerankTickets] would (Version, UpdatedAt and
// history unchanged): sorting and filtering by those fields follow the
// new order from the commit on, with no RerankTickets to call.
//
// The new version is used by this Desk at once and by every other Desk
// on the store within their Config.TenantConfigTTL. Use cases that
// started before the commit finish under the version they started with.
func (d *Desk) ConfigureTenant(ctx context.Context, actor ticket.Actor, p ConfigureTenantParams) (_ *TenantConfigVersion, err error) {
	ctx, end := d.begin(ctx, "ConfigureTenant", actor)
	defer func() { end(err) }()
	return d.configureTenant(ctx, nil, actor, p)
}

// ConfigureTenantTx is [Desk.ConfigureTenant] in the host's transaction
// tx; see [Desk.OpenTx]. This Desk reads the tenant's configuration from
// the store again on its next use case, so that it sees the new version
// once the host commits, and the previous one after a rollback.
func (d *Desk) ConfigureTenantTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ConfigureTenantParams) (_ *TenantConfigVersion, err error) {
	ctx, end := d.begin(ctx, "ConfigureTenantTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.configureTenant(ctx, tx, actor, p)
}

// mappingBatch is how many tickets a configuration change moves per
// store call.
const mappingBatch = 500

// configureTenant is ConfigureTenant in the host's transaction host, or
// in the Desk's own when host is nil.
func (d *Desk) configureTenant(ctx context.Context, host storage.Tx, actor ticket.Actor, p ConfigureTenantParams) (*TenantConfigVersion, error) {
	root := d.root()
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if actor.Role != ticket.RoleAdmin && actor.Role != ticket.RoleSystem {
		return nil, fmt.Errorf("ticketkit: %s may not configure the tenant: %w", actor.Role, ErrForbidden)
	}
	if root.tenants == nil {
		return nil, ErrConfigUnsupported
	}
	view, err := root.build(p.Config, 0)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(p.Config)
	if err != nil {
		return nil, fmt.Errorf("ticketkit: encode the configuration: %w", err)
	}
	now := root.now()
	out := &TenantConfigVersion{TenantID: actor.TenantID, Config: p.Config, CreatedBy: actor.ID, CreatedAt: now}
	err = root.inTx(ctx, host, func(ctx context.Context, tx storage.Tx, _ time.Time) error {
		cs, ok := tx.(storage.ConfigStore)
		if !ok {
			return ErrConfigUnsupported
		}
		old, oldComplaints := root.catalog, root.ComplaintCatalog()
		current, err := cs.TenantConfigGet(ctx, storage.TenantConfigGetParams{TenantID: actor.TenantID})
		switch {
		case errors.Is(err, storage.ErrNotFound):
			current = &storage.TenantConfig{}
		case err != nil:
			return fmt.Errorf("ticketkit: read the tenant's configuration: %w", err)
		default:
			// Only the catalog of the current version matters here: a
			// version whose workflow or SLA no longer builds can still be
			// replaced.
			var was TenantConfig
			if err := json.Unmarshal(current.Data, &was); err != nil {
				return fmt.Errorf("ticketkit: decode configuration %d: %w", current.Version, err)
			}
			if old, err = ticket.NewCatalog(was.Catalog); err != nil {
				return fmt.Errorf("ticketkit: the catalog of configuration %d: %w", current.Version, err)
			}
			if was.Complaints != nil {
				if oldComplaints, err = ticket.NewCatalog(was.Complaints.Catalog); err != nil {
					return fmt.Errorf("ticketkit: the complaint catalog of configuration %d: %w", current.Version, err)
				}
			}
		}
		if (p.Version != 0 || p.CheckVersion) && p.Version != current.Version {
			return fmt.Errorf("ticketkit: the tenant's configuration is at version %d, not %d: %w", current.Version, p.Version, ErrConflict)
		}
		moves, err := planMoves(ctx, tx, actor.TenantID, catalogPair{old, view.catalog}, catalogPair{oldComplaints, view.ComplaintCatalog()}, p.Mapping)
		if err != nil {
			return err
		}
		// The store creates version current+1 only while current is
		// the latest: a concurrent save of the same version is
		// ErrConflict, whatever the transaction isolation.
		rec := &storage.TenantConfig{TenantID: actor.TenantID, Version: current.Version + 1, Data: data, CreatedBy: actor.ID, CreatedAt: now}
		if err := cs.TenantConfigCreate(ctx, rec); err != nil {
			return fmt.Errorf("ticketkit: save the tenant's configuration: %w", err)
		}
		out.Version = rec.Version
		view.configVersion = rec.Version
		if out.Moved, err = view.moveTickets(ctx, tx, actor, moves, now); err != nil {
			return err
		}
		// The stored catalog positions follow the new order in the same
		// transaction: sorts and the rank filters of Search read them.
		was := slices.Clone(view.searchCatalogs())
		was[0] = old
		if o := view.orders(); !o.equal(ordersOf(was)) {
			_, err = rerankInTx(ctx, tx, o, actor.TenantID)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if host == nil {
		root.tenants.put(actor.TenantID, &tenantEntry{desk: view, version: out.Version, checked: root.clock.Now()})
	} else {
		root.tenants.drop(actor.TenantID)
	}
	return out, nil
}

// codeMove is one removed code whose tickets move: the tickets of the
// tenant filter selects get field set to to.
type codeMove struct {
	field     string // ticket.FieldStatus, ...
	from, to  string
	filter    storage.TicketFilter
	complaint bool // moves complaint documents rather than plain tickets
}

// catalogPair is a catalog before and after a configuration change.
type catalogPair struct{ old, cat *ticket.Catalog }

// codeKind describes one kind of code a ticket carries, for planMoves.
type codeKind struct {
	name, field string // "statuses", ticket.FieldStatus
	codes       func(*ticket.Catalog) []string
	mapping     map[string]string
	filter      func(code string) storage.TicketFilter
	complaint   bool // the kind's codes are the complaint catalog's
}

// planMoves compares the old catalog with the new one and returns the
// tickets to move: for each removed code tickets of the tenant still
// use, its mapping, or a problem. A mapping that names a code the old
// catalog does not have or the new one keeps, or a target the new
// catalog does not have, is a problem too.
func planMoves(ctx context.Context, tx storage.Tx, tenantID string, plain, complaints catalogPair, m TenantConfigMapping) ([]codeMove, error) {
	statusCodes := func(c *ticket.Catalog) []string {
		if c == nil {
			return nil
		}
		return codesOf(c.Statuses(), func(s ticket.Status) string { return s.Code })
	}
	kinds := []codeKind{
		{"statuses", ticket.FieldStatus, statusCodes, m.Statuses,
			func(code string) storage.TicketFilter { return storage.TicketFilter{Statuses: []string{code}} }, false},
		{"priorities", ticket.FieldPriority, func(c *ticket.Catalog) []string {
			return codesOf(c.Priorities(), func(s ticket.Priority) string { return s.Code })
		}, m.Priorities,
			func(code string) storage.TicketFilter { return storage.TicketFilter{Priorities: []string{code}} }, false},
		{"categories", ticket.FieldCategory, func(c *ticket.Catalog) []string {
			return codesOf(c.Categories(), func(s ticket.Category) string { return s.Code })
		}, m.Categories,
			func(code string) storage.TicketFilter { return storage.TicketFilter{Categories: []string{code}} }, false},
		{"departments", ticket.FieldDepartment, func(c *ticket.Catalog) []string {
			return codesOf(c.Departments(), func(s ticket.Department) string { return s.Code })
		}, m.Departments,
			func(code string) storage.TicketFilter { return storage.TicketFilter{Departments: []string{code}} }, false},
		{"complaint_statuses", ticket.FieldStatus, statusCodes, m.ComplaintStatuses,
			func(code string) storage.TicketFilter { return storage.TicketFilter{Statuses: []string{code}} }, true},
	}
	v := &ticket.ValidationError{}
	var moves []codeMove
	for _, k := range kinds {
		pair := plain
		if k.complaint {
			pair = complaints
		}
		was, now := k.codes(pair.old), k.codes(pair.cat)
		if k.complaint && pair.cat == nil {
			now = was // complaints are off: nothing to move
		}
		for _, from := range slices.Sorted(maps.Keys(k.mapping)) {
			to, field := k.mapping[from], fmt.Sprintf("mapping.%s.%s", k.name, from)
			switch {
			case !slices.Contains(was, from):
				v.Add(field, "unknown_code", fmt.Sprintf("%q is not in the current catalog's %s", from, k.name))
			case slices.Contains(now, from):
				v.Add(field, "kept", fmt.Sprintf("%q stays in the new catalog's %s: only removed codes are mapped", from, k.name))
			case !slices.Contains(now, to):
				v.Add(field, "unknown_code", fmt.Sprintf("%q is not in the new catalog's %s", to, k.name))
			}
		}
		for _, from := range was {
			if slices.Contains(now, from) {
				continue
			}
			n, err := countDocs(ctx, tx, tenantID, k.filter(from), k.complaint)
			if err != nil {
				return nil, err
			}
			if n == 0 {
				continue
			}
			to, mapped := k.mapping[from]
			if !mapped {
				v.Add(fmt.Sprintf("mapping.%s.%s", k.name, from), "required",
					fmt.Sprintf("%d tickets use %q, which the new catalog removes: map it to a code of the new catalog", n, from))
				continue
			}
			moves = append(moves, codeMove{field: k.field, from: from, to: to, filter: k.filter(from), complaint: k.complaint})
		}
	}
	if err := failed(v); err != nil {
		return nil, err
	}
	return moves, nil
}

// codesOf returns the codes of a catalog list.
func codesOf[T any](list []T, code func(T) string) []string {
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = code(x)
	}
	return out
}

// countDocs counts the plain tickets (complaint documents when
// complaint) of a tenant that a filter selects.
func countDocs(ctx context.Context, tx storage.Tx, tenantID string, f storage.TicketFilter, complaint bool) (int, error) {
	n := 0
	err := eachDoc(ctx, tx, tenantID, f, complaint, func(page []*ticket.Ticket) (bool, error) {
		n += len(page)
		return true, nil
	})
	return n, err
}

// eachDoc hands fn the plain tickets (the complaint documents when
// complaint) of a tenant that a filter selects, page by page of at most
// mappingBatch, while fn asks for more.
func eachDoc(ctx context.Context, tx storage.Tx, tenantID string, f storage.TicketFilter, complaint bool, fn func(page []*ticket.Ticket) (bool, error)) error {
	f.TenantID = tenantID
	after := ""
	for {
		res, err := tx.TicketList(ctx, storage.TicketListParams{TicketFilter: f, Limit: mappingBatch, After: after})
		if err != nil {
			return fmt.Errorf("ticketkit: list the tenant's tickets: %w", err)
		}
		var page []*ticket.Ticket
		for _, t := range res.Tickets {
			if (t.Kind == ticket.KindComplaint) == complaint {
				page = append(page, t)
			}
		}
		more, err := fn(page)
		if err != nil || !more || res.Next == "" {
			return err
		}
		after = res.Next
	}
}

// moveTickets moves the tickets of each removed code to its mapping,
// on the view of the new configuration, and returns how many tickets it
// changed.
func (d *Desk) moveTickets(ctx context.Context, tx storage.Tx, actor ticket.Actor, moves []codeMove, now time.Time) (int, error) {
	moved := 0
	for _, mv := range moves {
		err := eachDoc(ctx, tx, actor.TenantID, mv.filter, mv.complaint, func(page []*ticket.Ticket) (bool, error) {
			b := &batch{actor: actor, at: now}
			for _, t := range page {
				before := t.Clone()
				switch mv.field {
				case ticket.FieldStatus:
					t.Status = mv.to
				case ticket.FieldPriority:
					t.Priority = mv.to
				case ticket.FieldCategory:
					t.Category = mv.to
				case ticket.FieldDepartment:
					t.Department = mv.to
				}
				t.UpdatedAt, t.ConfigVersion = now, d.configVersion
				d.observeSLA(before, t, workflow.Observation{}, now)
				lines := append(ticket.Diff(before, t), ticket.Event{Field: ticket.FieldConfig, New: fmt.Sprintf("configuration version %d", d.configVersion)})
				b.history(t, lines)
			}
			d.stampSortKeys(page...)
			if err := updateAll(ctx, tx, page); err != nil {
				return false, err
			}
			if _, err := b.write(ctx, tx, time.Time{}); err != nil {
				return false, err
			}
			moved += len(page)
			return true, nil
		})
		if err != nil {
			return moved, err
		}
	}
	return moved, nil
}

// updateAll stores changed tickets with one batch update when the store
// has one, else one by one.
func updateAll(ctx context.Context, tx storage.Tx, tickets []*ticket.Ticket) error {
	if len(tickets) == 0 {
		return nil
	}
	if u, ok := tx.(storage.TicketBatchUpdater); ok {
		if err := u.TicketUpdateBatch(ctx, tickets); err != nil {
			return fmt.Errorf("ticketkit: move tickets: %w", err)
		}
		return nil
	}
	for _, t := range tickets {
		if err := tx.TicketUpdate(ctx, t); err != nil {
			return fmt.Errorf("ticketkit: move ticket %s: %w", t.Number, err)
		}
	}
	return nil
}

// TenantConfig returns a version of the actor's tenant's configuration:
// version, or the latest when it is 0. A tenant that never saved one
// gets version 0, the Desk's own configuration (see
// [TenantConfigVersion]). Staff and admins may read it; customers may
// not. An unknown version is ErrNotFound.
func (d *Desk) TenantConfig(ctx context.Context, actor ticket.Actor, version int64) (_ *TenantConfigVersion, err error) {
	ctx, end := d.begin(ctx, "TenantConfig", actor)
	defer func() { end(err) }()
	root := d.root()
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if err := requireStaff(actor, "read the tenant's configuration"); err != nil {
		return nil, err
	}
	rec := &storage.TenantConfig{}
	if cs, ok := root.store.(storage.ConfigStore); ok {
		got, err := cs.TenantConfigGet(ctx, storage.TenantConfigGetParams{TenantID: actor.TenantID, Version: version})
		switch {
		case err == nil:
			rec = got
		case !errors.Is(err, storage.ErrNotFound) || version != 0:
			return nil, fmt.Errorf("ticketkit: read the tenant's configuration: %w", err)
		}
	} else if version != 0 {
		return nil, ErrConfigUnsupported
	}
	out := &TenantConfigVersion{TenantID: actor.TenantID, Version: rec.Version, CreatedBy: rec.CreatedBy, CreatedAt: rec.CreatedAt}
	if rec.Version == 0 {
		def := root.workflow.Definition()
		out.Config = TenantConfig{Catalog: root.catalog.Spec(), Workflow: &def, Complaints: root.complaintConfig()}
		return out, nil
	}
	if err := json.Unmarshal(rec.Data, &out.Config); err != nil {
		return nil, fmt.Errorf("ticketkit: decode configuration %d: %w", rec.Version, err)
	}
	return out, nil
}

// TenantConfigVersionsParams selects a page of a tenant's configuration
// versions, newest first.
type TenantConfigVersionsParams struct {
	// Before lists only versions older than this one; 0 means from the
	// latest.
	Before int64 `json:"before,omitempty"`
	// Limit bounds the page (storage.DefaultTenantConfigListLimit when
	// 0, at most storage.MaxTenantConfigListLimit).
	Limit int `json:"limit,omitempty"`
}

// TenantConfigVersions lists the saved versions of the actor's tenant's
// configuration, newest first, without their configurations: who saved
// each and when. Staff and admins may list them; customers may not.
func (d *Desk) TenantConfigVersions(ctx context.Context, actor ticket.Actor, p TenantConfigVersionsParams) (_ []*TenantConfigVersion, err error) {
	ctx, end := d.begin(ctx, "TenantConfigVersions", actor)
	defer func() { end(err) }()
	root := d.root()
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if err := requireStaff(actor, "read the tenant's configuration"); err != nil {
		return nil, err
	}
	cs, ok := root.store.(storage.ConfigStore)
	if !ok {
		return nil, ErrConfigUnsupported
	}
	list, err := cs.TenantConfigList(ctx, storage.TenantConfigListParams{TenantID: actor.TenantID, Before: p.Before, Limit: p.Limit})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: list the tenant's configurations: %w", err)
	}
	out := make([]*TenantConfigVersion, len(list))
	for i, c := range list {
		out[i] = &TenantConfigVersion{TenantID: c.TenantID, Version: c.Version, CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt}
	}
	return out, nil
}
