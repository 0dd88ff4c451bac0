//go:build unix

package sessionbus

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// A real dbus-daemon always answers, so these tests use a stand-in bus: it authenticates
// the client and then answers Hello like a daemon (or, with answerHello false, not even
// that) and nothing else.

// TestHostPresent_ABusThatDoesNotAnswer: closing the window asks whether a tray host runs;
// a session bus that takes the call and never answers must not keep the window from
// closing.
func TestHostPresent_ABusThatDoesNotAnswer(t *testing.T) {
	silenced := silentBus(t, true)

	start := time.Now()
	if bounded(t, HostPresent) {
		t.Fatal("a bus that did not answer reported a tray host")
	}
	if took := time.Since(start); took < callTimeout-100*time.Millisecond {
		t.Errorf("HostPresent gave up after %s, before its %s", took.Round(time.Millisecond), callTimeout)
	}
	select {
	case got := <-silenced:
		if got != "NameHasOwner" {
			t.Errorf("the call left unanswered was %q, want NameHasOwner", got)
		}
	case <-time.After(5 * time.Second):
		t.Error("the stand-in bus never received NameHasOwner")
	}

	// Notify is bounded the same way.
	if err := boundedErr(t, func() error { return Notify("summary", "body") }); err == nil {
		t.Error("Notify on a bus that does not answer reported success")
	}
}

// TestHostPresent_ABusThatDoesNotAnswerHello: godbus connects its shared connection (Auth,
// Hello) without a deadline; a bus that stops there is bounded too.
func TestHostPresent_ABusThatDoesNotAnswerHello(t *testing.T) {
	silentBus(t, false)
	if bounded(t, HostPresent) {
		t.Fatal("a bus that did not answer Hello reported a tray host")
	}
	if bounded(t, Available) {
		t.Fatal("a bus that did not answer Hello was reported available")
	}
}

// bounded runs fn and fails the test when it takes much longer than callTimeout.
func bounded(t *testing.T, fn func() bool) bool {
	t.Helper()
	var got bool
	_ = boundedErr(t, func() error { got = fn(); return nil })
	return got
}

func boundedErr(t *testing.T, fn func() error) error {
	t.Helper()
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(callTimeout + 5*time.Second):
		t.Fatalf("still waiting after %s", time.Since(start).Round(time.Millisecond))
		return nil
	}
}

// silentBus starts the stand-in bus, points DBUS_SESSION_BUS_ADDRESS at it and returns the
// members of the calls it left unanswered. godbus keeps one shared session connection per
// process: the cleanup closes it (and the bus), so the next test connects anew.
func silentBus(t *testing.T, answerHello bool) <-chan string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "bus")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	silenced := make(chan string, 16)
	served := make(chan struct{})
	var conn net.Conn
	accepted := make(chan struct{})
	go func() {
		defer close(served)
		c, err := l.Accept()
		if err != nil {
			close(accepted)
			return
		}
		conn = c
		close(accepted)
		serveSilentBus(t, c, answerHello, silenced)
	}()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+sock)
	t.Cleanup(func() {
		l.Close()
		<-accepted
		if conn != nil {
			conn.Close() // ends the client's wait, if any, and the shared connection
		}
		<-served
		if c, err := dbus.SessionBus(); err == nil {
			c.Close()
		}
	})
	return silenced
}

// serveSilentBus speaks just enough of the D-Bus protocol for a client to connect (SASL
// EXTERNAL, unix fd negotiation, and Hello when answerHello) and reads every other call
// without answering, reporting each member on silenced.
func serveSilentBus(t *testing.T, c net.Conn, answerHello bool, silenced chan<- string) {
	r := bufio.NewReader(c)
	if _, err := r.ReadByte(); err != nil { // the credentials byte
		return
	}
	for begun := false; !begun; {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch cmd := strings.TrimSpace(line); {
		case strings.HasPrefix(cmd, "AUTH EXTERNAL"):
			_, _ = c.Write([]byte("OK 0123456789abcdef0123456789abcdef\r\n"))
		case strings.HasPrefix(cmd, "AUTH"):
			_, _ = c.Write([]byte("REJECTED EXTERNAL\r\n"))
		case cmd == "NEGOTIATE_UNIX_FD":
			_, _ = c.Write([]byte("AGREE_UNIX_FD\r\n"))
		case cmd == "BEGIN":
			begun = true
		}
	}
	for {
		msg, err := dbus.DecodeMessage(r)
		if err != nil {
			return
		}
		member, _ := msg.Headers[dbus.FieldMember].Value().(string)
		if member != "Hello" || !answerHello {
			select {
			case silenced <- member:
			default:
			}
			continue
		}
		reply := &dbus.Message{
			Type: dbus.TypeMethodReply,
			Headers: map[dbus.HeaderField]dbus.Variant{
				dbus.FieldReplySerial: dbus.MakeVariant(msg.Serial()),
				dbus.FieldSignature:   dbus.MakeVariant(dbus.SignatureOf("")),
			},
			Body: []interface{}{":1.1"},
		}
		var buf bytes.Buffer
		if err := reply.EncodeTo(&buf, binary.LittleEndian); err != nil {
			t.Errorf("answering Hello: %v", err)
			return
		}
		// godbus leaves a message's own serial to its connection: the header's bytes 8-11.
		b := buf.Bytes()
		binary.LittleEndian.PutUint32(b[8:12], 1)
		if _, err := c.Write(b); err != nil {
			return
		}
	}
}
