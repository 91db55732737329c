package mailin

import (
	"cmp"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/jhillyerd/enmime/v2"

	"github.com/ticketkit/ticketkit/blob"
)

// Default limits of a [Config].
const (
	// DefaultMaxMessageSize bounds a raw message: 35 MiB, room for a
	// 25 MiB attachment in base64 plus headers and text.
	DefaultMaxMessageSize int64 = 35 << 20
	// DefaultMaxAttachmentSize bounds one decoded attachment: the blob
	// store's default limit, 25 MiB.
	DefaultMaxAttachmentSize int64 = blob.DefaultMaxSize
	// DefaultMaxAttachments bounds the number of attachments and inline
	// images of one message.
	DefaultMaxAttachments = 50
	// DefaultMaxParts bounds the number of MIME parts of one multipart.
	DefaultMaxParts = 500
	// DefaultMaxMultiparts bounds the number of multipart containers of
	// one message.
	DefaultMaxMultiparts = 16
)

// Errors wrapped by the errors of [Parser.Parse].
var (
	// ErrTooLarge is wrapped by every *[LimitError].
	ErrTooLarge = errors.New("mailin: message too large")
	// ErrMalformed is wrapped by errors about input that is not a mail
	// message at all, such as an empty input or a header that cannot be
	// read.
	ErrMalformed = errors.New("mailin: malformed message")
	// ErrNoSender is wrapped by the error about normal mail whose From
	// (and Sender) header holds no usable address. Automatic replies and
	// bounces may lack a sender.
	ErrNoSender = errors.New("mailin: no sender address")
)

// LimitError reports a message that exceeds a limit of the [Config].
// It wraps [ErrTooLarge].
type LimitError struct {
	// Limit is the name of the Config field: "MaxMessageSize",
	// "MaxAttachmentSize", "MaxAttachments", "MaxParts" or
	// "MaxMultiparts".
	Limit string
	// Max is the limit's value, in bytes or attachments.
	Max int64
	// Size is the size or count found. For MaxMessageSize, MaxParts and
	// MaxMultiparts it is Max+1: reading or counting stops there.
	Size int64
	// Part names the attachment, for MaxAttachmentSize.
	Part string
}

// Error says which limit was exceeded, by what.
func (e *LimitError) Error() string {
	switch e.Limit {
	case "MaxMessageSize":
		return fmt.Sprintf("mailin: message is larger than MaxMessageSize (%d bytes)", e.Max)
	case "MaxAttachmentSize":
		return fmt.Sprintf("mailin: attachment %q is %d bytes, larger than MaxAttachmentSize (%d bytes)", e.Part, e.Size, e.Max)
	case "MaxAttachments":
		return fmt.Sprintf("mailin: message has %d attachments, more than MaxAttachments (%d)", e.Size, e.Max)
	case "MaxMultiparts":
		return fmt.Sprintf("mailin: message has more than MaxMultiparts (%d) multipart containers", e.Max)
	case "MaxParts":
		return fmt.Sprintf("mailin: message has more than MaxParts (%d) MIME parts in one multipart", e.Max)
	}
	return fmt.Sprintf("mailin: %s (%d) exceeded: %d", e.Limit, e.Max, e.Size)
}

// Unwrap returns [ErrTooLarge].
func (e *LimitError) Unwrap() error { return ErrTooLarge }

// Config configures a [Parser]. Zero values mean the documented
// defaults; negative limits are invalid.
type Config struct {
	// MaxMessageSize bounds the raw message in bytes. Default
	// DefaultMaxMessageSize.
	MaxMessageSize int64
	// MaxAttachmentSize bounds each decoded attachment or inline image
	// in bytes. Default DefaultMaxAttachmentSize.
	MaxAttachmentSize int64
	// MaxAttachments bounds the number of attachments and inline images.
	// Default DefaultMaxAttachments.
	MaxAttachments int
	// MaxParts bounds the number of MIME parts of one multipart,
	// checked before the MIME tree is built, which takes time quadratic
	// in that number. It counts lines that may delimit parts: hundreds of
	// identical lines starting with "--" count as parts too. Default
	// DefaultMaxParts.
	MaxParts int
	// MaxMultiparts bounds the number of multipart containers (nested or
	// not) of a message, checked before the MIME tree is built: the MIME
	// parser's time grows exponentially with nesting depth. It counts
	// every occurrence of the word "multipart", in any case, anywhere in
	// the message. Real mail has up to four or five. Default
	// DefaultMaxMultiparts.
	MaxMultiparts int
	// OwnAddresses are the addresses ticketkit sends from, such as
	// "help@shop.example"; mail from them is classified [ClassOwn]. An
	// entry "@shop.example" matches every address of that domain (only
	// use it for a domain no person writes from). Compared ignoring case.
	OwnAddresses []string
}

