package mailin

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/require"
)

// withAttachments returns a message with n attachments of size bytes.
func withAttachments(n, size int) string {
	var b strings.Builder
	b.WriteString("From: a@example.com\r\nTo: support@acme.example\r\nSubject: files\r\n" +
		"Message-ID: <files@example.com>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\n" +
		"Content-Type: text/plain\r\n\r\nsee files\r\n")
	content := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{'x'}, size))
	for i := range n {
		fmt.Fprintf(&b, "--XX\r\nContent-Type: application/octet-stream\r\n"+
			"Content-Disposition: attachment; filename=\"f%d.bin\"\r\n"+
			"Content-Transfer-Encoding: base64\r\n\r\n%s\r\n", i, content)
	}
	b.WriteString("--XX--\r\n")
	return b.String()
}

func TestParseLimits(t *testing.T) {
	t.Parallel()
	plain, err := os.ReadFile("testdata/plain.eml")
	require.NoError(t, err)
	size := int64(len(plain))

	tests := []struct {
		name    string
		cfg     Config
		msg     string
		want    *LimitError
		message string
	}{
		{
			name: "MessageAtMaxMessageSizeParses",
			cfg:  Config{MaxMessageSize: size},
			msg:  string(plain),
		},
		{
			name:    "MessageOverMaxMessageSizeFails",
			cfg:     Config{MaxMessageSize: size - 1},
			msg:     string(plain),
			want:    &LimitError{Limit: "MaxMessageSize", Max: size - 1, Size: size},
			message: fmt.Sprintf("mailin: message is larger than MaxMessageSize (%d bytes)", size-1),
		},
		{
			name: "AttachmentAtMaxAttachmentSizeParses",
			cfg:  Config{MaxAttachmentSize: 1000},
			msg:  withAttachments(1, 1000),
		},
		{
			name:    "AttachmentOverMaxAttachmentSizeFails",
			cfg:     Config{MaxAttachmentSize: 999},
			msg:     withAttachments(2, 1000),
			want:    &LimitError{Limit: "MaxAttachmentSize", Max: 999, Size: 1000, Part: "f0.bin"},
			message: `mailin: attachment "f0.bin" is 1000 bytes, larger than MaxAttachmentSize (999 bytes)`,
		},
		{
			name: "MaxAttachmentsParses",
			cfg:  Config{MaxAttachments: 3},
			msg:  withAttachments(3, 10),
		},
		{
			name:    "OverMaxAttachmentsFails",
			cfg:     Config{MaxAttachments: 3},
			msg:     withAttachments(5, 10),
			want:    &LimitError{Limit: "MaxAttachments", Max: 3, Size: 5},
			message: "mailin: message has 5 attachments, more than MaxAttachments (3)",
		},
	}
	manyParts := func(n int, delim string) string {
		return "From: a@example.com\r\nMessage-ID: <parts@example.com>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
			strings.Repeat(delim+"\r\nContent-Type: text/plain\r\n\r\nx\r\n", n) + "--b--\r\n"
	}
	tests = append(tests,
		struct {
			name    string
			cfg     Config
			msg     string
			want    *LimitError
			message string
		}{
			name: "MaxPartsParses",
			cfg:  Config{MaxParts: 10},
			msg:  manyParts(9, "--b"),
		},
		struct {
			name    string
			cfg     Config
			msg     string
			want    *LimitError
			message string
		}{
			name:    "OverMaxPartsFails",
			cfg:     Config{MaxParts: 10},
			msg:     manyParts(20, "--b"),
			want:    &LimitError{Limit: "MaxParts", Max: 10, Size: 11},
			message: "mailin: message has more than MaxParts (10) MIME parts in one multipart",
		},
		struct {
			name    string
			cfg     Config
			msg     string
			want    *LimitError
			message string
		}{
			// The MIME parser takes "X--b" after a line break and "--b junk"
			// as delimiters too.
			name:    "DisguisedDelimitersCount",
			cfg:     Config{MaxParts: 10},
			msg:     manyParts(20, "X--b junk"),
			want:    &LimitError{Limit: "MaxParts", Max: 10, Size: 11},
			message: "mailin: message has more than MaxParts (10) MIME parts in one multipart",
		},
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := newTestParser(t, tt.cfg)
			in, err := p.Parse(strings.NewReader(tt.msg))
			if tt.want == nil {
				require.NoError(t, err)
				require.NotEmpty(t, in.MessageID)
				return
			}
			require.ErrorIs(t, err, ErrTooLarge)
			var le *LimitError
			require.ErrorAs(t, err, &le)
			require.Equal(t, tt.want, le)
			require.EqualError(t, err, tt.message)
			require.Zero(t, in)
		})
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

