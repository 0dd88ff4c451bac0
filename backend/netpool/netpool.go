// Package netpool slices DevArch's private address pool into one subnet per stack. It is
// pure: it parses the pool settings and picks free slices from what it is told is taken
// (other stacks' subnets, the host's routes, the engine's other networks); reading those is
// the store's and the runtime's job.
//
// Why a pool of its own: Docker's default address pools hand each network a /16 or /20 of
// 172.17-31.0.0/16 and 192.168.0.0/16, about 30 networks in all, so the 31st stack could
// not start. A stack needs a handful of addresses (the gateway plus one per container), so
// a /24 slice of 10.200.0.0/16 gives 256 stacks of up to 253 containers each.
package netpool

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"net/netip"
	"strconv"
	"strings"
)

// Environment variables that configure the pool.
const (
	EnvPool  = "DEVARCH_NETWORK_POOL"
	EnvSlice = "DEVARCH_NETWORK_SLICE"
)

// Defaults: 10.200.0.0/16 is private (RFC 1918), outside Docker's default pools and rarely
// routed by VPNs or home routers (which favour 10.0/16, 10.8/16, 192.168/16); /26 slices give
// 1024 stacks of 61 containers. A stack holds its slice from creation to deletion, so the
// pool bounds the stacks in the database, not only the running ones: /24 slices (256) ran
// out before the 500 stacks DevArch is measured with (bench/scale_desktop_test.go), and a
// local stack never needs 253 addresses.
const (
	DefaultPool  = "10.200.0.0/16"
	DefaultSlice = 26
)

// Limits on a slice: a /30 has 2 usable addresses (the gateway and one container), the
// smallest network that can hold a stack; /16 is the largest the pool hands out (a bigger
// one is what Docker's defaults already do).
const (
	MinSliceBits = 16
	MaxSliceBits = 30
)

// Pool is a validated pool: Prefix (masked) cut into slices of SliceBits. The zero Pool is
// not valid; use Parse or Default.
type Pool struct {
	Prefix    netip.Prefix
	SliceBits int
}

// Default returns the default pool.
func Default() Pool {
	return Pool{Prefix: netip.MustParsePrefix(DefaultPool), SliceBits: DefaultSlice}
}

// Parse validates the pool settings as the user gives them: pool is a CIDR ("" for
// DefaultPool), slice a prefix length with or without a leading slash ("" for
// DefaultSlice). Errors name the variable, the rule and the fix.
func Parse(pool, slice string) (Pool, error) {
	p := Default()
	if s := strings.TrimSpace(pool); s != "" {
		pfx, err := netip.ParsePrefix(s)
		if err != nil {
			return Pool{}, fmt.Errorf("%s=%q is not a CIDR range: give an IPv4 network like %s", EnvPool, pool, DefaultPool)
		}
		if !pfx.Addr().Is4() {
			return Pool{}, fmt.Errorf("%s=%q is not an IPv4 range: stack networks are IPv4; give one like %s", EnvPool, pool, DefaultPool)
		}
		if pfx.Masked() != pfx {
			return Pool{}, fmt.Errorf("%s=%q has host bits set: did you mean %s?", EnvPool, pool, pfx.Masked())
		}
		p.Prefix = pfx
	}
	if s := strings.TrimPrefix(strings.TrimSpace(slice), "/"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < MinSliceBits || n > MaxSliceBits {
			return Pool{}, fmt.Errorf("%s=%q is not a prefix length from %d to %d: give e.g. 24 (253 containers a stack) or 26 (61)", EnvSlice, slice, MinSliceBits, MaxSliceBits)
		}
		p.SliceBits = n
	}
	if p.SliceBits < p.Prefix.Bits() {
		return Pool{}, fmt.Errorf("%s=/%d is larger than the pool %s=%s: give a slice of /%d or smaller (a larger number), or a larger pool",
			EnvSlice, p.SliceBits, EnvPool, p.Prefix, p.Prefix.Bits())
	}
	return p, nil
}

