package bunopen

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ticketkit/ticketkit/storage/bunstore"
)

// ConfigListener hears of the tenant configurations saved on a
// PostgreSQL database through bunstore stores of one table prefix, as
// each save commits (bunstore.ConfigChannel). It is the fast path of
// "seen everywhere": a process that tells its Desk at once
// (Desk.ForgetTenantConfig) uses a tenant's new configuration on its
// next use case, instead of within Config.TenantConfigTTL, which stays
// the bound when a notification is lost (the connection broke, the
// listener was not running yet). Build one with [ListenTenantConfigs].
type ConfigListener struct {
	conn *pgx.Conn
}

// ListenTenantConfigs opens a connection of its own to the PostgreSQL
// database at dsn and listens on the channel of table prefix prefix; the
// configurations saved from its return on are announced to
// [ConfigListener.Run]. Close it, or end Run's context, to let the
// connection go.
func ListenTenantConfigs(ctx context.Context, dsn, prefix string) (*ConfigListener, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("listen for tenant configurations: %w", err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{bunstore.ConfigChannel(prefix)}.Sanitize()); err != nil {
		_ = conn.Close(ctx)
		return nil, fmt.Errorf("listen for tenant configurations: %w", err)
	}
	return &ConfigListener{conn: conn}, nil
}

// Run calls changed with the tenant ID of each saved configuration, in
// commit order, until ctx ends (it then returns ctx's error) or the
// connection fails; it closes the connection when it returns. changed
// runs on Run's goroutine and should be quick, such as
// Desk.ForgetTenantConfig.
func (l *ConfigListener) Run(ctx context.Context, changed func(tenantID string)) error {
	defer func() { _ = l.conn.Close(context.WithoutCancel(ctx)) }()
	for {
		n, err := l.conn.WaitForNotification(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("listen for tenant configurations: %w", err)
		}
		changed(n.Payload)
	}
}

// Close closes the listener's connection, for a listener that will not
// Run.
func (l *ConfigListener) Close(ctx context.Context) error { return l.conn.Close(ctx) }
