package bunstore

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
)

var _ storage.ConfigStore = (*Store)(nil)

// tenantConfigRow is a row of the tenant_configs table (migration
// 20261203000001_tenant_config).
type tenantConfigRow struct {
	bun.BaseModel `bun:"table:tenant_configs,alias:c"`

	TenantID  string    `bun:"tenant_id,pk"`
	Version   int64     `bun:"version,pk"`
	Data      []byte    `bun:"data"`
	CreatedBy string    `bun:"created_by"`
	CreatedAt time.Time `bun:"created_at"`
}

// tenantConfigTable returns the prefixed name of the tenant_configs
// table.
func (s *Store) tenantConfigTable() bun.Ident { return bun.Ident(s.prefix + "tenant_configs") }

// TenantConfigCreate stores c as its tenant's next version with one
// INSERT ... SELECT max(version)+1: the version is assigned by the
// statement, inside the caller's transaction, and the primary key on
// (tenant_id, version) makes a concurrent save of the same version fail
// with ErrConflict (on PostgreSQL the second insert waits for the first
// transaction, then fails if it committed).
func (s *Store) TenantConfigCreate(ctx context.Context, c *storage.TenantConfig) error {
	const op = "create tenant config"
	switch {
	case c == nil:
		return fmt.Errorf("bunstore: %s: config is nil", op)
	case c.TenantID == "":
		return errNoTenant(op)
	case len(c.Data) == 0:
		return fmt.Errorf("bunstore: %s: data is empty", op)
	case c.Version < 0:
		return fmt.Errorf("bunstore: %s: version %d is negative", op, c.Version)
	}
	if s.dialect == DialectMySQL {
		return s.tenantConfigCreateMySQL(ctx, op, c)
	}
	var version int64
	// On PostgreSQL the save is announced on ConfigChannel(prefix) when
	// its transaction commits (NOTIFY is transactional): listeners
	// (bunopen.ListenTenantConfigs) learn of it at once.
	err := s.db.NewRaw(`INSERT INTO ? (tenant_id, version, data, created_by, created_at)
SELECT ?, COALESCE(MAX(c.version), 0) + 1, ?, ?, ?
FROM ? AS c WHERE c.tenant_id = ?
HAVING ? = 0 OR COALESCE(MAX(c.version), 0) + 1 = ?
RETURNING version`,
		s.tenantConfigTable(), c.TenantID, c.Data, c.CreatedBy, utc(c.CreatedAt),
		s.tenantConfigTable(), c.TenantID, c.Version, c.Version).Scan(ctx, &version)
	if err != nil {
		if sentinel(err) == storage.ErrNotFound { // HAVING left no row: another version is the latest
			return fmt.Errorf("bunstore: %s: tenant %q is not at version %d: %w", op, c.TenantID, c.Version-1, storage.ErrConflict)
		}
		return translate(op, err)
	}
	c.Version = version
	if s.dialect == DialectPostgres {
		if _, err := s.db.NewRaw("SELECT pg_notify(?, ?)", ConfigChannel(s.prefix), c.TenantID).Exec(ctx); err != nil {
			return translate(op, err)
		}
	}
	return nil
}

// ConfigChannel is the PostgreSQL notification channel on which stores
// with table prefix prefix (empty: DefaultTablePrefix) announce each
// tenant configuration they save, with the tenant's ID as payload, when
// the save commits: the name of their tenant_configs table, such as
// "ticketkit_tenant_configs".
func ConfigChannel(prefix string) string {
	if prefix == "" {
		prefix = DefaultTablePrefix
	}
	return prefix + "tenant_configs"
}

// tenantConfigCreateMySQL is TenantConfigCreate on MySQL and MariaDB,
// which have no INSERT ... RETURNING (MySQL) and would take shared
// next-key locks for an INSERT ... SELECT of the table it writes: a
// plain read of the tenant's latest version, then an INSERT of the next
// one. A concurrent save of the same version waits for the other
// transaction's row, then fails on the primary key with ErrConflict; a
// read older than the latest version (REPEATABLE READ keeps the
// transaction's first snapshot) names a version that exists, as
// versions are numbered without gaps, so it fails the same way.
func (s *Store) tenantConfigCreateMySQL(ctx context.Context, op string, c *storage.TenantConfig) error {
	var latest int64
	err := s.db.NewSelect().ColumnExpr("COALESCE(MAX(c.version), 0)").ModelTableExpr("? AS c", s.tenantConfigTable()).
		Where("c.tenant_id = ?", c.TenantID).Scan(ctx, &latest)
	if err != nil {
		return translate(op, err)
	}
	if c.Version != 0 && c.Version != latest+1 {
		return fmt.Errorf("bunstore: %s: tenant %q is not at version %d: %w", op, c.TenantID, c.Version-1, storage.ErrConflict)
	}
	r := &tenantConfigRow{TenantID: c.TenantID, Version: latest + 1, Data: c.Data, CreatedBy: c.CreatedBy, CreatedAt: utc(c.CreatedAt)}
	if _, err := s.db.NewInsert().Model(r).ModelTableExpr("?", s.tenantConfigTable()).Exec(ctx); err != nil {
		return translate(op, err)
	}
	c.Version = r.Version
	return nil
}

// TenantConfigGet returns one version of a tenant's configuration, the
// latest for version 0.
func (s *Store) TenantConfigGet(ctx context.Context, p storage.TenantConfigGetParams) (*storage.TenantConfig, error) {
	const op = "get tenant config"
	if p.TenantID == "" {
		return nil, errNoTenant(op)
	}
	var r tenantConfigRow
	q := s.db.NewSelect().Model(&r).ModelTableExpr("? AS c", s.tenantConfigTable()).
		Where("c.tenant_id = ?", p.TenantID)
	if p.Version != 0 {
		q = q.Where("c.version = ?", p.Version)
	} else {
		q = q.OrderExpr("c.version DESC").Limit(1)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(fmt.Sprintf("%s %q version %d", op, p.TenantID, p.Version), err)
	}
	c := tenantConfigFromRow(r)
	return &c, nil
}

// TenantConfigList returns a page of a tenant's configuration versions,
// newest first, without their data.
func (s *Store) TenantConfigList(ctx context.Context, p storage.TenantConfigListParams) ([]*storage.TenantConfig, error) {
	const op = "list tenant configs"
	if p.TenantID == "" {
		return nil, errNoTenant(op)
	}
	var rows []tenantConfigRow
	q := s.db.NewSelect().Model(&rows).ModelTableExpr("? AS c", s.tenantConfigTable()).
		Column("c.tenant_id", "c.version", "c.created_by", "c.created_at").
		Where("c.tenant_id = ?", p.TenantID).
		OrderExpr("c.version DESC").Limit(int64(storage.TenantConfigListLimit(p.Limit)))
	if p.Before > 0 {
		q = q.Where("c.version < ?", p.Before)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(op, err)
	}
	out := make([]*storage.TenantConfig, len(rows))
	for i, r := range rows {
		c := tenantConfigFromRow(r)
		out[i] = &c
	}
	return out, nil
}

// tenantConfigFromRow maps a row to its storage value.
func tenantConfigFromRow(r tenantConfigRow) storage.TenantConfig {
	return storage.TenantConfig{TenantID: r.TenantID, Version: r.Version, Data: r.Data, CreatedBy: r.CreatedBy, CreatedAt: fromDB(r.CreatedAt)}
}
