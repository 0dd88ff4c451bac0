package runtimetest_test

import (
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// inspect returns an image's config field f (a Go template on .Config) as JSON.
func inspect(t *testing.T, eng *runtime.Engine, image, f string) string {
	t.Helper()
	res, err := eng.Run(t.Context(), []string{"image", "inspect", "--format", "{{json .Config." + f + "}}", image}, runtime.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(res.Stdout))
}

func runIn(t *testing.T, eng *runtime.Engine, image, script string) string {
	t.Helper()
	res, err := eng.Run(t.Context(), []string{"run", "--rm", "--label", runtimetest.TestLabel, "--network", "none", image, "sh", "-c", script}, runtime.RunOptions{})
	if err != nil {
		t.Fatalf("running %s: %v\n%s%s", image, err, res.Stdout, res.Stderr)
	}
	return string(res.Stdout) + string(res.Stderr)
}

// The nginx stand-in has what the built-in nginx template relies on in the official image:
// its command, a configuration that checks out (user nginx, conf.d included), fastcgi_params
// and curl.
func TestNginxImage(t *testing.T) {
	eng := runtimetest.RequireEngine(t)
	image := runtimetest.NginxImage(t)
	if image != runtimetest.Nginx || runtimetest.NginxImage(t) != image {
		t.Fatalf("NginxImage = %q", image)
	}
	if cmd := inspect(t, eng, image, "Cmd"); cmd != `["nginx","-g","daemon off;"]` {
		t.Errorf("CMD = %s", cmd)
	}
	out := runIn(t, eng, image, `nginx -t 2>&1; nginx -T 2>/dev/null | grep -c 'include /etc/nginx/conf.d/\*.conf'; ls /etc/nginx/fastcgi_params /etc/nginx/mime.types; curl --version | head -1; id nginx`)
	for _, want := range []string{"test is successful", "\n1\n", "/etc/nginx/fastcgi_params", "curl 7", "uid=101(nginx)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// The php-fpm stand-in has what the built-in php-fpm template relies on in the official
// image: php with pdo_mysql (so the template's command skips docker-php-ext-install), ini
// fragments read from /usr/local/etc/php/conf.d, a php-fpm configuration that checks out and
// listens on 9000, and /var/www/html as the working directory.
func TestPHPFPMImage(t *testing.T) {
	eng := runtimetest.RequireEngine(t)
	image := runtimetest.PHPFPMImage(t)
	if image != runtimetest.PHPFPM || runtimetest.PHPFPMImage(t) != image {
		t.Fatalf("PHPFPMImage = %q", image)
	}
	if wd := inspect(t, eng, image, "WorkingDir"); wd != `"/var/www/html"` {
		t.Errorf("WorkingDir = %s", wd)
	}
	out := runIn(t, eng, image, `php -m | grep -ix pdo_mysql; echo 'memory_limit = 300M' > /usr/local/etc/php/conf.d/zz-t.ini; php -r 'echo ini_get("memory_limit"), "\n";'; php-fpm -tt 2>&1 | grep -E 'listen =|clear_env|daemonize|successful'; pwd; docker-php-ext-install pdo_mysql; echo rc=$?`)
	if strings.Contains(out, "Warning") {
		t.Errorf("PHP warns at start:\n%s", out)
	}
	for _, want := range []string{"pdo_mysql\n", "300M\n", "listen = 0.0.0.0:9000", "clear_env = no", "daemonize = no", "test is successful", "/var/www/html\n", "not available in", "rc=1"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
