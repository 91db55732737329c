package ticketkit

import (
	"errors"
	"fmt"
	"log/slog"
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
	// built on Catalog. Default: workflow.Default(Catalog).
	Workflow *workflow.Machine
	// Notifier, when set, receives each notification right after its
	// change commits (inline delivery), for the lowest latency. A failed
	// delivery is left to a [Dispatcher], which retries it. Default:
	// none; the notifications wait in the outbox for a Dispatcher.
	Notifier notify.Notifier
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
	// MaxAttachments limits the attachments of one message. Default 20.
	MaxAttachments int
	// Logger receives delivery failures and other background notes.
	// Default: discard.
	Logger *slog.Logger
}

// Desk is the entry point of ticketkit: every use case (opening,
// searching, transitioning, assigning, replying, reading history) is a
// method of Desk. A Desk is safe for concurrent use.
type Desk struct {
	store    storage.Store
	catalog  *ticket.Catalog
	workflow *workflow.Machine
	notifier notify.Notifier
	clock    clock.Clock
	numberer ticket.Numberer
	blobs    blob.Store
	phone    phone.Normalizer
	maxSize  int64
	maxFiles int
	log      *slog.Logger
}

// New validates cfg and returns a Desk.
func New(cfg Config) (*Desk, error) {
	if cfg.Store == nil {
		return nil, errors.New("ticketkit: Config.Store is required")
	}
	d := &Desk{
		store:    cfg.Store,
		catalog:  cfg.Catalog,
		workflow: cfg.Workflow,
		notifier: cfg.Notifier,
		clock:    cfg.Clock,
		numberer: cfg.Numberer,
		blobs:    cfg.Blobs,
		phone:    cfg.Phone,
		maxSize:  cfg.MaxAttachmentSize,
		maxFiles: cfg.MaxAttachments,
		log:      cfg.Logger,
	}
	if d.catalog == nil {
		if d.workflow != nil {
			d.catalog = d.workflow.Catalog()
		} else {
			d.catalog = ticket.DefaultCatalog()
		}
	}
	if d.workflow == nil {
		m, err := workflow.Default(d.catalog)
		if err != nil {
			return nil, fmt.Errorf("ticketkit: the default workflow does not fit Config.Catalog, set Config.Workflow: %w", err)
		}
		d.workflow = m
	} else if d.workflow.Catalog() != d.catalog {
		return nil, errors.New("ticketkit: Config.Workflow must be built on Config.Catalog")
	}
	if d.clock == nil {
		d.clock = clock.System()
	}
	if d.numberer == nil {
		d.numberer = ticket.DefaultNumberer()
	}
	if d.phone == nil {
		d.phone = phone.Digits()
	}
	if d.maxSize < 0 {
		return nil, errors.New("ticketkit: Config.MaxAttachmentSize must not be negative")
	}
	switch {
	case d.maxFiles < 0:
		return nil, errors.New("ticketkit: Config.MaxAttachments must not be negative")
	case d.maxFiles == 0:
		d.maxFiles = 20
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	return d, nil
}

// Catalog returns the desk's catalog.
func (d *Desk) Catalog() *ticket.Catalog { return d.catalog }

// Workflow returns the desk's workflow.
func (d *Desk) Workflow() *workflow.Machine { return d.workflow }

// now returns the clock's time at the precision stores keep.
func (d *Desk) now() time.Time { return d.clock.Now().UTC().Truncate(time.Microsecond) }

func newID() string { return ids.New() }
