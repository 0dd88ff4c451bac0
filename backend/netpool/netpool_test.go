package netpool

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

func TestParseDefaults(t *testing.T) {
	p, err := Parse("", "")
	if err != nil {
		t.Fatal(err)
	}
	if p != Default() || p.Size() != 1024 || p.Slice(0).String() != "10.200.0.0/26" || p.Slice(1023).String() != "10.200.255.192/26" {
		t.Fatalf("default pool %v size %d", p, p.Size())
	}
	p, err = Parse("10.50.0.0/20", "/26")
	if err != nil {
		t.Fatal(err)
	}
	if p.Size() != 64 || p.Slice(1).String() != "10.50.0.64/26" || p.Slice(63).String() != "10.50.15.192/26" {
		t.Fatalf("pool %v: size %d, slice 1 %v, slice 63 %v", p, p.Size(), p.Slice(1), p.Slice(63))
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ pool, slice, want string }{
		{"10.200.0.0", "", "DEVARCH_NETWORK_POOL=\"10.200.0.0\" is not a CIDR range"},
		{"10.200.0.1/16", "", "did you mean 10.200.0.0/16"},
		{"fd00::/48", "", "not an IPv4 range"},
		{"", "33", "DEVARCH_NETWORK_SLICE=\"33\" is not a prefix length from 16 to 30"},
		{"", "x", "is not a prefix length"},
		{"10.200.0.0/26", "24", "DEVARCH_NETWORK_SLICE=/24 is larger than the pool DEVARCH_NETWORK_POOL=10.200.0.0/26"},
	} {
		_, err := Parse(tc.pool, tc.slice)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q, %q) = %v, want error containing %q", tc.pool, tc.slice, err, tc.want)
		}
	}
}

func TestFreeSkipsTaken(t *testing.T) {
	p, _ := Parse("10.200.0.0/22", "24")
	taken := []netip.Prefix{
		netip.MustParsePrefix("10.200.0.0/24"),   // another stack
		netip.MustParsePrefix("10.200.1.128/25"), // a host route inside slice 1
	}
	got, ok := p.Free(taken)
	if !ok || got.String() != "10.200.2.0/24" {
		t.Fatalf("Free = %v %v, want 10.200.2.0/24", got, ok)
	}
	// A route covering the whole pool leaves nothing.
	if _, ok := p.Free([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}); ok {
		t.Fatal("a 10/8 route left a slice free")
	}
	if err := p.Exhausted(3).Error(); !strings.Contains(err, "10.200.0.0/22 in /24 slices is exhausted: it holds 4 networks and 3 stacks") || !strings.Contains(err, EnvPool) {
		t.Fatalf("exhausted error: %s", err)
	}
}

// FreeFrom starts at its slice, wraps round past the last, and tries every slice once; keys
// spread over the pool, each always to the same place.
func TestFreeFromWrapsAndStartForSpreads(t *testing.T) {
	p, _ := Parse("10.200.0.0/22", "24") // 4 slices
	taken := []netip.Prefix{netip.MustParsePrefix("10.200.2.0/24"), netip.MustParsePrefix("10.200.3.0/24")}
	for start, want := range map[int]string{0: "10.200.0.0/24", 1: "10.200.1.0/24", 2: "10.200.0.0/24", 3: "10.200.0.0/24", 5: "10.200.1.0/24", -1: "10.200.0.0/24"} {
		if got, ok := p.FreeFrom(start, taken); !ok || got.String() != want {
			t.Errorf("FreeFrom(%d) = %v %v, want %s", start, got, ok, want)
		}
	}
	all := append(taken, netip.MustParsePrefix("10.200.0.0/23"))
	if got, ok := p.FreeFrom(3, all); ok {
		t.Errorf("FreeFrom on a full pool = %v", got)
	}
	d := Default()
	starts := map[int]bool{}
	for i := range 64 {
		k := fmt.Sprintf("8c4b7a1e-0f4c-4d8e-9a51-3f0e2b6c9d17/%d", i)
		s := d.StartFor(k)
		if s < 0 || s >= d.Size() || d.StartFor(k) != s {
			t.Fatalf("StartFor(%q) = %d, then %d (size %d)", k, s, d.StartFor(k), d.Size())
		}
		starts[s] = true
	}
	// 64 keys over 1024 slices: all distinct but for a collision or two (the birthday
	// bound gives ~2); fewer than 56 distinct places means they are not spread.
	if len(starts) < 56 {
		t.Errorf("64 keys start at %d places", len(starts))
	}
}

func TestRoutesDropsDefault(t *testing.T) {
	got := Routes([]netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("172.17.0.0/16"), netip.MustParsePrefix("fe80::/64")})
	if len(got) != 1 || got[0].String() != "172.17.0.0/16" {
		t.Fatalf("Routes = %v", got)
	}
}

// FuzzParse: any settings either fail with an error naming a variable, or give a pool whose
// slices are distinct, inside the pool, of the slice size, and found by Free in order.
func FuzzParse(f *testing.F) {
	for _, s := range [][2]string{{"", ""}, {"10.200.0.0/16", "26"}, {"10.0.0.0/8", "/30"}, {"192.168.0.0/30", "30"},
		{"10.200.0.1/16", ""}, {"0.0.0.0/0", "16"}, {"::/0", "24"}, {"10.200.0.0/24", "16"}, {" 10.1.0.0/16 ", " /24"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pool, slice string) {
		p, err := Parse(pool, slice)
		if err != nil {
			if !strings.Contains(err.Error(), "DEVARCH_NETWORK_") {
				t.Fatalf("error names no variable: %v", err)
			}
			return
		}
		n := p.Size()
		if n < 1 || n > MaxSlices {
			t.Fatalf("size %d", n)
		}
		var taken []netip.Prefix
		for _, i := range []int{0, n / 2, n - 1} {
			s := p.Slice(i)
			if s.Bits() != p.SliceBits || !p.Prefix.Contains(s.Addr()) || s.Masked() != s {
				t.Fatalf("slice %d = %v outside %v", i, s, p)
			}
		}
		for i := range min(n, 4) {
			got, ok := p.Free(taken)
			if !ok || got != p.Slice(i) {
				t.Fatalf("Free after %d = %v %v, want %v", i, got, ok, p.Slice(i))
			}
			taken = append(taken, got)
		}
	})
}
