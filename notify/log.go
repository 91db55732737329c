package notify

import (
	"context"
	"log/slog"
)

// Log returns a Notifier that writes each event to logger at level Info:
// its kind, ID, tenant, ticket number, actor and, where set, the old and
// new value. It never fails. Use it for development, as an audit trail
// next to real notifiers (see [Fanout]), or in a quickstart.
func Log(logger *slog.Logger) Notifier {
	return NotifierFunc(func(ctx context.Context, e Event) error {
		attrs := []slog.Attr{
			slog.String("kind", string(e.Kind)),
			slog.String("event", e.ID),
			slog.String("tenant", e.TenantID),
			slog.String("actor", e.Actor.ID),
		}
		if e.Ticket != nil {
			attrs = append(attrs, slog.String("ticket", e.Ticket.Number))
		}
		if e.From != "" || e.To != "" {
			attrs = append(attrs, slog.String("from", e.From), slog.String("to", e.To))
		}
		if e.Message != nil {
			attrs = append(attrs, slog.String("message_kind", string(e.Message.Kind)))
		}
		logger.LogAttrs(ctx, slog.LevelInfo, "ticketkit notification", attrs...)
		return nil
	})
}
