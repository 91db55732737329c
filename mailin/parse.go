package mailin

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"net/textproto"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jhillyerd/enmime/v2"
	"golang.org/x/text/encoding/charmap"
)

const (
	// maxWarnings bounds Inbound.Warnings.
	maxWarnings = 20
	// maxReferences bounds In-Reply-To and References: replies in
	// long threads carry dozens, never thousands.
	maxReferences = 100
	// maxNameLen bounds part names, as ticketkit.AttachmentInput does.
	maxNameLen = 255
)

// errPanic is wrapped by the error Parse returns when the MIME library
// panics on hostile input, so that one message cannot bring a receiver
// down. The fuzz test treats it as a finding.
var errPanic = errors.New("mailin: MIME parser panicked")

// Parse reads one raw RFC 5322 message from r and returns it parsed,
// classified and checked against the limits of the Config. It reads at
// most Config.MaxMessageSize+1 bytes. With any error the returned
// Inbound is the zero value.
func (p *Parser) Parse(r io.Reader) (in Inbound, err error) {
	raw, err := io.ReadAll(io.LimitReader(r, p.cfg.MaxMessageSize+1))
	if err != nil {
		return Inbound{}, fmt.Errorf("mailin: reading message: %w", err)
	}
	if int64(len(raw)) > p.cfg.MaxMessageSize {
		return Inbound{}, &LimitError{Limit: "MaxMessageSize", Max: p.cfg.MaxMessageSize, Size: int64(len(raw))}
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return Inbound{}, fmt.Errorf("%w: empty input", ErrMalformed)
	}
	if n := countParts(raw, p.cfg.MaxParts+1); n > p.cfg.MaxParts {
		return Inbound{}, &LimitError{Limit: "MaxParts", Max: int64(p.cfg.MaxParts), Size: int64(n)}
	}
	if n := countFold(raw, "multipart", p.cfg.MaxMultiparts+1); n > p.cfg.MaxMultiparts {
		return Inbound{}, &LimitError{Limit: "MaxMultiparts", Max: int64(p.cfg.MaxMultiparts), Size: int64(n)}
	}
	defer func() {
		if v := recover(); v != nil {
			in, err = Inbound{}, fmt.Errorf("%w: %v", errPanic, v)
		}
	}()
	in, err = p.parse(raw)
	if err != nil {
		return Inbound{}, err
	}
	return in, nil
}

