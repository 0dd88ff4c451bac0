package engine_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// mysqlStub stands in for a MySQL server: php-fpm requires the mysql contract, and the
// test only checks that its values reach PHP, which needs no server.
const mysqlStub = `name: e-mysqlstub
category: database
description: provides the mysql contract without a server
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
  init: true
  stop_grace_period: 1s
provides:
  - contract: mysql
    values:
      host: "${host}"
      port: "3306"
      database: app
      user: app
      password: stub-pw
      url: "mysql://app:stub-pw@${host}:3306/app"
`

// indexPHP is the stack's front controller (app/public/index.php): its answer proves that
// PHP ran it, with the container's environment (the wired DB_HOST), the template's ini
// fragment (memory_limit) and the script path and URI nginx passed.
const indexPHP = `<?php
header('Content-Type: text/plain');
echo "php ran\n";
echo "DB_HOST=", getenv('DB_HOST'), "\n";
echo "memory_limit=", ini_get('memory_limit'), "\n";
echo "script=", $_SERVER['SCRIPT_FILENAME'], "\n";
echo "uri=", $_SERVER['REQUEST_URI'], "\n";
`

const (
	helloTxt  = "hello from ./public\n"
	robotsTxt = "User-agent: *\nDisallow:\n"
)

// freeLocalPort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freeLocalPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// get fetches url and returns its status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, string(b)
}

// realServerStack creates stack with root as its project root, adds instances (name,
// template, overrides) and applies it, removing its containers when the test ends.
func realServerStack(t *testing.T, svc *engine.Service, eng *runtime.Engine, stack, root string, instances [][]string) {
	t.Helper()
	ctx := t.Context()
	if _, err := svc.CreateStack(ctx, stack, engine.StackOptions{Root: root}); err != nil {
		t.Fatal(err)
	}
	runtimetest.FreshProject(t, eng, model.ProjectName(stack))
	for _, in := range instances {
		if _, err := svc.AddInstance(ctx, stack, in[0], in[1], in[2:]); err != nil {
			t.Fatalf("adding %s: %v", in[0], err)
		}
	}
	p := planStack(t, svc, stack)
	if _, err := svc.Apply(ctx, p.ID, "test", nil); err != nil {
		logs, _ := eng.RunCompose(context.Background(), []string{"-p", model.ProjectName(stack), "logs", "--no-color"}, runtime.RunOptions{})
		t.Fatalf("apply %s: %v\n%s%s", stack, err, logs.Stdout, logs.Stderr)
	}
}

