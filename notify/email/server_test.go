package email_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/jhillyerd/enmime/v2"
	"github.com/stretchr/testify/require"
)

// received is one message the test server accepted.
type received struct {
	From string
	To   []string
	Data []byte
	// TLS reports whether the session was encrypted.
	TLS bool
}

// backend is a go-smtp backend that records what it receives.
type backend struct {
	// user and password, when set, are required through AUTH PLAIN.
	user, password string
	// reject lists recipient addresses refused with 550.
	reject map[string]bool
	// tempfail lists recipient addresses refused with 451.
	tempfail map[string]bool
	// dataErr, when set, refuses every message after its DATA.
	dataErr error
	// onData, when set, is called with each message before it is
	// accepted. It may block, to stall the session.
	onData func()

	mu       sync.Mutex
	sessions int
	messages []received
}

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sessions++
	return &session{b: b, conn: c}, nil
}

// Sessions returns how many SMTP connections were opened.
func (b *backend) Sessions() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sessions
}

// Messages returns the accepted messages.
func (b *backend) Messages() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.messages...)
}

type session struct {
	b      *backend
	conn   *smtp.Conn
	authed bool
	from   string
	to     []string
}

var _ smtp.AuthSession = (*session)(nil)

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, password string) error {
		if user != s.b.user || password != s.b.password {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.b.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	switch {
	case s.b.reject[to]:
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
	case s.b.tempfail[to]:
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.b.onData != nil {
		s.b.onData()
	}
	if s.b.dataErr != nil {
		return s.b.dataErr
	}
	_, encrypted := s.conn.TLSConnectionState()
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.messages = append(s.b.messages, received{From: s.from, To: s.to, Data: data, TLS: encrypted})
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

// serverTLS says how the test server encrypts.
type serverTLS int

const (
	plainText   serverTLS = iota // no TLS; AUTH allowed in clear text
	startTLS                     // STARTTLS offered; AUTH only after it
	implicitTLS                  // TLS from the first byte; AUTH allowed
)

// serve starts an SMTP server for b on 127.0.0.1. It returns the port
// and a function that stops the server and waits, up to 5 seconds, for
// its goroutines; stop never hangs.
func serve(b *backend, mode serverTLS) (port int, stop func() error, err error) {
	srv := smtp.NewServer(b)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = mode != startTLS
	srv.ReadTimeout = 5 * time.Second
	srv.WriteTimeout = 5 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, nil, err
	}
	port = ln.Addr().(*net.TCPAddr).Port
	switch mode {
	case startTLS:
		srv.TLSConfig = serverTLSConfig()
	case implicitTLS:
		ln = tls.NewListener(ln, serverTLSConfig())
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	stop = func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			_ = srv.Close() // drops the sessions still open
		}
		// Serve adds ln to the listeners Shutdown closes only once it
		// runs: when Shutdown came first, Serve would accept forever.
		_ = ln.Close()
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, smtp.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("smtp server: %w", err)
			}
			return nil
		case <-time.After(5 * time.Second):
			return errors.New("smtp server did not stop")
		}
	}
	return port, stop, nil
}

// startServer starts a clear-text SMTP server on 127.0.0.1 and returns
// its port. It shuts down when the test ends.
func startServer(t *testing.T, b *backend) int {
	t.Helper()
	return startTLSServer(t, b, plainText)
}

// startTLSServer starts an SMTP server encrypting as mode says, with a
// certificate that [clientTLSConfig] trusts, and returns its port. It
// shuts down when the test ends.
func startTLSServer(t *testing.T, b *backend, mode serverTLS) int {
	t.Helper()
	port, stop, err := serve(b, mode)
	require.NoError(t, err)
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	})
	return port
}

// testCert is a self-signed certificate for 127.0.0.1 and localhost.
var testCert = sync.OnceValues(func() (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "ticketkit test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, pool
})

func serverTLSConfig() *tls.Config {
	cert, _ := testCert()
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
}

// clientTLSConfig trusts the test servers' certificate.
func clientTLSConfig() *tls.Config {
	_, pool := testCert()
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

// startRawServer accepts connections and runs handle on each, until the
// test ends. It returns its port.
func startRawServer(t *testing.T, handle func(net.Conn)) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() { handle(c) })
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().(*net.TCPAddr).Port
}

// startSilentServer accepts connections and never answers, until the
// test ends. It returns its port.
func startSilentServer(t *testing.T) int {
	t.Helper()
	return startRawServer(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
}

// startHangUpServer greets, answers EHLO, then hangs up at the next
// command. It returns its port.
func startHangUpServer(t *testing.T) int {
	t.Helper()
	return startRawServer(t, func(c net.Conn) {
		defer func() { _ = c.Close() }()
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		r := bufio.NewReader(c)
		_, _ = io.WriteString(c, "220 localhost ESMTP\r\n")
		if _, err := r.ReadString('\n'); err != nil {
			return
		}
		_, _ = io.WriteString(c, "250-localhost\r\n250 8BITMIME\r\n")
		_, _ = r.ReadString('\n')
	})
}

// closedPort returns a port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	return port
}

// parse reads a received message with enmime.
func parse(t *testing.T, m received) *enmime.Envelope {
	t.Helper()
	env, err := enmime.ReadEnvelope(bytes.NewReader(m.Data))
	require.NoError(t, err)
	require.Empty(t, env.Errors)
	return env
}

func itoa(i int) string { return strconv.Itoa(i) }
