package ticketkit

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ErrSortKeysUnsupported is returned by [Desk.RerankTickets] when the
// store cannot rewrite sort keys alone (storage.TicketSortKeyUpdater).
var ErrSortKeysUnsupported = fmt.Errorf("ticketkit: the store cannot rewrite sort keys: %w", storage.ErrUnsupported)

// RerankParams says which tickets [Desk.RerankTickets] rewrites.
type RerankParams struct {
	// All rewrites the sort keys of every ticket of the tenant, not only
	// of those whose catalog positions moved: once after upgrading a
	// store to the sort keys (bunstore migration 20261203000101), whose
	// tickets hold the rank -1000 ("not ranked yet": sorted first, and
	// searches by a range of ranks are not used for the tenant) and no
	// SLA due key until then.
	All bool `json:"all,omitempty"`
}

// RerankResult reports what [Desk.RerankTickets] did.
type RerankResult struct {
	// Read is how many tickets were read, Rewritten how many of them had
	// their stored keys changed, and Batches how many transactions it
	// took.
	Read, Rewritten, Batches int
}

// RerankTickets rewrites the stored sort keys (ticket.SortKeys) of the
// actor's tenant's tickets from the desk's catalogs, in batches of
// rerankBatch tickets, each in a transaction of its own, so that the
// sorts by priority, status and category follow a catalog whose order
// changed (a new Config.Catalog; [Desk.ConfigureTenant] re-ranks a
// tenant's tickets itself), or fill
// the keys of tickets stored before them (RerankParams.All). It changes
// neither the tickets' Version nor their UpdatedAt nor their history:
// the tickets did not change, only where they sort. Until it has run,
// the sorts follow the old order, and a search that filters and sorts by
// the same field (priorities sorted by priority, say), which reads a
// range of the stored ranks (storage.TicketListParams.SortRanks), misses
// the tickets whose stored ranks are not the catalog's: run it after a
// new Config.Catalog and once after upgrading (RerankParams.All), before
// agents search. Every ticket written meanwhile is
// stored with its new keys, and a ticket changed while its batch was
// read is left to that change. Only an admin of the tenant or the
// system may run it; it is safe to run again, and a run stopped halfway
// is finished by the next.
func (d *Desk) RerankTickets(ctx context.Context, actor ticket.Actor, p RerankParams) (_ *RerankResult, err error) {
	ctx, end := d.begin(ctx, "RerankTickets", actor)
	defer func() { end(err) }()
	return d.rerank(ctx, nil, actor, p)
}

// RerankTicketsTx is [Desk.RerankTickets] in the host's transaction tx:
// every batch is written through tx.
func (d *Desk) RerankTicketsTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p RerankParams) (_ *RerankResult, err error) {
	ctx, end := d.begin(ctx, "RerankTicketsTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.rerank(ctx, tx, actor, p)
}

// rerankBatch is how many tickets RerankTickets reads and rewrites per
// transaction.
const rerankBatch = 500

// rerank is RerankTickets in the host's transaction host, or in
// transactions of its own when host is nil.
func (d *Desk) rerank(ctx context.Context, host storage.Tx, actor ticket.Actor, p RerankParams) (*RerankResult, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if actor.Role != ticket.RoleAdmin && actor.Role != ticket.RoleSystem {
		return nil, fmt.Errorf("ticketkit: %s may not rerank the tenant's tickets: %w", actor.Role, ErrForbidden)
	}
	d, err := d.forTenant(ctx, host, actor.TenantID)
	if err != nil {
		return nil, err
	}
	res := &RerankResult{}
	o := d.orders()
	after := ""
	for {
		var next string
		err := d.inTx(ctx, host, func(ctx context.Context, tx storage.Tx, _ time.Time) error {
			var err error
			next, err = rerankPage(ctx, tx, o, actor.TenantID, after, p.All, res)
			return err
		})
		if err != nil {
			return res, err
		}
		if next == "" {
			return res, nil
		}
		after = next
	}
}

// rerankPage rewrites, through tx, the sort keys in o of the tenant's
// rerankBatch tickets after the cursor after (all of them with all, else
// those whose keys moved), adds what it did to res, and returns the
// cursor of the next page, "" after the last.
func rerankPage(ctx context.Context, tx storage.Tx, o catalogOrders, tenantID, after string, all bool, res *RerankResult) (string, error) {
	u, ok := tx.(storage.TicketSortKeyUpdater)
	if !ok {
		return "", fmt.Errorf("ticketkit: rerank: %T: %w", tx, ErrSortKeysUnsupported)
	}
	page, err := tx.TicketList(ctx, storage.TicketListParams{
		TicketFilter: storage.TicketFilter{TenantID: tenantID}, Limit: rerankBatch, After: after})
	if err != nil {
		return "", fmt.Errorf("ticketkit: rerank: list the tenant's tickets: %w", err)
	}
	var moved []*ticket.Ticket
	for _, t := range page.Tickets {
		if k := o.keys(t); all || k != t.SortKeys {
			t.SortKeys = k
			moved = append(moved, t)
		}
	}
	n := 0
	if len(moved) > 0 {
		if n, err = u.TicketSortKeysUpdate(ctx, moved); err != nil {
			return "", fmt.Errorf("ticketkit: rerank: %w", err)
		}
	}
	res.Read += len(page.Tickets)
	res.Rewritten += n
	res.Batches++
	return page.Next, nil
}

// rerankInTx rewrites, in tx, the sort keys of the tenant's tickets
// whose catalog positions differ in o, rerankBatch tickets per store
// call: what ConfigureTenant does when a new configuration reorders the
// statuses, priorities or categories. A store without
// storage.TicketSortKeyUpdater is left as it is (its sorts do not read
// stored keys).
func rerankInTx(ctx context.Context, tx storage.Tx, o catalogOrders, tenantID string) (*RerankResult, error) {
	res := &RerankResult{}
	if _, ok := tx.(storage.TicketSortKeyUpdater); !ok {
		return res, nil
	}
	after := ""
	for {
		next, err := rerankPage(ctx, tx, o, tenantID, after, false, res)
		if err != nil || next == "" {
			return res, err
		}
		after = next
	}
}
