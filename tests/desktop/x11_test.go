//go:build unix

package desktop_test

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// closeWindow asks X window win to close the way a window manager's close button does: it
// sends the window a WM_PROTOCOLS client message carrying WM_DELETE_WINDOW (ICCCM 4.2.8.1),
// which GTK turns into the window's delete-event, the path a user's click on the close button
// takes into Wails. Xvfb runs no window manager and xdotool (3.2016) can only destroy a
// window, so the few X11 core-protocol requests needed are written here by hand.
func closeWindow(display string, win uint32) error {
	num := strings.TrimPrefix(display, ":")
	if i := strings.IndexByte(num, '.'); i >= 0 {
		num = num[:i]
	}
	c, err := net.Dial("unix", "/tmp/.X11-unix/X"+num)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	le := binary.LittleEndian

	// Connection setup: little-endian, protocol 11.0, no authorization (the test's Xvfb has
	// no access control).
	if _, err := c.Write([]byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}); err != nil {
		return err
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(c, head); err != nil {
		return fmt.Errorf("X setup: %w", err)
	}
	rest := make([]byte, int(le.Uint16(head[6:8]))*4)
	if _, err := io.ReadFull(c, rest); err != nil {
		return fmt.Errorf("X setup: %w", err)
	}
	if head[0] != 1 {
		return fmt.Errorf("X server refused the connection: %q", rest[:min(int(head[1]), len(rest))])
	}

	// reply reads the 32-byte reply to the last request, failing on an X error.
	reply := func(what string) ([]byte, error) {
		r := make([]byte, 32)
		if _, err := io.ReadFull(c, r); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if r[0] == 0 {
			return nil, fmt.Errorf("%s: X error code %d", what, r[1])
		}
		if extra := le.Uint32(r[4:8]); r[0] == 1 && extra > 0 {
			if _, err := io.CopyN(io.Discard, c, int64(extra)*4); err != nil {
				return nil, err
			}
		}
		return r, nil
	}
	internAtom := func(name string) (uint32, error) {
		pad := (4 - len(name)%4) % 4
		req := make([]byte, 8+len(name)+pad)
		req[0] = 16 // InternAtom, only-if-exists false
		le.PutUint16(req[2:], uint16(len(req)/4))
		le.PutUint16(req[4:], uint16(len(name)))
		copy(req[8:], name)
		if _, err := c.Write(req); err != nil {
			return 0, err
		}
		r, err := reply("InternAtom " + name)
		if err != nil {
			return 0, err
		}
		return le.Uint32(r[8:12]), nil
	}
	protocols, err := internAtom("WM_PROTOCOLS")
	if err != nil {
		return err
	}
	deleteWindow, err := internAtom("WM_DELETE_WINDOW")
	if err != nil {
		return err
	}

	// SendEvent(propagate false, destination win, mask 0: deliver to the window's owner) of a
	// ClientMessage(format 32, window win, type WM_PROTOCOLS, data [WM_DELETE_WINDOW, CurrentTime]).
	req := make([]byte, 44)
	req[0] = 25
	le.PutUint16(req[2:], 11)
	le.PutUint32(req[4:], win)
	ev := req[12:]
	ev[0] = 33 // ClientMessage
	ev[1] = 32 // format
	le.PutUint32(ev[4:], win)
	le.PutUint32(ev[8:], protocols)
	le.PutUint32(ev[12:], deleteWindow)
	if _, err := c.Write(req); err != nil {
		return err
	}
	// GetInputFocus as a round trip: its reply (or an error for the SendEvent) proves the
	// server has handled the request before the connection closes.
	if _, err := c.Write([]byte{43, 0, 1, 0}); err != nil {
		return err
	}
	_, err = reply("SendEvent")
	return err
}
