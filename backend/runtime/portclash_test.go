package runtime

import "testing"

func TestPortTaken(t *testing.T) {
	for _, c := range []struct {
		in   string
		ip   string
		port int
		ok   bool
	}{
		{"Error response from daemon: driver failed programming external connectivity on endpoint devarch-tr-web (abc): Bind for 127.0.0.1:28080 failed: port is already allocated", "127.0.0.1", 28080, true},
		{"Error response from daemon: failed to set up container networking: driver failed programming external connectivity on endpoint x: failed to bind host port for 0.0.0.0:8080:172.17.0.2:80/tcp: address already in use", "", 0, false},
		{"Error starting userland proxy: listen tcp4 0.0.0.0:80: bind: address already in use", "0.0.0.0", 80, true},
		{"Bind for [::]:9000 failed: port is already allocated", "::", 9000, true},
		{"Bind for 0.0.0.0:99999 failed: port is already allocated", "", 0, false},
		{" Container devarch-tr-web  Started", "", 0, false},
		{"", "", 0, false},
	} {
		ip, port, ok := PortTaken(c.in)
		if ip != c.ip || port != c.port || ok != c.ok {
			t.Errorf("PortTaken(%q) = %q, %d, %v; want %q, %d, %v", c.in, ip, port, ok, c.ip, c.port, c.ok)
		}
	}
}

// FuzzPortTaken: any output, no crash, and a reported port is a real port number found in
// the text.
func FuzzPortTaken(f *testing.F) {
	f.Add("Bind for 127.0.0.1:28080 failed: port is already allocated")
	f.Add("listen tcp4 0.0.0.0:80: bind: address already in use")
	f.Add("Bind for [::]:9000 failed: port is already allocated\nBind for 1.2.3.4:1 failed: port is already allocated")
	f.Add("Bind for :0 failed: port is already allocated")
	f.Fuzz(func(t *testing.T, s string) {
		_, port, ok := PortTaken(s)
		if ok && (port <= 0 || port > 65535) {
			t.Fatalf("port %d out of range for %q", port, s)
		}
		if !ok && port != 0 {
			t.Fatalf("port %d without ok", port)
		}
	})
}
