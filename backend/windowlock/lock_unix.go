//go:build unix

package windowlock

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Lock is a held window lock. Close releases it (the process ending releases it too).
type Lock struct {
	file *os.File
	ln   net.Listener
	sock string

	once sync.Once
	done chan struct{}
}

// maxSocketPath keeps under the smallest sun_path (104 bytes on macOS, 108 on Linux).
const maxSocketPath = 100

// socketPath is the data home's window socket: in the home when the path fits in a socket
// address, else in the temporary directory under a name derived from the home.
func socketPath(home string) string {
	p := filepath.Join(home, "window.sock")
	if len(p) <= maxSocketPath {
		return p
	}
	sum := sha256.Sum256([]byte(home))
	return filepath.Join(os.TempDir(), fmt.Sprintf("devarch-%d-%s.sock", os.Getuid(), hex.EncodeToString(sum[:8])))
}

// Acquire takes the window lock of the data home (creating the home, private, if needed)
// and starts listening for raise requests; call Serve to answer them. When another process
// holds it, the error is a *HeldError.
func Acquire(home string) (*Lock, error) {
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, fmt.Errorf("creating the data home %s: %w", home, err)
	}
	f, err := os.OpenFile(filepath.Join(home, "window.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the window lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &HeldError{Home: home}
		}
		return nil, fmt.Errorf("taking the window lock: %w", err)
	}
	sock := socketPath(home)
	_ = os.Remove(sock) // a killed window's socket: we hold the lock, so it is nobody's
	ln, err := net.Listen("unix", sock)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("listening on %s: %w", sock, err)
	}
	_ = os.Chmod(sock, 0o600)
	return &Lock{file: f, ln: ln, sock: sock, done: make(chan struct{})}, nil
}

// Serve answers raise requests until Close, calling raise for each (from its own
// goroutine; raise must be safe to call at any time, even before the window exists).
func (l *Lock) Serve(raise func()) {
	go func() {
		for {
			c, err := l.ln.Accept()
			if err != nil {
				return // closed
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(RaiseTimeout))
				line, err := bufio.NewReader(c).ReadString('\n')
				if err != nil || line != raiseRequest {
					return
				}
				raise()
				_, _ = c.Write([]byte(raiseReply))
			}()
		}
	}()
}

// Close stops answering and releases the lock.
func (l *Lock) Close() {
	l.once.Do(func() {
		close(l.done)
		_ = l.ln.Close()
		_ = os.Remove(l.sock)
		_ = l.file.Close()
	})
}

// Raise asks the window holding home's lock to come to the front, retrying until timeout
// (the holder may not listen yet).
func Raise(home string, timeout time.Duration) error {
	sock := socketPath(home)
	deadline := time.Now().Add(timeout)
	var last error
	for {
		last = raiseOnce(sock, deadline)
		if last == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the running window did not answer within %s: %w", timeout, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func raiseOnce(sock string, deadline time.Time) error {
	c, err := net.DialTimeout("unix", sock, time.Until(deadline))
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(deadline)
	if _, err := c.Write([]byte(raiseRequest)); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != raiseReply {
		return fmt.Errorf("unexpected answer %q", strings.TrimSpace(line))
	}
	return nil
}
