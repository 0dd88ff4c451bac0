package runtime

import (
	"regexp"
	"strconv"
	"strings"
)

// portTakenRE matches the engine's two ways of saying a host port is held: docker's
// "Bind for 127.0.0.1:28080 failed: port is already allocated" (another container has it)
// and the kernel's "listen tcp4 0.0.0.0:80: bind: address already in use" (another
// process has it). The address may be an IPv6 literal in brackets.
var portTakenRE = regexp.MustCompile(`(?:Bind for |listen (?:tcp|udp)[46]? )(\S+):(\d{1,5})(?: failed)?: (?:bind: )?(port is already allocated|address already in use)`)

// PortTaken reads a failed command's stderr for a host port that was already taken, and
// returns the address (without brackets, "" when it was unspecified) and the port. ok is
// false when the output says nothing of the kind. The last mention wins: it is the one the
// command failed on.
//
// Invariant: when ok, 0 < port <= 65535.
func PortTaken(stderr string) (ip string, port int, ok bool) {
	all := portTakenRE.FindAllStringSubmatch(stderr, -1)
	if len(all) == 0 {
		return "", 0, false
	}
	m := all[len(all)-1]
	p, err := strconv.Atoi(m[2])
	if err != nil || p <= 0 || p > 65535 {
		return "", 0, false
	}
	ip = strings.TrimSuffix(strings.TrimPrefix(m[1], "["), "]")
	return ip, p, true
}
