//go:build unix

package windowlock

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
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

// Serve answers requests until Close, each on its own goroutine with the handler h has for
// it (see Handlers).
func (l *Lock) Serve(h Handlers) {
	go func() {
		for {
			c, err := l.ln.Accept()
			if err != nil {
				return // closed
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(RaiseTimeout))
				line, err := bufio.NewReader(io.LimitReader(c, maxRequestLen+1)).ReadString('\n')
				if err != nil {
					return
				}
				_, _ = c.Write([]byte(answer(h, line)))
			}()
		}
	}()
}

// answer runs the handler for one request line and returns the reply line.
func answer(h Handlers, line string) string {
	req, err := parseRequest(line)
	if err != nil {
		return unsupported
	}
	switch {
	case req.kind == "quit" && h.Quit != nil:
		// The reply goes out before the app starts quitting: the tray that asked waits
		// for it, then quits itself.
		go h.Quit()
		return quitReply
	case req.kind != "quit" && h.Raise != nil:
		h.Raise(req.stack)
		return raiseReply
	}
	return unsupported
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
	return send(home, raiseRequest, raiseReply, timeout, true)
}

// Open asks the window of data home home to come to the front at stack's page (the whole
// window when stack is empty). It fails with ErrNoWindow at once when no window listens.
func Open(home, stack string, timeout time.Duration) error {
	req := raiseRequest
	if stack != "" {
		req = openPrefix + stack + "\n"
		if _, err := parseRequest(req); err != nil {
			return err
		}
	}
	return send(home, req, raiseReply, timeout, false)
}

// Quit asks the window of data home home to quit (the app, not just the window). It returns
// once the window has accepted; the app then shuts down on its own. It fails with
// ErrNoWindow at once when no window listens.
func Quit(home string, timeout time.Duration) error {
	return send(home, quitRequest, quitReply, timeout, false)
}

// send makes one request and checks its reply, retrying until timeout. When waitListener is
// false, a socket nobody listens on (missing, or left by a killed window) is ErrNoWindow at
// once: the caller was not told that a window holds the lock.
func send(home, req, reply string, timeout time.Duration, waitListener bool) error {
	sock := socketPath(home)
	deadline := time.Now().Add(timeout)
	var last error
	for {
		last = sendOnce(sock, req, reply, deadline)
		if last == nil {
			return nil
		}
		if !waitListener && (errors.Is(last, syscall.ENOENT) || errors.Is(last, syscall.ECONNREFUSED)) {
			return ErrNoWindow
		}
		if errors.Is(last, errUnsupported) {
			return last
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the running window did not answer within %s: %w", timeout, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var errUnsupported = errors.New("the running window does not support this request (an older DevArch?)")

func sendOnce(sock, req, reply string, deadline time.Time) error {
	c, err := net.DialTimeout("unix", sock, time.Until(deadline))
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(deadline)
	if _, err := c.Write([]byte(req)); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line == unsupported {
		return errUnsupported
	}
	if line != reply {
		return fmt.Errorf("unexpected answer %q", strings.TrimSpace(line))
	}
	return nil
}

// TrayLock is a held tray lock: one tray item per data home, whichever process shows it
// (the window's own tray, its tray process, or a `devarch tray` started alone).
type TrayLock struct{ file *os.File }

// AcquireTray takes the data home's tray lock (HOME/tray.lock, a file lock the kernel
// releases when the process ends). When another process holds it the error is a
// *TrayHeldError: a tray already shows this data home.
func AcquireTray(home string) (*TrayLock, error) {
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, fmt.Errorf("creating the data home %s: %w", home, err)
	}
	f, err := os.OpenFile(filepath.Join(home, "tray.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the tray lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &TrayHeldError{Home: home}
		}
		return nil, fmt.Errorf("taking the tray lock: %w", err)
	}
	return &TrayLock{file: f}, nil
}

// Close releases the tray lock.
func (l *TrayLock) Close() { _ = l.file.Close() }