// Parser parses inbound mail. Build one with [New]; it is safe for
// concurrent use.
type Parser struct {
	cfg     Config
	own     map[string]bool // lower-cased addresses and "@domain" entries
	enmime  *enmime.Parser
	maxRefs int
}

// WithDefaults returns a copy of c with every zero limit set to its
// documented default. [New] calls it.
func (c Config) WithDefaults() Config {
	c.MaxMessageSize = cmp.Or(c.MaxMessageSize, DefaultMaxMessageSize)
	c.MaxAttachmentSize = cmp.Or(c.MaxAttachmentSize, DefaultMaxAttachmentSize)
	c.MaxAttachments = cmp.Or(c.MaxAttachments, DefaultMaxAttachments)
	c.MaxParts = cmp.Or(c.MaxParts, DefaultMaxParts)
	c.MaxMultiparts = cmp.Or(c.MaxMultiparts, DefaultMaxMultiparts)
	return c
}

// validate reports every problem of a Config that WithDefaults filled,
// each naming its field.
func (c Config) validate() error {
	var errs []error
	for _, f := range []struct {
		name     string
		negative bool
	}{
		{"Config.MaxMessageSize", c.MaxMessageSize < 0},
		{"Config.MaxAttachmentSize", c.MaxAttachmentSize < 0},
		{"Config.MaxAttachments", c.MaxAttachments < 0},
		{"Config.MaxParts", c.MaxParts < 0},
		{"Config.MaxMultiparts", c.MaxMultiparts < 0},
	} {
		if f.negative {
			errs = append(errs, fmt.Errorf("%s must not be negative", f.name))
		}
	}
	_, ownErrs := c.own()
	errs = append(errs, ownErrs...)
	return errors.Join(errs...)
}

// own returns the lower-cased entries of Config.OwnAddresses, and an
// error for each entry that is neither a bare address nor "@domain".
func (c Config) own() (map[string]bool, []error) {
	own := make(map[string]bool, len(c.OwnAddresses))
	var errs []error
	for _, a := range c.OwnAddresses {
		a = lowerASCII(strings.TrimSpace(a))
		if domain, ok := strings.CutPrefix(a, "@"); ok {
			if domain == "" || strings.ContainsAny(domain, "@ <>") {
				errs = append(errs, fmt.Errorf("Config.OwnAddresses entry %q is not a domain", a))
				continue
			}
		} else if p, err := mail.ParseAddress(a); err != nil || p.Address != a {
			errs = append(errs, fmt.Errorf("Config.OwnAddresses entry %q is not a bare email address", a))
			continue
		}
		own[a] = true
	}
	return own, errs
}

// New fills cfg's defaults (see [Config.WithDefaults]), validates it,
// reporting every invalid field at once, and returns a Parser.
func New(cfg Config) (*Parser, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("mailin: invalid Config: %w", err)
	}
	own, _ := cfg.own()
	return &Parser{
		cfg: cfg,
		own: own,
		enmime: enmime.NewParser(
			enmime.MultipartWOBoundaryAsSinglePart(true),
			enmime.SetReadPartErrorPolicy(enmime.AllowCorruptTextPartErrorPolicy),
			enmime.MaxStoredPartErrors(maxWarnings),
		),
		maxRefs: maxReferences,
	}, nil
}

// isOwn reports whether the lower-cased address addr is one of
// Config.OwnAddresses.
func (p *Parser) isOwn(addr string) bool {
	if addr == "" {
		return false
	}
	if p.own[addr] {
		return true
	}
	at := strings.LastIndexByte(addr, '@')
	return at >= 0 && p.own[addr[at:]]
}
