package runtimetest

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/runtime"
)

// The built-in nginx and php-fpm templates name the official images (nginx:1.27,
// php:8.3-fpm), which cannot be pulled where DevArch's tests run. NginxImage and
// PHPFPMImage build stand-ins from the host's own Debian 12 packages instead: a root
// filesystem holding the host's binaries, every library `ldd` names for them, the host's
// static busybox for sh, grep and friends, and the few files and settings of the official
// images that the templates rely on. The servers are real (Debian's nginx 1.22 and PHP 8.2
// FPM); only the versions differ from the official images, which the templates do not
// depend on.
//
// As for BusyboxImage, each image is built at most once per test process and only when the
// engine lacks it; a host without one of the packages skips the test, or fails it in CI,
// naming the apt package to install (scripts/install-deps.sh installs them all).

// Nginx is the image NginxImage provides. Like the official nginx image: CMD
// ["nginx", "-g", "daemon off;"]; /etc/nginx/nginx.conf runs workers as user nginx and
// includes /etc/nginx/conf.d/*.conf (a default.conf serving /usr/share/nginx/html is
// there until a config replaces it); fastcgi_params and mime.types beside it; access and
// error logs go to the container's stdout and stderr; curl is on PATH.
const Nginx = "devarch-test/nginx:1"

// PHPFPM is the image PHPFPMImage provides. Like the official php:*-fpm images: php and
// php-fpm on PATH; php-fpm in the foreground, master as root and workers as www-data,
// listening on 0.0.0.0:9000 and passing the container's environment to PHP (clear_env =
// no); PHP reads ini fragments from /usr/local/etc/php/conf.d (PHP_INI_SCAN_DIR), where the
// extensions' own ini files enable pdo_mysql among others (so `php -m` lists it); working
// directory /var/www/html. docker-php-ext-install exists only to fail, saying so: nothing
// is built in this image.
const PHPFPM = "devarch-test/php-fpm:1"

// phpVersion is the PHP of Debian 12 whose binaries PHPFPMImage copies.
const phpVersion = "8.2"

// errNoPackage marks a host file that a package should have installed, as opposed to a
// failed build.
var errNoPackage = errors.New("missing on this machine")

var (
	nginxOnce, phpOnce sync.Once
	nginxErr, phpErr   error
)

// NginxImage returns Nginx, building it first if the engine does not have it.
func NginxImage(t testing.TB) string {
	t.Helper()
	ensureImage(t, Nginx, &nginxOnce, &nginxErr, buildNginx)
	return Nginx
}

// PHPFPMImage returns PHPFPM, building it first if the engine does not have it.
func PHPFPMImage(t testing.TB) string {
	t.Helper()
	ensureImage(t, PHPFPM, &phpOnce, &phpErr, buildPHPFPM)
	return PHPFPM
}

func ensureImage(t testing.TB, image string, once *sync.Once, errp *error, build func(context.Context) ([]byte, []string, error)) {
	t.Helper()
	eng := RequireEngine(t)
	once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		if _, err := eng.Run(ctx, []string{"image", "inspect", "--format", "{{.Id}}", image}, runtime.RunOptions{}); err == nil {
			return
		}
		rootfs, changes, err := build(ctx)
		if err != nil {
			*errp = err
			return
		}
		args := []string{"import"}
		for _, c := range changes {
			args = append(args, "--change", c)
		}
		_, *errp = eng.Run(ctx, append(args, "-", image), runtime.RunOptions{Stdin: bytes.NewReader(rootfs)})
	})
	if errors.Is(*errp, errNoPackage) {
		missing(t, "the test image "+image+": "+(*errp).Error())
	}
	if *errp != nil {
		t.Fatalf("building the test image %s: %v", image, *errp)
	}
}

// need checks that the host has path, which package pkg installs.
func need(pkg string, paths ...string) error {
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("%w: %s (install it: `sudo apt-get install %s`)", errNoPackage, p, pkg)
		}
	}
	return nil
}

const imagePath = "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

