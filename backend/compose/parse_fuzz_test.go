package compose

import (
	"errors"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/devarch/devarch/backend/model"
)

// FuzzParsePort: any ports entry is refused or read as a consistent binding; its rendering
// (what Generate writes) reads back as the same binding, and compose-go's own parser (the
// one `docker compose` uses) binds exactly the addresses and ports DevArch reports, which
// the clash check relies on.
func FuzzParsePort(f *testing.F) {
	for _, s := range []string{
		"8080:80", "80", "80/udp", "0.0.0.0:8080:80", "192.168.1.5:8080:80/tcp", "5000:5000/SCTP", "127.0.0.1::80", "[::1]:8080:80",
		"[::]:8443:443", "9000-9002:8000-8002", "8000-8002", "::1:8080:80", "", "http", "8080:", "a:80", "8080:80:90:100", "80-", "90-80",
		"+80", "1.2.3.4.5:80:80", "[::1:80:80", "[::1]:80", "fe80::1%eth0:80:80", "8080:80/", "0080:80", "[::ffff:1.2.3.4]:1:1", "1-65535:1-65535",
		"65535:65535/udp", "0:80", "70000:80", ":80", "[]:1:1", "1.2.3.4:1-2:3-4/Udp",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, entry string) {
		p, err := ParsePort(entry)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("ParsePort(%q): empty error", entry)
			}
			return
		}
		checkPublished(t, entry, p)
		rendered := p.String()
		q, err := ParsePort(rendered)
		if err != nil {
			t.Fatalf("ParsePort(%q) = %+v renders as %q, which does not parse: %v", entry, p, rendered, err)
		}
		q.Entry = p.Entry
		if q != p || q.String() != rendered {
			t.Fatalf("%q renders as %q, which reads back differently:\n %+v\n %+v", entry, rendered, p, q)
		}
		n := p.ContainerPortEnd - p.ContainerPort + 1
		if n > 256 {
			return // compose-go expands a range port by port; long ones only cost time
		}
		configs, err := types.ParsePortConfig(rendered)
		if err != nil {
			t.Fatalf("compose-go refuses %q (from %q): %v", rendered, entry, err)
		}
		if len(configs) != n {
			t.Fatalf("compose-go reads %q as %d bindings, want %d: %+v", rendered, len(configs), n, configs)
		}
		slices.SortFunc(configs, func(a, b types.ServicePortConfig) int { return int(a.Target) - int(b.Target) })
		for i, c := range configs {
			published := ""
			if p.HostPort != 0 {
				published = strconv.Itoa(p.HostPort + i)
			}
			if c.HostIP != p.HostIP || c.Protocol != p.Protocol || int(c.Target) != p.ContainerPort+i || c.Published != published {
				t.Fatalf("compose-go binds %q as %+v; DevArch reports %+v", rendered, c, p)
			}
		}
	})
}

// checkPublished checks a parsed entry's invariants.
func checkPublished(t *testing.T, entry string, p Published) {
	t.Helper()
	if p.Entry != entry {
		t.Fatalf("Entry = %q, want %q", p.Entry, entry)
	}
	if addr, err := netip.ParseAddr(p.HostIP); err != nil || addr.String() != p.HostIP || addr.Zone() != "" {
		t.Fatalf("%q: HostIP %q is not a canonical address", entry, p.HostIP)
	}
	if !(1 <= p.ContainerPort && p.ContainerPort <= p.ContainerPortEnd && p.ContainerPortEnd <= 65535) {
		t.Fatalf("%q: container ports %d-%d", entry, p.ContainerPort, p.ContainerPortEnd)
	}
	if p.HostPort != 0 && !(1 <= p.HostPort && p.HostPort <= p.HostPortEnd && p.HostPortEnd <= 65535 &&
		p.HostPortEnd-p.HostPort == p.ContainerPortEnd-p.ContainerPort) {
		t.Fatalf("%q: host ports %d-%d for container ports %d-%d", entry, p.HostPort, p.HostPortEnd, p.ContainerPort, p.ContainerPortEnd)
	}
	if p.HostPort == 0 && p.HostPortEnd != 0 {
		t.Fatalf("%q: random host port with an end %d", entry, p.HostPortEnd)
	}
	if p.Protocol != "tcp" && p.Protocol != "udp" && p.Protocol != "sctp" {
		t.Fatalf("%q: protocol %q", entry, p.Protocol)
	}
}

// FuzzSecretRefs: the secret-reference scanner and `$` escaping. For any string, the
// references found are well-formed and in order; escaping either refuses the string naming
// the field, or gives text that compose's own interpolation (compose-go's template package)
// turns back into the original string when each DEVARCH_SECRET_ variable holds the text of
// its reference, so no `$` of the user's text is ever interpolated. SecretRefs lists exactly
// the valid references' names.
func FuzzSecretRefs(f *testing.F) {
	for _, s := range []string{
		"", "$", "$$", "$HOME", "${HOME}", "$${HOME}", "${FOO:-bar}", "${FOO:?err}", "costs $5", "${secret:db_password}", "x${secret:api_token}y",
		"$${secret:db_password}", "${secret:a}${secret:b}", "${secret:open", "${secret:bad name}", "${secret:}", "${secret:a-b}${secret:a_b}",
		"${secret:${secret:a}}", "${secret:a}}", "${{secret:a}", "${secret:Api.Key2}", "${secret:.x}", "${secret:é}", "$\n{secret:a}",
		"mysql://app:${secret:db_password}@db:3306/app?x=$y", "${secret:a}$${secret:a}$$$${secret:a}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		refs := scanRefs(s)
		last, valid := 0, map[string]bool{}
		for _, r := range refs {
			if r.start < last || r.end <= r.start || r.end > len(s) || !strings.HasPrefix(s[r.start:], secretRefOpen) {
				t.Fatalf("scanRefs(%q): bad range %+v after %d", s, r, last)
			}
			last = r.end
			if r.err == "" {
				if s[r.end-1] != '}' || r.name != s[r.start+len(secretRefOpen):r.end-1] || !model.ValidSecretName(r.name) {
					t.Fatalf("scanRefs(%q): %+v is not a valid reference", s, r)
				}
				valid[r.name] = true
			}
		}
		if strings.Count(s[last:], secretRefOpen) != 0 {
			t.Fatalf("scanRefs(%q) missed a reference after %d", s, last)
		}

		b := &builder{stack: "fz", instance: "app", secretVars: map[string]string{}}
		out, err := b.escape("environment.X", s)
		if err != nil {
			var e *model.Error
			if !errors.As(err, &e) || e.Kind != model.KindInvalid || e.Field != "environment.X" || e.Detail == "" {
				t.Fatalf("escape(%q): %#v is not an invalid-field error", s, err)
			}
			return
		}
		got, err := template.Substitute(out, func(name string) (string, bool) {
			secret, ok := b.secretVars[name]
			if !ok {
				t.Fatalf("escape(%q) = %q interpolates %q, which is no secret's variable", s, out, name)
			}
			return "${secret:" + secret + "}", true
		})
		if err != nil || got != s {
			t.Fatalf("escape(%q) = %q, which compose reads as %q (%v)", s, out, got, err)
		}
		names := SecretRefs(model.EffectiveStack{Name: "fz", Services: []model.EffectiveService{{Instance: "app", Spec: model.Spec{"environment": map[string]any{"X": s}}}}})
		want := make([]string, 0, len(valid))
		for n := range valid {
			want = append(want, n)
		}
		slices.Sort(want)
		if !slices.Equal(names, want) {
			t.Fatalf("SecretRefs(%q) = %q, want %q", s, names, want)
		}
	})
}
