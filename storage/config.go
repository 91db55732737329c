package storage

import (
	"context"
	"time"
)

// ConfigStore is implemented by a [Store] that keeps tenants'
// configurations as versioned data: every change is a new version with
// who made it and when, and the previous versions stay readable. It is
// optional; both the memory and the Bun store implement it, on the Store
// and on the [Tx] its RunInTx hands out.
//
// The store does not read the data: it keeps the bytes it is given (the
// Desk writes JSON) and returns them unchanged.
type ConfigStore interface {
	// TenantConfigCreate stores c as its tenant's next version, the
	// latest stored version plus one (1 for the first), and sets
	// c.Version to it. When c.Version is not 0 on the way in it is the
	// version the caller expects to create: if the latest stored version
	// is not c.Version-1 the error wraps ErrConflict and nothing is
	// stored. Two transactions saving the same version never both
	// commit: the second fails with ErrConflict (a primary key on tenant
	// and version), never two version 3s. c.Data must not be empty and
	// c.CreatedAt is kept in UTC at microsecond precision.
	TenantConfigCreate(ctx context.Context, c *TenantConfig) error
	// TenantConfigGet returns one version of a tenant's configuration:
	// params.Version, or the latest when it is 0. A tenant with no such
	// version (or none at all) gives ErrNotFound.
	TenantConfigGet(ctx context.Context, params TenantConfigGetParams) (*TenantConfig, error)
	// TenantConfigList returns the versions of a tenant's configuration,
	// newest first, without their Data: up to params.Limit of those
	// older than params.Before (all when Before is 0). A tenant with
	// none gives an empty list.
	TenantConfigList(ctx context.Context, params TenantConfigListParams) ([]*TenantConfig, error)
}

// TenantConfig is one stored version of a tenant's configuration.
type TenantConfig struct {
	TenantID string
	// Version counts the tenant's configurations from 1.
	Version int64
	// Data is the configuration, opaque to the store; TenantConfigList
	// leaves it nil.
	Data []byte
	// CreatedBy is the ID of the user who saved the version.
	CreatedBy string
	// CreatedAt is when the version was saved, in UTC.
	CreatedAt time.Time
}

// TenantConfigGetParams names one version of a tenant's configuration.
type TenantConfigGetParams struct {
	TenantID string
	// Version is the version to read; 0 means the latest.
	Version int64
}

// TenantConfigListParams selects a page of a tenant's configuration
// versions, newest first.
type TenantConfigListParams struct {
	TenantID string
	// Before lists only versions older than this one; 0 means from the
	// latest.
	Before int64
	// Limit bounds the page; 0 means [DefaultTenantConfigListLimit] and
	// more than [MaxTenantConfigListLimit] is cut to it.
	Limit int
}

// Limits of TenantConfigList.
const (
	// DefaultTenantConfigListLimit is the page size of a
	// TenantConfigList whose Limit is 0.
	DefaultTenantConfigListLimit = 50
	// MaxTenantConfigListLimit is the largest page TenantConfigList
	// returns.
	MaxTenantConfigListLimit = 500
)

// TenantConfigListLimit returns the page size TenantConfigList uses for
// a requested limit: the default for 0 (or less), at most the maximum.
func TenantConfigListLimit(limit int) int {
	if limit <= 0 {
		return DefaultTenantConfigListLimit
	}
	return min(limit, MaxTenantConfigListLimit)
}