const passwd = `root:x:0:0:root:/root:/bin/sh
www-data:x:33:33:www-data:/var/www:/bin/false
nginx:x:101:101:nginx:/nonexistent:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
`

const group = `root:x:0:
www-data:x:33:
nginx:x:101:
nogroup:x:65534:
`

// nginxConf is the official image's /etc/nginx/nginx.conf, with Debian's paths.
const nginxConf = `user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /run/nginx.pid;

events {
    worker_connections  1024;
}

http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    keepalive_timeout  65;

    include /etc/nginx/conf.d/*.conf;
}
`

// nginxDefault is the official image's conf.d/default.conf, short of its comments.
const nginxDefault = `server {
    listen       80;
    server_name  localhost;
    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }
    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
`

func buildNginx(ctx context.Context) ([]byte, []string, error) {
	if err := need("nginx", "/usr/sbin/nginx"); err != nil {
		return nil, nil, err
	}
	if err := need("nginx-common", "/etc/nginx/mime.types", "/etc/nginx/fastcgi_params", "/etc/nginx/fastcgi.conf"); err != nil {
		return nil, nil, err
	}
	if err := need("curl", "/usr/bin/curl"); err != nil {
		return nil, nil, err
	}
	fs, err := newRootfs(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range []string{"etc/nginx/conf.d", "usr/share/nginx/html", "var/log/nginx",
		"var/lib/nginx/body", "var/lib/nginx/fastcgi", "var/lib/nginx/proxy", "var/lib/nginx/scgi",
		"var/lib/nginx/uwsgi", "var/cache/nginx", "var/lock"} {
		fs.dir(d, 0o755)
	}
	for _, b := range []string{"/usr/sbin/nginx", "/usr/bin/curl"} {
		if err := fs.binary(ctx, b, b); err != nil {
			return nil, nil, err
		}
	}
	for _, f := range []string{"/etc/nginx/mime.types", "/etc/nginx/fastcgi_params", "/etc/nginx/fastcgi.conf"} {
		if err := fs.hostFile(f, f, 0o644); err != nil {
			return nil, nil, err
		}
	}
	fs.file("etc/nginx/nginx.conf", 0o644, []byte(nginxConf))
	fs.file("etc/nginx/conf.d/default.conf", 0o644, []byte(nginxDefault))
	fs.file("usr/share/nginx/html/index.html", 0o644, []byte("<!DOCTYPE html>\n<title>Welcome to nginx!</title>\n<h1>Welcome to nginx!</h1>\n"))
	fs.file("usr/share/nginx/html/50x.html", 0o644, []byte("<!DOCTYPE html>\n<title>Error</title>\n<h1>An error occurred.</h1>\n"))
	fs.link("var/log/nginx/access.log", "/dev/stdout")
	fs.link("var/log/nginx/error.log", "/dev/stderr")
	rootfs, err := fs.close()
	return rootfs, []string{`CMD ["nginx", "-g", "daemon off;"]`, imagePath, "EXPOSE 80"}, err
}

// phpFPMConf mirrors the official image's php-fpm.conf, www.conf, docker.conf and
// zz-docker.conf in one file, at the path Debian's php-fpm reads.
const phpFPMConf = `[global]
error_log = /proc/self/fd/2
log_limit = 8192
daemonize = no

[www]
user = www-data
group = www-data
listen = 0.0.0.0:9000
pm = dynamic
pm.max_children = 5
pm.start_servers = 2
pm.min_spare_servers = 1
pm.max_spare_servers = 3
access.log = /proc/self/fd/2
clear_env = no
catch_workers_output = yes
decorate_workers_output = no
`

const noExtInstall = `#!/bin/sh
echo "docker-php-ext-install: not available in ` + PHPFPM + ` (built from Debian's php` + phpVersion + ` packages, with pdo_mysql already enabled); asked for: $*" >&2
exit 1
`

func buildPHPFPM(ctx context.Context) ([]byte, []string, error) {
	cli, fpm := "/usr/bin/php"+phpVersion, "/usr/sbin/php-fpm"+phpVersion
	if err := need("php"+phpVersion+"-cli", cli); err != nil {
		return nil, nil, err
	}
	if err := need("php"+phpVersion+"-fpm", fpm); err != nil {
		return nil, nil, err
	}
	confd := "/etc/php/" + phpVersion + "/fpm/conf.d"
	if err := need("php"+phpVersion+"-mysql", filepath.Join(confd, "20-pdo_mysql.ini")); err != nil {
		return nil, nil, err
	}
	// Debian's PHP reads time zones from the system's database, where the official
	// images embed theirs; without it every PHP start warns about date.timezone.
	if err := need("tzdata", "/usr/share/zoneinfo/UTC"); err != nil {
		return nil, nil, err
	}
	// The extension directory is compiled into PHP (/usr/lib/php/<API date>).
	out, err := exec.CommandContext(ctx, cli, "-n", "-r", "echo PHP_EXTENSION_DIR;").Output()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", cli, err)
	}
	extDir := strings.TrimSpace(string(out))
	fs, err := newRootfs(ctx)
	if err != nil {
		return nil, nil, err
	}
	fs.dir("usr/local/etc/php/conf.d", 0o755)
	fs.dirOwned("var/www/html", 0o755, 33)
	if err := fs.binary(ctx, cli, "/usr/local/bin/php"); err != nil {
		return nil, nil, err
	}
	if err := fs.binary(ctx, fpm, "/usr/local/sbin/php-fpm"); err != nil {
		return nil, nil, err
	}
	if err := fs.hostTree("/usr/share/zoneinfo"); err != nil {
		return nil, nil, err
	}
	fs.file("etc/php/"+phpVersion+"/fpm/php-fpm.conf", 0o644, []byte(phpFPMConf))
	fs.file("usr/local/bin/docker-php-ext-install", 0o755, []byte(noExtInstall))
	// The extensions Debian enables for FPM (pdo, mysqlnd, pdo_mysql, ...), in their
	// priority order, except opcache, which the official images leave off.
	entries, err := os.ReadDir(confd)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".ini") || strings.Contains(e.Name(), "opcache") {
			continue
		}
		ini, err := os.ReadFile(filepath.Join(confd, e.Name()))
		if err != nil {
			return nil, nil, err
		}
		fs.file("usr/local/etc/php/conf.d/"+e.Name(), 0o644, ini)
		for _, line := range strings.Split(string(ini), "\n") {
			k, v, ok := strings.Cut(line, "=")
			if k = strings.TrimSpace(k); !ok || (k != "extension" && k != "zend_extension") {
				continue
			}
			so := filepath.Join(extDir, strings.TrimSpace(v))
			if err := fs.binary(ctx, so, so); err != nil {
				return nil, nil, err
			}
		}
	}
	rootfs, err := fs.close()
	return rootfs, []string{`CMD ["php-fpm"]`, imagePath,
		"ENV PHP_INI_DIR=/usr/local/etc/php", "ENV PHP_INI_SCAN_DIR=/usr/local/etc/php/conf.d",
		"WORKDIR /var/www/html", "EXPOSE 9000"}, err
}

