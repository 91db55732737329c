package mailin

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ticketkit/ticketkit/ticket"
)

// FuzzParse feeds arbitrary bytes to Parse, seeded with the corpus of
// testdata/*.eml. Parse must not panic (nor recover from a panic of the
// MIME library), must return the zero Inbound with every error, and a
// parsed Inbound must keep the package's promises: valid UTF-8 without
// NUL bytes, limits respected, a known class. Thread and Routes.Match
// must accept whatever Parse returns.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("testdata/*.eml")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	p, err := New(Config{
		MaxMessageSize:    1 << 20,
		MaxAttachmentSize: 64 << 10,
		MaxAttachments:    8,
		OwnAddresses:      []string{testOwn},
	})
	if err != nil {
		f.Fatal(err)
	}
	numbers := ticket.DefaultNumberer()
	routes := Routes{"support@acme.example": {TenantID: "acme"}}

	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := p.Parse(strings.NewReader(string(raw)))
		if errors.Is(err, errPanic) {
			t.Fatalf("MIME parser panicked: %v", err)
		}
		if err != nil {
			if !reflect.DeepEqual(in, Inbound{}) {
				t.Fatalf("Parse returned %+v with error %v", in, err)
			}
			return
		}
		strs := []string{in.MessageID, in.From.Name, in.From.Address, in.ReturnPath, in.Subject, in.Text, in.HTML}
		strs = append(strs, in.InReplyTo...)
		strs = append(strs, in.References...)
		strs = append(strs, in.Recipients()...)
		strs = append(strs, in.Warnings...)
		for _, a := range slices.Concat(in.To, in.Cc, in.ReplyTo) {
			strs = append(strs, a.Name, a.Address)
		}
		for _, part := range in.Parts {
			strs = append(strs, part.Name, part.ContentType, part.ContentID)
			if part.Size != int64(len(part.Content)) || part.Size > 64<<10 {
				t.Fatalf("part %q: Size %d, %d bytes", part.Name, part.Size, len(part.Content))
			}
			if part.Name == "" || len(part.Name) > maxNameLen || strings.ContainsAny(part.Name, "/\\") {
				t.Fatalf("unsafe part name %q", part.Name)
			}
		}
		for _, s := range strs {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("string %q is not valid UTF-8 without NUL", s)
			}
		}
		if len(in.Parts) > 8 || len(in.InReplyTo) > maxReferences || len(in.References) > maxReferences || len(in.Warnings) > maxWarnings {
			t.Fatalf("unbounded lists: %d parts, %d/%d references, %d warnings",
				len(in.Parts), len(in.InReplyTo), len(in.References), len(in.Warnings))
		}
		if !slices.Contains(Classes(), in.Class.Class) {
			t.Fatalf("unknown class %q", in.Class.Class)
		}
		if in.Class.Class == ClassNormal && in.From.Address == "" {
			t.Fatal("normal mail without a sender")
		}
		if in.Size != int64(len(raw)) || len(in.Digest) != 64 {
			t.Fatalf("Size %d of %d bytes, Digest %q", in.Size, len(raw), in.Digest)
		}
		ref := Thread(in, testDomain, numbers.Find)
		if ref.Match == ThreadByHeader && ref.TicketID == "" || ref.Match == ThreadBySubject && ref.Number == "" {
			t.Fatalf("incomplete %+v", ref)
		}
		if m, ok := routes.Match(in); ok && m.TenantID != "acme" {
			t.Fatalf("route %+v", m)
		}
	})
}
