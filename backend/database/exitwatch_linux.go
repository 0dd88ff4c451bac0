package database

import (
	"context"

	"golang.org/x/sys/unix"
)

// watchExits returns a channel closed as soon as one of pids exits (or when ctx ends), and
// true; false when the system cannot watch them (no pidfd: Linux before 5.3), and the
// keeper then looks periodically instead. It is how the keeper learns that a client was
// killed without waking on a timer: the server ends a client's backend process when the
// client's connection drops, and a pidfd becomes readable when its process exits.
//
// A pid that is already gone counts as an exit at once (the caller counts again).
func watchExits(ctx context.Context, pids []int) (<-chan struct{}, bool) {
	done := make(chan struct{})
	var fds []int
	for _, pid := range pids {
		fd, err := unix.PidfdOpen(pid, 0)
		if err == unix.ESRCH {
			for _, f := range fds {
				unix.Close(f)
			}
			close(done)
			return done, true
		}
		if err != nil {
			for _, f := range fds {
				unix.Close(f)
			}
			return nil, false
		}
		fds = append(fds, fd)
	}
	// One more descriptor, a pipe, lets ctx interrupt the poll.
	var stop [2]int
	if err := unix.Pipe2(stop[:], unix.O_CLOEXEC); err != nil {
		for _, f := range fds {
			unix.Close(f)
		}
		return nil, false
	}
	go func() {
		select {
		case <-ctx.Done():
			_, _ = unix.Write(stop[1], []byte{0}) // EPIPE once the poll has returned: harmless
		case <-done:
		}
		unix.Close(stop[1])
	}()
	go func() {
		pfds := []unix.PollFd{{Fd: int32(stop[0]), Events: unix.POLLIN}}
		for _, f := range fds {
			pfds = append(pfds, unix.PollFd{Fd: int32(f), Events: unix.POLLIN})
		}
		for {
			n, err := unix.Poll(pfds, -1)
			if err == unix.EINTR {
				continue
			}
			if err != nil || n > 0 {
				break
			}
		}
		for _, f := range fds {
			unix.Close(f)
		}
		unix.Close(stop[0])
		close(done)
	}()
	return done, true
}