// rootfs assembles an image's root filesystem as a tar stream in memory. Parent
// directories are created as needed; a path added twice keeps its first entry.
type rootfs struct {
	buf  bytes.Buffer
	tw   *tar.Writer
	now  time.Time
	seen map[string]bool
	err  error
}

// newRootfs starts a root filesystem with the host's static busybox (a link per applet in
// /bin), /tmp, /etc/passwd and /etc/group (root, www-data, nginx, nobody) and an
// nsswitch.conf reading them.
func newRootfs(ctx context.Context) (*rootfs, error) {
	if err := checkStatic(BusyboxPath); err != nil {
		return nil, fmt.Errorf("%w: %v (install it: `sudo apt-get install busybox-static`)", errNoPackage, err)
	}
	if err := need("libc-bin", "/usr/bin/ldd"); err != nil {
		return nil, err
	}
	applets, err := listApplets(ctx, BusyboxPath)
	if err != nil {
		return nil, err
	}
	fs := &rootfs{now: time.Now(), seen: map[string]bool{}}
	fs.tw = tar.NewWriter(&fs.buf)
	fs.dir("root", 0o700)
	fs.dir("tmp", 0o1777)
	fs.dir("run", 0o755)
	if err := fs.hostFile(BusyboxPath, "/bin/busybox", 0o755); err != nil {
		return nil, err
	}
	for _, a := range applets {
		fs.link("bin/"+a, "busybox")
	}
	fs.link("usr/bin/env", "/bin/busybox")
	fs.file("etc/passwd", 0o644, []byte(passwd))
	fs.file("etc/group", 0o644, []byte(group))
	fs.file("etc/nsswitch.conf", 0o644, []byte("passwd: files\ngroup: files\nhosts: files dns\n"))
	return fs, nil
}