// The shipped nginx and php-fpm templates, unchanged but for their images (local builds of
// Debian's real nginx and php-fpm, runtimetest.Nginx and runtimetest.PHPFPM) and nginx's
// host port, work with real servers: nginx serves ./public, passes .php requests and every
// path that is not a file to php-fpm, which runs ./app/public/index.php with the wired
// environment and the template's php.ini fragment (a compose config). nginx alone serves
// static files and answers 404 for PHP, as its template promises.
func TestBuiltins_NginxPHPFPMWithRealServers(t *testing.T) {
	eng := runtimetest.RequireCompose(t)
	start := time.Now()
	runtimetest.BusyboxImage(t)
	nginxImage := runtimetest.NginxImage(t)
	phpImage := runtimetest.PHPFPMImage(t)
	t.Logf("images ready in %v", time.Since(start).Round(time.Millisecond))

	svc, _, _ := newService(t)
	ctx := t.Context()
	if _, err := svc.SyncCatalog(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.ImportTemplate(ctx, []byte(mysqlStub), false); err != nil {
		t.Fatal(err)
	}
	// A project as a user has it: world-readable, since nginx's and php-fpm's workers run
	// as their own users (nginx, www-data), not as the owner.
	root := t.TempDir()
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"public/hello.txt": helloTxt, "app/public/index.php": indexPHP, "app/public/robots.txt": robotsTxt}
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// The two stacks start side by side: most of an apply is waiting for health checks.
	t.Run("nginx with php-fpm", func(t *testing.T) {
		t.Parallel()
		port := freeLocalPort(t)
		applied := time.Now()
		realServerStack(t, svc, eng, "realsrv-php", root, [][]string{
			{"db", "e-mysqlstub"},
			{"php", "php-fpm", "image=" + phpImage},
			{"web", "nginx", "image=" + nginxImage, fmt.Sprintf(`ports=["127.0.0.1:%d:80"]`, port)},
		})
		t.Logf("applied in %v", time.Since(applied).Round(time.Millisecond))
		base := fmt.Sprintf("http://127.0.0.1:%d", port)

		if code, body := get(t, base+"/hello.txt"); code != 200 || body != helloTxt {
			t.Errorf("static file: %d %q", code, body)
		}
		wantPHP := func(path, uri string) {
			t.Helper()
			code, body := get(t, base+path)
			var lacks []string
			for _, want := range []string{"php ran\n", "DB_HOST=db\n", "memory_limit=512M\n",
				"script=/var/www/html/public/index.php\n", "uri=" + uri + "\n"} {
				if !strings.Contains(body, want) {
					lacks = append(lacks, want)
				}
			}
			if code != 200 || len(lacks) > 0 {
				t.Errorf("GET %s: %d, body lacks %q:\n%s", path, code, lacks, body)
			}
		}
		wantPHP("/index.php", "/index.php")
		// Not a file: the front controller answers, as Laravel's routes need.
		wantPHP("/users/42?x=1", "/users/42?x=1")
		// A .php file that does not exist: php-fpm itself says so.
		if code, body := get(t, base+"/missing.php"); code != 404 || strings.Contains(body, "php ran") {
			t.Errorf("missing script: %d %q", code, body)
		}
	})

	// The layout nginx's template comment gives for Laravel: nginx's root is ./app/public
	// too, so / is the front controller (through index index.php) and the app's static
	// files are served by nginx.
	t.Run("laravel layout", func(t *testing.T) {
		t.Parallel()
		port := freeLocalPort(t)
		realServerStack(t, svc, eng, "realsrv-laravel", root, [][]string{
			{"db", "e-mysqlstub"},
			{"php", "php-fpm", "image=" + phpImage},
			{"web", "nginx", "image=" + nginxImage, fmt.Sprintf(`ports=["127.0.0.1:%d:80"]`, port),
				`volumes=["./app/public:/usr/share/nginx/html:ro"]`},
		})
		base := fmt.Sprintf("http://127.0.0.1:%d", port)
		if code, body := get(t, base+"/robots.txt"); code != 200 || body != robotsTxt {
			t.Errorf("static file: %d %q", code, body)
		}
		for path, uri := range map[string]string{"/": "/", "/login": "/login"} {
			if code, body := get(t, base+path); code != 200 || !strings.Contains(body, "php ran\n") || !strings.Contains(body, "uri="+uri+"\n") {
				t.Errorf("GET %s: %d %q, want the front controller", path, code, body)
			}
		}
	})

	t.Run("nginx alone", func(t *testing.T) {
		t.Parallel()
		port := freeLocalPort(t)
		realServerStack(t, svc, eng, "realsrv-static", root, [][]string{
			{"web", "nginx", "image=" + nginxImage, fmt.Sprintf(`ports=["127.0.0.1:%d:80"]`, port)},
		})
		base := fmt.Sprintf("http://127.0.0.1:%d", port)
		if code, body := get(t, base+"/hello.txt"); code != 200 || body != helloTxt {
			t.Errorf("static file: %d %q", code, body)
		}
		for _, path := range []string{"/index.php", "/users/42"} {
			if code, body := get(t, base+path); code != 404 || strings.Contains(body, "php ran") {
				t.Errorf("GET %s without php-fpm: %d %q, want 404", path, code, body)
			}
		}
	})
	t.Cleanup(func() { t.Logf("total %v", time.Since(start).Round(time.Millisecond)) })
}
