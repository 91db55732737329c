package memory

import (
	"context"
	"fmt"
	"slices"

	"github.com/ticketkit/ticketkit/storage"
)

var _ storage.ConfigStore = (*Store)(nil)

// TenantConfigCreate stores c as its tenant's next version; see
// [storage.ConfigStore].
func (s *Store) TenantConfigCreate(ctx context.Context, c *storage.TenantConfig) error {
	return s.write(ctx, func(x *tx) error { return x.TenantConfigCreate(ctx, c) })
}

// TenantConfigGet returns one version of a tenant's configuration, the
// latest for version 0.
func (s *Store) TenantConfigGet(ctx context.Context, p storage.TenantConfigGetParams) (*storage.TenantConfig, error) {
	return read(s, func(x *tx) (*storage.TenantConfig, error) { return x.TenantConfigGet(ctx, p) })
}

// TenantConfigList returns a page of a tenant's configuration versions,
// newest first, without their data.
func (s *Store) TenantConfigList(ctx context.Context, p storage.TenantConfigListParams) ([]*storage.TenantConfig, error) {
	return read(s, func(x *tx) ([]*storage.TenantConfig, error) { return x.TenantConfigList(ctx, p) })
}

// TenantConfigCreate stores c as its tenant's next version.
func (x *tx) TenantConfigCreate(ctx context.Context, c *storage.TenantConfig) error {
	const op = "create tenant config"
	if err := x.check(ctx, c.TenantID); err != nil {
		return fmt.Errorf("memory: %s: %w", op, err)
	}
	if len(c.Data) == 0 {
		return fmt.Errorf("memory: %s: data is empty", op)
	}
	if c.Version < 0 {
		return fmt.Errorf("memory: %s: version %d is negative", op, c.Version)
	}
	if x.db.configs == nil {
		x.db.configs = map[string][]storage.TenantConfig{}
	}
	old := x.db.configs[c.TenantID]
	next := int64(len(old)) + 1
	if c.Version != 0 && c.Version != next {
		return fmt.Errorf("memory: %s: tenant %q is at version %d, not %d: %w", op, c.TenantID, next-1, c.Version-1, storage.ErrConflict)
	}
	row := *c
	row.Version, row.Data, row.CreatedAt = next, slices.Clone(c.Data), utc(c.CreatedAt)
	x.db.configs[c.TenantID] = append(slices.Clip(old), row)
	x.onUndo(func() { x.db.configs[c.TenantID] = old })
	c.Version = next
	return nil
}

// TenantConfigGet returns one version of a tenant's configuration, the
// latest for version 0.
func (x *tx) TenantConfigGet(ctx context.Context, p storage.TenantConfigGetParams) (*storage.TenantConfig, error) {
	const op = "get tenant config"
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: %s: %w", op, err)
	}
	rows := x.db.configs[p.TenantID]
	v := p.Version
	if v == 0 {
		v = int64(len(rows))
	}
	if v < 1 || v > int64(len(rows)) {
		return nil, fmt.Errorf("memory: %s: tenant %q version %d: %w", op, p.TenantID, p.Version, storage.ErrNotFound)
	}
	c := rows[v-1]
	c.Data = slices.Clone(c.Data)
	return &c, nil
}

// TenantConfigList returns a page of a tenant's configuration versions,
// newest first, without their data.
func (x *tx) TenantConfigList(ctx context.Context, p storage.TenantConfigListParams) ([]*storage.TenantConfig, error) {
	const op = "list tenant configs"
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: %s: %w", op, err)
	}
	rows := x.db.configs[p.TenantID]
	from := int64(len(rows))
	if p.Before > 0 {
		from = min(from, p.Before-1)
	}
	limit := storage.TenantConfigListLimit(p.Limit)
	out := []*storage.TenantConfig{}
	for v := from; v >= 1 && len(out) < limit; v-- {
		c := rows[v-1]
		c.Data = nil
		out = append(out, &c)
	}
	return out, nil
}
