//go:build unix

package sessionbus

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// TestHostPresent_ABusThatDoesNotAnswer: closing the window asks whether a tray host runs;
// a session bus that takes the call and never answers must not keep the window from
// closing. A real dbus-daemon always answers NameHasOwner, so this bus is a stand-in: it
// authenticates the client and answers Hello like a daemon, then stays silent.
func TestHostPresent_ABusThatDoesNotAnswer(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "bus")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	silenced := make(chan string, 4)
	go serveSilentBus(t, l, silenced)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+sock)

	start := time.Now()
	done := make(chan bool, 1)
	go func() { done <- HostPresent() }()
	select {
	case has := <-done:
		if has {
			t.Fatal("a bus that did not answer reported a tray host")
		}
	case <-time.After(callTimeout + 5*time.Second):
		t.Fatalf("HostPresent still waiting after %s", time.Since(start).Round(time.Millisecond))
	}
	if took := time.Since(start); took < callTimeout-100*time.Millisecond || took > callTimeout+2*time.Second {
		t.Errorf("HostPresent gave up after %s, want about %s", took.Round(time.Millisecond), callTimeout)
	}
	if got := <-silenced; got != "NameHasOwner" {
		t.Errorf("the call left unanswered was %q, want NameHasOwner", got)
	}

	// Notify is bounded the same way.
	start = time.Now()
	if err := Notify("summary", "body"); err == nil {
		t.Error("Notify on a bus that does not answer reported success")
	}
	if took := time.Since(start); took > callTimeout+2*time.Second {
		t.Errorf("Notify took %s", took.Round(time.Millisecond))
	}
}

// serveSilentBus speaks just enough of the D-Bus protocol for a client to connect (SASL
// EXTERNAL, unix fd negotiation, Hello) and then reads every other call without answering,
// reporting each member on silenced.
func serveSilentBus(t *testing.T, l net.Listener, silenced chan<- string) {
	c, err := l.Accept()
	if err != nil {
		return
	}
	defer c.Close()
	r := bufio.NewReader(c)
	if _, err := r.ReadByte(); err != nil { // the credentials byte
		return
	}
	for {
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
			goto messages
		}
	}
messages:
	for {
		msg, err := dbus.DecodeMessage(r)
		if err != nil {
			return
		}
		member, _ := msg.Headers[dbus.FieldMember].Value().(string)
		if member != "Hello" {
			silenced <- member
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

func TestMain(m *testing.M) {
	// The package's functions use godbus's shared session connection, made once per process
	// from DBUS_SESSION_BUS_ADDRESS: this package's tests must not find another bus first.
	os.Unsetenv("DBUS_SESSION_BUS_ADDRESS")
	os.Exit(m.Run())
}