func TestParseReadsAtMostMaxMessageSizePlusOne(t *testing.T) {
	t.Parallel()
	p := newTestParser(t, Config{MaxMessageSize: 1024})
	r := &countingReader{r: bytes.NewReader(make([]byte, 1<<20))}
	_, err := p.Parse(r)
	require.ErrorIs(t, err, ErrTooLarge)
	require.Equal(t, int64(1025), r.n)
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	p := newTestParser(t, Config{})
	readErr := errors.New("connection reset")
	tests := []struct {
		name string
		r    io.Reader
		is   error
	}{
		{"EmptyInputIsMalformed", strings.NewReader(""), ErrMalformed},
		{"BlankInputIsMalformed", strings.NewReader("\r\n\r\n  "), ErrMalformed},
		{"NoHeaderIsMalformed", strings.NewReader("\r\njust a body\r\n"), ErrMalformed},
		{"ReadErrorIsWrapped", iotest.ErrReader(readErr), readErr},
		{"NormalMailWithoutFromHasNoSender", strings.NewReader("To: support@acme.example\r\nSubject: hi\r\n\r\nhello\r\n"), ErrNoSender},
		{"UnreadableFromHasNoSender", strings.NewReader("From: not an address\r\nSubject: hi\r\n\r\nhello\r\n"), ErrNoSender},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in, err := p.Parse(tt.r)
			require.ErrorIs(t, err, tt.is)
			require.Zero(t, in)
		})
	}
}

func TestParseSenderFallbacks(t *testing.T) {
	t.Parallel()
	p := newTestParser(t, Config{})

	// Sender stands in for a missing From.
	in, err := p.Parse(strings.NewReader("Sender: Ops <ops@example.com>\r\nSubject: hi\r\n\r\nhello\r\n"))
	require.NoError(t, err)
	require.Equal(t, Address{Name: "Ops", Address: "ops@example.com"}, in.From)

	// A bounce may come without a readable sender.
	in, err = p.Parse(strings.NewReader("From: MAILER-DAEMON\r\nReturn-Path: <>\r\nSubject: failure\r\n\r\nfailed\r\n"))
	require.NoError(t, err)
	require.Equal(t, ClassBounce, in.Class.Class)
	require.Empty(t, in.From.Address)
}

func TestParseCleansStrings(t *testing.T) {
	t.Parallel()
	p := newTestParser(t, Config{})
	msg := "From: \"Bad\x00Name\" <x@example.com>\r\n" +
		"To: support@acme.example, broken <<, Other <other@example.com>\r\n" +
		"Subject: caf\xe9 \x00 order\r\n" + // unlabelled Latin-1 and a NUL
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n" +
		"--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nnul\x00byte\r\n" +
		"--B\r\nContent-Type: application/octet-stream\r\n" +
		"Content-Disposition: attachment; filename=\"../../etc/" + strings.Repeat("n", 300) + ".txt\"\r\n\r\nx\r\n" +
		"--B\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment\r\n\r\ny\r\n" +
		"--B--\r\n"
	in, err := p.Parse(strings.NewReader(msg))
	require.NoError(t, err)
	require.Equal(t, "café order", in.Subject)
	require.Equal(t, "nulbyte", in.Text)
	require.Equal(t, Address{Name: "Bad Name", Address: "x@example.com"}, in.From)
	require.Equal(t, []string{"support@acme.example", "other@example.com"}, in.Recipients())
	require.NotEmpty(t, in.Warnings, "the broken To list is reported")
	require.Len(t, in.Parts, 2)
	require.Len(t, in.Parts[0].Name, maxNameLen)
	require.True(t, strings.HasPrefix(in.Parts[0].Name, "nnn"))
	require.True(t, strings.HasSuffix(in.Parts[0].Name, ".txt"))
	require.Equal(t, "attachment-2.pdf", in.Parts[1].Name)
}