// MaxSlices caps how many slices of a pool are used: far more stacks than one machine runs,
// and it bounds the search for a free slice.
const MaxSlices = 1 << 16

// Size is the number of slices in the pool that DevArch uses (at most MaxSlices).
func (p Pool) Size() int {
	n := p.SliceBits - p.Prefix.Bits()
	if n > 16 {
		return MaxSlices
	}
	return 1 << n
}

// Slice returns the i-th slice (0 <= i < Size()).
func (p Pool) Slice(i int) netip.Prefix {
	// i < MaxSlices = 1<<16 and the shift is at most 32-MinSliceBits = 16: no overflow.
	a := p.Prefix.Addr().As4()
	v := binary.BigEndian.Uint32(a[:]) + uint32(i)<<(32-p.SliceBits)
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	return netip.PrefixFrom(netip.AddrFrom4(b), p.SliceBits)
}

// String is the pool as the settings would give it: "10.200.0.0/16 in /24 slices".
func (p Pool) String() string {
	return fmt.Sprintf("%s in /%d slices", p.Prefix, p.SliceBits)
}

// Free returns the first slice of the pool that overlaps none of taken, and false when every
// slice does (the pool is exhausted). taken holds other stacks' subnets, the host's routes
// and the engine's other networks; a default route (0.0.0.0/0) is not a clash (it overlaps
// everything yet claims nothing) and the caller leaves it out (see Routes).
func (p Pool) Free(taken []netip.Prefix) (netip.Prefix, bool) {
	return p.FreeFrom(0, taken)
}

// FreeFrom is Free searching from slice start onwards, wrapping round to slice 0: every slice
// is still tried once, so it finds a free slice whenever Free does. start is taken modulo
// Size (a negative one counts as 0).
func (p Pool) FreeFrom(start int, taken []netip.Prefix) (netip.Prefix, bool) {
	n := p.Size()
	start = max(start, 0) % n
	for k := range n {
		s := p.Slice((start + k) % n)
		if _, clash := Overlap(s, taken); !clash {
			return s, true
		}
	}
	return netip.Prefix{}, false
}

// StartFor is where the search for key's slice begins: a hash of key (FNV-1a) spread over
// the pool. The store keys it by installation and stack, so that separate DevArch
// installations on one engine (root's and a user's, a CI runner's parallel jobs, each with
// its own database) do not all aim at the pool's first free slice at once: each checks the
// engine's networks when it picks a slice, but two picks in the same moment see the same
// free slice, and the apply that creates its network second is refused by the engine. A
// stack's start never changes, so one installation's choices stay reproducible.
func (p Pool) StartFor(key string) int {
	h := fnv.New64a()
	_, _ = h.Write([]byte(key))
	return int(h.Sum64() % uint64(p.Size()))
}

// Overlap returns the first prefix of taken that shares an address with s.
func Overlap(s netip.Prefix, taken []netip.Prefix) (netip.Prefix, bool) {
	for _, t := range taken {
		if t.IsValid() && s.Overlaps(t) {
			return t, true
		}
	}
	return netip.Prefix{}, false
}

// Exhausted is the error when no slice is free: it names the pool, how many stacks it holds
// and the fix.
func (p Pool) Exhausted(stacks int) error {
	return fmt.Errorf("the stack network pool %s is exhausted: it holds %d networks and %d stacks use them (the rest clash with the host's routes or other networks). "+
		"Delete stacks you no longer need, or set %s to a larger private range (e.g. 10.128.0.0/9) or %s to smaller slices (e.g. 26), then try again",
		p, p.Size(), stacks, EnvPool, EnvSlice)
}

// Routes keeps the routes a slice must not overlap: destinations of IPv4 routes other than
// the default route (a 0.0.0.0/0 destination only says where everything else goes).
func Routes(dests []netip.Prefix) []netip.Prefix {
	var out []netip.Prefix
	for _, d := range dests {
		if d.IsValid() && d.Addr().Is4() && d.Bits() > 0 {
			out = append(out, d.Masked())
		}
	}
	return out
}
