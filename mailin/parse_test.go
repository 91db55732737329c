package mailin

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	testDomain   = "desk.acme.example"
	testOwn      = "help@desk.acme.example"
	testTicketID = "0190f5a2-7c3e-7b8a-9d4e-2f1a3b4c5d6e"
)

func newTestParser(t testing.TB, cfg Config) *Parser {
	t.Helper()
	if cfg.OwnAddresses == nil {
		cfg.OwnAddresses = []string{testOwn}
	}
	p, err := New(cfg)
	require.NoError(t, err)
	return p
}

func parseFile(t testing.TB, p *Parser, name string) Inbound {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	require.NoError(t, err)
	defer f.Close()
	in, err := p.Parse(f)
	require.NoError(t, err)
	return in
}

// corpusCase is what one file of testdata must parse to. Empty fields
// are not checked unless noted.
type corpusCase struct {
	messageID  string
	from       Address
	subject    string
	text       string // exact
	html       string // substring
	date       time.Time
	to         []string
	recipients []string
	inReplyTo  []string
	references int
	returnPath string
	nullReturn bool
	parts      []Part // Content checked by size only
	class      Class
	reason     string
	warning    string // substring of one warning
}

var corpus = map[string]corpusCase{
	"plain.eml": {
		messageID:  "CAF7x1k2=plain@mail.example.com",
		from:       Address{Name: "Anna Berg", Address: "anna.berg@example.com"},
		subject:    "Kettle stopped working",
		text:       "Hello,\n\nmy kettle (order 10042) stopped working after two weeks. The light\nturns on but the water never boils. Grüße aus Köln.\n\nAnna\n",
		date:       time.Date(2026, 3, 3, 8, 13, 58, 0, time.UTC),
		recipients: []string{"support@acme.example"},
		returnPath: "anna.berg@example.com",
		class:      ClassNormal,
	},
	"alternative.eml": {
		messageID:  "alt-0001@example.org",
		from:       Address{Name: "Bob Smith", Address: "bob@example.org"},
		subject:    "Invoice question",
		text:       "Why was I charged twice for invoice 2026-17?\n",
		html:       "<b>twice</b>",
		to:         []string{"support@acme.example"},
		recipients: []string{"support@acme.example", "carol@example.org"},
		class:      ClassNormal,
	},
	"html-only.eml": {
		from:    Address{Name: "Dana", Address: "dana@example.net"},
		subject: "HTML only",
		text:    "********\nOrder 77\n********\n\nThe parcel arrived damaged.\n\nPhotos follow.",
		html:    "<h1>Order 77</h1>",
		class:   ClassNormal,
		warning: "Plain Text from HTML",
	},
	"quoted-printable.eml": {
		from:    Address{Name: "Élodie Durand", Address: "elodie@example.fr"},
		subject: "Facture incorrecte – n° 2026-55",
		text:    "Bonjour, la facture n° 2026-55 est incorrecte : le montant dépasse largement ce que nous avions convenu au téléphone.\n\nMerci, Élodie\n",
		class:   ClassNormal,
	},
	"base64.eml": {
		from:    Address{Name: "Иван Петров", Address: "ivan@example.ru"},
		subject: "Заказ не пришёл",
		text:    "Здравствуйте! Заказ 9001 не пришёл.\nС уважением, Иван\n",
		class:   ClassNormal,
	},
	"latin1.eml": {
		from:    Address{Name: "Jürgen Maß", Address: "juergen@example.de"},
		subject: "Wasserkocher läuft nicht",
		text:    "Sehr geehrte Damen und Herren,\n\nder Wasserkocher läuft nicht mehr. Bitte um Rückruf.\n\nMit freundlichen Grüßen\nJürgen Maß\n",
		class:   ClassNormal,
	},
	"windows1252.eml": {
		from:    Address{Name: "Zoe", Address: "zoe@example.co.uk"},
		subject: "Price – 42 €",
		text:    "„Hallo“ – the price is 42 €, not 24 €.\nBest, Zoë\n",
		class:   ClassNormal,
	},
	"attachment-inline.eml": {
		messageID: "att-1@example.se",
		text:      "See the photo of the box. Receipt attached.\n",
		html:      `<img src="cid:box-photo@example.se">`,
		parts: []Part{
			{Name: "box.png", ContentType: "image/png", Inline: true, ContentID: "box-photo@example.se", Size: 70},
			// The sender's "..\..\receipt.pdf" loses its directories.
			{Name: "receipt.pdf", ContentType: "application/pdf", Size: 77},
		},
		class: ClassNormal,
	},
	"reply-in-reply-to.eml": {
		subject:    "Re: [TK-2026-000042] Kettle stopped working",
		inReplyTo:  []string{"0190f5a3-1111-7222-8333-944455566677.1@desk.acme.example"},
		references: 2,
		to:         []string{testOwn},
		class:      ClassNormal,
	},
	"reply-subject.eml": {
		subject:    "Re: [TK-2026-000042] Kettle stopped working",
		inReplyTo:  []string{"CAF7x1k2=plain@mail.example.com"},
		references: 1,
		class:      ClassNormal,
	},
	"outlook-autoreply.eml": {
		from:       Address{Name: "Frank Meyer", Address: "frank.meyer@contoso.example"},
		subject:    "Automatic reply: [TK-2026-000043] Refund request",
		text:       "Ich bin bis 20.03. nicht im Büro.\n",
		references: 2,
		class:      ClassAutoReply,
		reason:     "Auto-Submitted: auto-generated",
	},
	"vacation.eml": {
		from:       Address{Name: "Grace Hopper", Address: "grace@example.edu"},
		nullReturn: true,
		recipients: []string{testOwn},
		class:      ClassAutoReply,
		reason:     "Auto-Submitted: auto-replied",
	},
	"bounce-dsn.eml": {
		from:       Address{Name: "Mail Delivery System", Address: "mailer-daemon@mx.acme.example"},
		subject:    "Undelivered Mail Returned to Sender",
		nullReturn: true,
		parts: []Part{
			{Name: "attachment-1.txt", ContentType: "message/delivery-status", Size: 283},
			{Name: "attachment-2.txt", ContentType: "text/rfc822-headers", Size: 345},
		},
		class:  ClassBounce,
		reason: "Content-Type: multipart/report; report-type=delivery-status",
	},
	"newsletter.eml": {
		subject:    "Spring sale 🌷 50% off",
		returnPath: "bounce-123@news.example.com",
		class:      ClassAutoReply,
		reason:     "Precedence: bulk",
	},
	"list-post.eml": {
		from:       Address{Name: "Bob Stone", Address: "bob@example.org"},
		recipients: []string{"coffee@lists.example.org", "support@acme.example"},
		returnPath: "coffee-bounces+support=acme.example@lists.example.org",
		class:      ClassAutoReply,
		reason:     "List-Id",
	},
	"own.eml": {
		from:       Address{Name: "Acme Help Desk", Address: testOwn},
		references: 1,
		class:      ClassOwn,
		reason:     "From: " + testOwn,
	},
}