func (p *Parser) parse(raw []byte) (Inbound, error) {
	env, err := p.enmime.ReadEnvelope(bytes.NewReader(raw))
	if err != nil {
		return Inbound{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if env.Root == nil || len(env.Root.Header) == 0 {
		return Inbound{}, fmt.Errorf("%w: no header fields", ErrMalformed)
	}
	sum := sha256.Sum256(raw)
	in := Inbound{
		Header: cloneHeader(env.Root.Header),
		Size:   int64(len(raw)),
		Digest: hex.EncodeToString(sum[:]),
	}
	w := &warnings{}
	for _, e := range env.Errors {
		w.add(e.Error())
	}
	h := env.Root.Header

	in.MessageID = first(messageIDs(h.Get("Message-Id"), 1))
	in.InReplyTo = messageIDs(strings.Join(h.Values("In-Reply-To"), " "), p.maxRefs)
	in.References = messageIDs(strings.Join(h.Values("References"), " "), p.maxRefs)
	if d, err := env.Date(); err == nil {
		in.Date = d.UTC()
	}

	from := addressList(env, "From", w)
	if len(from) == 0 {
		from = addressList(env, "Sender", w)
	}
	if len(from) > 0 {
		in.From = from[0]
	}
	in.ReplyTo = addressList(env, "Reply-To", w)
	in.To = addressList(env, "To", w)
	in.Cc = addressList(env, "Cc", w)
	in.DeliveredTo = bareAddresses(h.Values("Delivered-To"))
	in.OriginalTo = bareAddresses(h.Values("X-Original-To"))
	if rp := h.Values("Return-Path"); len(rp) > 0 {
		// The last MTA prepends Return-Path: the first one is the
		// envelope sender of this delivery.
		v := strings.TrimSpace(rp[0])
		if strings.Trim(v, "<> \t") == "" {
			in.NullReturnPath = true
		} else {
			in.ReturnPath = first(bareAddresses([]string{v}))
		}
	}

	in.Subject = cleanLine(env.GetHeader("Subject"))
	in.Text = cleanText(env.Text)
	in.HTML = cleanText(env.HTML)

	parts, err := p.parts(env)
	if err != nil {
		return Inbound{}, err
	}
	in.Parts = parts
	in.Class = p.classify(env.Root, in)
	if in.Class.Class == ClassNormal && in.From.Address == "" {
		return Inbound{}, fmt.Errorf("%w: From %q", ErrNoSender, cleanLine(h.Get("From")))
	}
	in.Warnings = w.list
	return in, nil
}

// parts collects attachments and inline parts in message order and
// checks them against the limits.
func (p *Parser) parts(env *enmime.Envelope) ([]Part, error) {
	want := map[*enmime.Part]bool{}
	for _, list := range [][]*enmime.Part{env.Attachments, env.Inlines, env.OtherParts} {
		for _, part := range list {
			want[part] = true
		}
	}
	var out []Part
	var err error
	// DepthMatchAll walks the tree in message order; the matcher does
	// the work and keeps nothing.
	env.Root.DepthMatchAll(func(ep *enmime.Part) bool {
		if err != nil || !want[ep] || isBodyText(ep) {
			return false
		}
		if len(out) == p.cfg.MaxAttachments {
			err = &LimitError{Limit: "MaxAttachments", Max: int64(p.cfg.MaxAttachments), Size: int64(len(want))}
			return false
		}
		part := Part{
			ContentType: strings.ToLower(ep.ContentType),
			ContentID:   cleanLine(strings.Trim(ep.ContentID, "<> ")),
			Size:        int64(len(ep.Content)),
			Content:     ep.Content,
		}
		if part.ContentType == "" {
			part.ContentType = "application/octet-stream"
		}
		part.Inline = ep.Disposition != "attachment" &&
			(ep.Disposition == "inline" || part.ContentID != "")
		part.Name = partName(ep.FileName, part.ContentType, len(out)+1)
		if part.Size > p.cfg.MaxAttachmentSize {
			err = &LimitError{Limit: "MaxAttachmentSize", Max: p.cfg.MaxAttachmentSize, Size: part.Size, Part: part.Name}
			return false
		}
		out = append(out, part)
		return false
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// isBodyText reports whether ep is a body text part that enmime also
// lists as an inline part, as Apple Mail's "Content-Disposition: inline"
// text parts are.
func isBodyText(ep *enmime.Part) bool {
	return ep.FileName == "" && ep.Disposition != "attachment" &&
		(ep.ContentType == "text/plain" || ep.ContentType == "text/html")
}

// partName returns a safe file name for a part: the base name of the
// given one, cleaned, or "attachment-{n}{ext}".
func partName(name, contentType string, n int) string {
	name = cleanLine(name)
	name = strings.ReplaceAll(name, "\\", "/")
	name = strings.TrimSpace(path.Base(name))
	if name == "." || name == "/" || name == ".." {
		name = ""
	}
	if name == "" {
		ext := ""
		switch contentType {
		case "message/rfc822":
			ext = ".eml"
		case "text/plain", "message/delivery-status", "text/rfc822-headers":
			ext = ".txt"
		default:
			if exts, _ := mime.ExtensionsByType(contentType); len(exts) > 0 {
				ext = exts[0]
			}
		}
		return "attachment-" + strconv.Itoa(n) + ext
	}
	if len(name) > maxNameLen {
		ext := path.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		name = truncateUTF8(name, maxNameLen-len(ext)) + ext
	}
	return name
}

// addressList parses an address header leniently: when the whole list
// does not parse, each comma-separated entry is tried on its own.
func addressList(env *enmime.Envelope, key string, w *warnings) []Address {
	value := env.Root.Header.Get(key)
	if strings.TrimSpace(value) == "" {
		return nil
	}
	list, err := env.AddressList(key)
	if err != nil {
		w.add(fmt.Sprintf("%s: %v", key, err))
		for _, entry := range strings.Split(value, ",") {
			if a, err := enmime.ParseAddressList(entry); err == nil {
				list = append(list, a...)
			} else if a := angleAddress(entry); a != nil {
				list = append(list, a)
			}
		}
	}
	var out []Address
	for _, a := range list {
		addr := normAddress(a.Address)
		if addr == "" {
			continue
		}
		out = append(out, Address{Name: cleanLine(a.Name), Address: addr})
	}
	return out
}

// angleAddress is the last resort for an address entry that does not
// parse, such as one with a control character in its display name: the
// address between the last "<" and ">", and the text before it as the
// name.
func angleAddress(entry string) *mail.Address {
	start := strings.LastIndexByte(entry, '<')
	end := strings.LastIndexByte(entry, '>')
	if start < 0 || end < start {
		return nil
	}
	a, err := mail.ParseAddress(entry[start : end+1])
	if err != nil {
		return nil
	}
	a.Name = enmime.DecodeRFC2047(strings.Trim(strings.TrimSpace(entry[:start]), `"`))
	return a
}

// bareAddresses parses header values that each hold one address, such
// as Delivered-To, and returns them lower-cased.
func bareAddresses(values []string) []string {
	var out []string
	for _, v := range values {
		v = strings.TrimSpace(v)
		if a, err := mail.ParseAddress(v); err == nil {
			v = a.Address
		} else {
			v = strings.Trim(v, "<>")
		}
		if addr := normAddress(v); addr != "" {
			out = append(out, addr)
		}
	}
	return out
}

// normAddress lower-cases the ASCII letters of an address and returns ""
// unless it looks like local@domain. Other letters keep their case:
// Unicode lower-casing would turn look-alikes into other people's
// addresses ("\u212aim@example.com", with a KELVIN SIGN, into
// kim@example.com), and the desk would take a stranger for its customer.
func normAddress(a string) string {
	a = lowerASCII(cleanLine(a))
	at := strings.LastIndexByte(a, '@')
	if at <= 0 || at == len(a)-1 || strings.ContainsAny(a, " \t<>,") {
		return ""
	}
	return a
}

// messageIDs returns the message IDs of a header value without angle
// brackets, at most limit of them. IDs are taken from "<...>" tokens;
// a value without any brackets counts as white-space separated IDs.
func messageIDs(value string, limit int) []string {
	var out []string
	add := func(id string) {
		id = strings.TrimSpace(id)
		if id != "" && utf8.ValidString(id) && !strings.ContainsFunc(id, unicode.IsControl) && len(out) < limit {
			out = append(out, id)
		}
	}
	if !strings.Contains(value, "<") {
		for _, f := range strings.Fields(value) {
			if strings.Contains(f, "@") {
				add(f)
			}
		}
		return out
	}
	for rest := value; len(out) < limit; {
		start := strings.IndexByte(rest, '<')
		if start < 0 {
			break
		}
		end := strings.IndexByte(rest[start:], '>')
		if end < 0 {
			break
		}
		add(rest[start+1 : start+end])
		rest = rest[start+end+1:]
	}
	return out
}

// cleanLine cleans a header value: valid UTF-8, no control characters,
// runs of white space folded to one space.
func cleanLine(s string) string {
	s = toUTF8(s)
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
}

// cleanText makes a body storable: valid UTF-8, "\n" line ends, no NUL
// bytes.
func cleanText(s string) string {
	s = toUTF8(s)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\x00", "")
}

// toUTF8 returns s unchanged if it is valid UTF-8 and otherwise decodes
// it as Windows-1252, the usual charset of unlabelled 8-bit mail (a
// superset of ISO-8859-1's printable characters).
func toUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	if out, err := charmap.Windows1252.NewDecoder().String(s); err == nil && utf8.ValidString(out) {
		return out
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// truncateUTF8 cuts s to at most n bytes without splitting a rune.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func first(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

// warnings collects at most maxWarnings distinct warnings.
type warnings struct{ list []string }

func (w *warnings) add(s string) {
	s = cleanLine(s)
	if len(w.list) < maxWarnings && s != "" {
		w.list = append(w.list, s)
	}
}

// lowerASCII returns s with its ASCII letters in lower case.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// SameAddress reports whether a and b are one email address, ignoring
// the case of ASCII letters only (see Address): a sender check that
// folds Unicode case (strings.EqualFold) takes "\u212aim@example.com"
// for kim@example.com.
func SameAddress(a, b string) bool {
	return lowerASCII(a) == lowerASCII(b)
}

// headerValue returns the first value of a header field, trimmed and
// lower-cased, and whether the field is present.
func headerValue(h textproto.MIMEHeader, key string) (string, bool) {
	v, ok := h[textproto.CanonicalMIMEHeaderKey(key)]
	if !ok || len(v) == 0 {
		return "", false
	}
	return strings.ToLower(strings.TrimSpace(v[0])), true
}

// cloneHeader copies h so that the Inbound shares nothing with the
// parser.
func cloneHeader(h textproto.MIMEHeader) mail.Header {
	out := make(mail.Header, len(h))
	for k, v := range h {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// countParts returns, up to limit, how often the most frequent
// candidate boundary delimiter occurs in raw: a line that starts with
// "--" counts for the text up to its first white space, without a
// trailing "--". The MIME parser appends each part to its parent in time
// linear in the parent's children so far, so that a multipart with n
// children costs n²; this count bounds n and takes linear time.
//
// It is deliberately as lenient as the parser, which takes a delimiter
// to start up to two bytes after a CR or LF and to end at any white
// space, so that delimiters cannot be disguised. Ordinary lines count
// too, but only hundreds of identical ones reach the limit.
func countParts(raw []byte, limit int) int {
	counts := map[string]int{}
	most := 0
	count := func(start int) {
		line := raw[start+2:]
		if i := bytes.IndexAny(line, " \t\r\n\v\f"); i >= 0 {
			line = line[:i]
		}
		line = bytes.TrimSuffix(line, []byte("--"))
		if len(line) == 0 {
			return // boundaries are never empty
		}
		if len(line) > 200 {
			line = line[:200]
		}
		counts[string(line)]++
		most = max(most, counts[string(line)])
	}
	last := -1
	if bytes.HasPrefix(raw, []byte("--")) {
		count(0)
		last = 0
	}
	for i := 0; i < len(raw) && most < limit; i++ {
		if raw[i] != '\n' && raw[i] != '\r' {
			continue
		}
		for _, start := range []int{i + 1, i + 2} {
			if start > last && start+2 <= len(raw) && bytes.HasPrefix(raw[start:], []byte("--")) {
				count(start)
				last = start
				break
			}
		}
	}
	return most
}

// countFold counts, up to limit, the occurrences of the lower-case ASCII
// word in raw, ignoring case.
func countFold(raw []byte, word string, limit int) int {
	n := 0
	for i := 0; i+len(word) <= len(raw) && n < limit; i++ {
		if raw[i]|0x20 == word[0] && bytes.EqualFold(raw[i:i+len(word)], []byte(word)) {
			n++
			i += len(word) - 1
		}
	}
	return n
}