func (fs *rootfs) add(h *tar.Header, data []byte) {
	name := strings.TrimSuffix(h.Name, "/")
	if fs.err != nil || fs.seen[name] {
		return
	}
	if parent := path.Dir(name); parent != "." && !fs.seen[parent] {
		fs.dir(parent, 0o755)
	}
	fs.seen[name] = true
	h.ModTime = fs.now
	if fs.err = fs.tw.WriteHeader(h); fs.err == nil && len(data) > 0 {
		_, fs.err = fs.tw.Write(data)
	}
}

func (fs *rootfs) dir(name string, mode int64) { fs.dirOwned(name, mode, 0) }

func (fs *rootfs) dirOwned(name string, mode int64, uid int) {
	fs.add(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode, Uid: uid, Gid: uid}, nil)
}

func (fs *rootfs) file(name string, mode int64, data []byte) {
	fs.add(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data))}, data)
}

func (fs *rootfs) link(name, target string) {
	fs.add(&tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777}, nil)
}

// hostFile copies the host's file src (symbolic links followed) to dst in the image.
func (fs *rootfs) hostFile(src, dst string, mode int64) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	fs.file(strings.TrimPrefix(dst, "/"), mode, data)
	return nil
}

// hostTree copies the host's directory tree root to the same place in the image, symbolic
// links as links.
func (fs *rootfs) hostTree(root string) error {
	return filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "/")
		switch {
		case d.IsDir():
			fs.dir(name, 0o755)
		case d.Type()&os.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			fs.link(name, target)
		case d.Type().IsRegular():
			return fs.hostFile(p, p, 0o644)
		}
		return nil
	})
}

// binary copies the host's executable or shared object src to dst, with every library ldd
// names for it at the path ldd names (the image has no ld.so.cache: the loader finds them
// in its default directories, which on Debian include /lib/x86_64-linux-gnu).
func (fs *rootfs) binary(ctx context.Context, src, dst string) error {
	if err := fs.hostFile(src, dst, 0o755); err != nil {
		return err
	}
	libs, err := ldd(ctx, src)
	if err != nil {
		return err
	}
	for _, l := range libs {
		if err := fs.hostFile(l, l, 0o755); err != nil {
			return err
		}
	}
	return nil
}

func (fs *rootfs) close() ([]byte, error) {
	if fs.err != nil {
		return nil, fs.err
	}
	if err := fs.tw.Close(); err != nil {
		return nil, err
	}
	return fs.buf.Bytes(), nil
}

// ldd lists the absolute paths of the shared libraries (and the loader) that bin needs,
// as the host's ldd resolves them.
func ldd(ctx context.Context, bin string) ([]string, error) {
	out, err := exec.CommandContext(ctx, "ldd", bin).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("ldd %s: %w: %s", bin, err, out)
	}
	var libs []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.Contains(line, "not found") {
			return nil, fmt.Errorf("ldd %s: %s", bin, line)
		}
		if _, after, ok := strings.Cut(line, "=> "); ok {
			line = after
		}
		if p, _, _ := strings.Cut(line, " "); strings.HasPrefix(p, "/") {
			libs = append(libs, p)
		}
	}
	sort.Strings(libs)
	return libs, nil
}