func TestParseCorpus(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/*.eml")
	require.NoError(t, err)
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	for name := range corpus {
		require.Contains(t, names, name)
	}
	require.Len(t, names, len(corpus), "every testdata/*.eml needs a case in corpus")

	p := newTestParser(t, Config{})
	for name, want := range corpus {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in := parseFile(t, p, name)
			if want.messageID != "" {
				require.Equal(t, want.messageID, in.MessageID)
			}
			require.NotEmpty(t, in.MessageID, "every corpus message has a Message-ID")
			if want.from != (Address{}) {
				require.Equal(t, want.from, in.From)
			}
			if want.subject != "" {
				require.Equal(t, want.subject, in.Subject)
			}
			if want.text != "" {
				require.Equal(t, want.text, in.Text)
			}
			require.NotEmpty(t, in.Text)
			if want.html != "" {
				require.Contains(t, in.HTML, want.html)
			}
			if !want.date.IsZero() {
				require.Equal(t, want.date, in.Date)
			}
			require.False(t, in.Date.IsZero())
			if want.to != nil {
				var to []string
				for _, a := range in.To {
					to = append(to, a.Address)
				}
				require.Equal(t, want.to, to)
			}
			if want.recipients != nil {
				require.Equal(t, want.recipients, in.Recipients())
			}
			if want.inReplyTo != nil {
				require.Equal(t, want.inReplyTo, in.InReplyTo)
			}
			require.Len(t, in.References, want.references)
			if want.returnPath != "" {
				require.Equal(t, want.returnPath, in.ReturnPath)
			}
			require.Equal(t, want.nullReturn, in.NullReturnPath)

			require.Len(t, in.Parts, len(want.parts))
			for i, wp := range want.parts {
				got := in.Parts[i]
				require.Len(t, got.Content, int(got.Size))
				got.Content = nil
				require.Equal(t, wp, got)
			}

			require.Equal(t, want.class, in.Class.Class)
			require.Equal(t, want.reason, in.Class.Reason)
			require.Equal(t, want.class != ClassNormal, in.Class.Automated())
			if want.warning != "" {
				require.True(t, slices.ContainsFunc(in.Warnings, func(w string) bool {
					return strings.Contains(w, want.warning)
				}), "warnings %q lack %q", in.Warnings, want.warning)
			} else {
				require.Empty(t, in.Warnings)
			}

			require.Positive(t, in.Size)
			require.Len(t, in.Digest, 64)
			require.NotEmpty(t, in.Header.Get("Message-Id"))
		})
	}
}

func TestParseAttachmentContent(t *testing.T) {
	t.Parallel()
	in := parseFile(t, newTestParser(t, Config{}), "attachment-inline.eml")
	require.Equal(t, []byte("\x89PNG\r\n\x1a\n"), in.Parts[0].Content[:8])
	require.Equal(t, "%PDF-1.4", string(in.Parts[1].Content[:8]))
	b := make([]byte, 8)
	n, err := in.Parts[1].Open().Read(b)
	require.NoError(t, err)
	require.Equal(t, "%PDF-1.4", string(b[:n]))
}

func TestParseDigestIsStable(t *testing.T) {
	t.Parallel()
	p := newTestParser(t, Config{})
	a := parseFile(t, p, "plain.eml")
	b := parseFile(t, p, "plain.eml")
	c := parseFile(t, p, "alternative.eml")
	require.Equal(t, a.Digest, b.Digest)
	require.NotEqual(t, a.Digest, c.Digest)
}