func TestParseManyDashLinesAreNoParts(t *testing.T) {
	t.Parallel()
	// SQL comments, signatures and quoted headers start with "--" but
	// differ from each other.
	var b strings.Builder
	b.WriteString("From: a@example.com\r\nSubject: log\r\n\r\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "-- step %d\r\nSELECT %d;\r\n", i, i)
	}
	in, err := newTestParser(t, Config{}).Parse(strings.NewReader(b.String()))
	require.NoError(t, err)
	require.Contains(t, in.Text, "-- step 1999")
}

// TestParseManyPartsIsFast guards against the MIME parser's quadratic
// tree building: a message of 20,000 tiny parts must fail fast.
func TestParseManyPartsIsFast(t *testing.T) {
	t.Parallel()
	msg := "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		strings.Repeat("--b\r\n\r\nx\r\n", 20000) + "--b--\r\n"
	start := time.Now()
	_, err := newTestParser(t, Config{}).Parse(strings.NewReader(msg))
	require.ErrorIs(t, err, ErrTooLarge)
	require.Less(t, time.Since(start), 2*time.Second)
}

// TestParseDeepNestingIsFast guards against the MIME parser's time
// growing exponentially with the depth of unterminated multiparts.
func TestParseDeepNestingIsFast(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("From: a@example.com\r\n")
	for i := range 40 {
		fmt.Fprintf(&b, "Content-Type: MULTIPART/mixed; boundary=b%d\r\n\r\n--b%d\r\n", i, i)
	}
	b.WriteString("\r\nx\r\n")
	start := time.Now()
	in, err := newTestParser(t, Config{}).Parse(strings.NewReader(b.String()))
	var le *LimitError
	require.ErrorAs(t, err, &le)
	require.Equal(t, &LimitError{Limit: "MaxMultiparts", Max: DefaultMaxMultiparts, Size: DefaultMaxMultiparts + 1}, le)
	require.EqualError(t, err, "mailin: message has more than MaxMultiparts (16) multipart containers")
	require.Zero(t, in)
	require.Less(t, time.Since(start), time.Second)
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	_, err := New(Config{MaxMessageSize: -1, MaxAttachmentSize: -1, MaxAttachments: -1, MaxParts: -1, MaxMultiparts: -1,
		OwnAddresses: []string{"Help Desk <help@x.example>", "@", "ok@x.example", "@x.example"}})
	require.EqualError(t, err, "mailin: invalid Config: Config.MaxMessageSize must not be negative\n"+
		"Config.MaxAttachmentSize must not be negative\nConfig.MaxAttachments must not be negative\n"+
		"Config.MaxParts must not be negative\nConfig.MaxMultiparts must not be negative\n"+
		`Config.OwnAddresses entry "help desk <help@x.example>" is not a bare email address`+"\n"+
		`Config.OwnAddresses entry "@" is not a domain`)

	p, err := New(Config{})
	require.NoError(t, err)
	require.Equal(t, Config{}.WithDefaults(), p.cfg, "the Parser runs with the defaults")
}

func TestConfig_WithDefaults(t *testing.T) {
	t.Parallel()
	got := Config{}.WithDefaults()
	for _, tt := range []struct {
		field     string
		got, want any
	}{
		{"MaxMessageSize", got.MaxMessageSize, DefaultMaxMessageSize},
		{"MaxAttachmentSize", got.MaxAttachmentSize, DefaultMaxAttachmentSize},
		{"MaxAttachments", got.MaxAttachments, DefaultMaxAttachments},
		{"MaxParts", got.MaxParts, DefaultMaxParts},
		{"MaxMultiparts", got.MaxMultiparts, DefaultMaxMultiparts},
		{"OwnAddresses", got.OwnAddresses, []string(nil)},
	} {
		require.Equal(t, tt.want, tt.got, "Config.%s", tt.field)
	}
	require.Equal(t, 3, Config{MaxParts: 3}.WithDefaults().MaxParts, "a set field is kept")
}
