// Package isolation_test proves DevArch's core promise on the real engine: two stacks with
// the same instance names run side by side from their generated compose files, each app
// reaches its own database by name, and nothing crosses between stacks.
package isolation_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
	"github.com/devarch/devarch/backend/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// Test templates built on the local busybox image (no registry): a "database" that answers
// HTTP with its stack's name, and an idle "app".
const dbTemplate = `name: test-db
category: database
description: busybox HTTP server standing in for a database
service:
  image: devarch-test/busybox:1
  command: [sh, -c, "mkdir -p /www && echo \"db of $OWNER\" > /www/index.html && exec httpd -f -p 8080 -h /www"]
  environment:
    OWNER: unset
  healthcheck:
    test: [CMD, wget, -q, -O, /dev/null, http://127.0.0.1:8080/]
    interval: 1s
    timeout: 2s
    retries: 30
provides:
  - contract: http
    values:
      host: "${host}"
      port: "8080"
`

const appTemplate = `name: test-app
category: runtime
description: idle busybox app
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
`

// exec runs argv in a container. (Debian's static busybox wget crashes with -T, so callers
// bound waits with busybox's timeout applet instead.)
func exec(t *testing.T, eng *runtime.Engine, container string, argv ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := eng.Run(ctx, append([]string{"exec", container}, argv...), runtime.RunOptions{})
	return strings.TrimSpace(string(res.Stdout)), err
}

func TestTwoStacksSideBySide(t *testing.T) {
	eng := runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	ctx := t.Context()
	svc := engine.New(store.New(dbtest.MigratedDatabase(t)), runtime.Options{}, t.TempDir())
	for _, doc := range []string{dbTemplate, appTemplate} {
		if _, _, err := svc.ImportTemplate(ctx, []byte(doc), false); err != nil {
			t.Fatal(err)
		}
	}
	// Names unique to this run: container names are global to the engine, and two runs of
	// this test at once (two checkouts on one machine) must not adopt each other's containers.
	suffix := fmt.Sprintf("%04d", os.Getpid()%10000)
	shop, blog := "isoshop"+suffix, "isoblog"+suffix
	stacks := []string{shop, blog}
	for _, st := range stacks {
		if _, err := svc.CreateStack(ctx, st, engine.StackOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddInstance(ctx, st, "db", "test-db", []string{"environment.OWNER=" + st}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddInstance(ctx, st, "app", "test-app", nil); err != nil {
			t.Fatal(err)
		}
	}
	// up runs the user's own `docker compose up` on the written file. Other test packages
	// create networks on the same engine from their own databases, so the stack's subnet,
	// free when the stack was created, can be taken before compose creates the network:
	// the engine then refuses with "Pool overlaps". A plan moves the stack to a free slice
	// (what a user is told to do), and the file is written again (CI, 2026-12-01).
	up := func(st string) {
		t.Helper()
		for attempt := 1; ; attempt++ {
			res, err := svc.Compose(ctx, st, true)
			if err != nil {
				t.Fatal(err)
			}
			runtimetest.FreshProject(t, eng, model.ProjectName(st))
			_, err = eng.RunCompose(ctx, []string{"-f", res.Path, "-p", model.ProjectName(st), "up", "-d", "--wait"}, runtime.RunOptions{})
			if err == nil {
				return
			}
			if attempt == 3 || !runtime.SubnetTaken(err.Error()) {
				t.Fatalf("compose up %s (attempt %d): %v", st, attempt, err)
			}
			t.Logf("compose up %s: the subnet was taken meanwhile; planning again: %v", st, err)
			if _, err := svc.Plan(ctx, st, "isolation test", engine.PlanOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, st := range stacks {
		up(st)
	}

	// Names do not collide: four containers, named per stack.
	for _, st := range stacks {
		for _, in := range []string{"db", "app"} {
			cs, err := eng.ListContainers(ctx, []string{model.LabelStack + "=" + st, model.LabelInstance + "=" + in})
			if err != nil || len(cs) != 1 || cs[0].Name != model.ContainerName(st, in) || cs[0].State != "running" {
				t.Fatalf("%s/%s: %+v %v", st, in, cs, err)
			}
		}
	}

	// Each app reaches its own db by name.
	for _, st := range stacks {
		out, err := exec(t, eng, model.ContainerName(st, "app"), "timeout", "5", "wget", "-q", "-O", "-", "http://db:8080/")
		if err != nil || out != "db of "+st {
			t.Fatalf("%s app -> db: %q %v", st, out, err)
		}
	}

	// Nothing crosses: by the other db's container name, and by its IP address.
	other := model.ContainerName(blog, "db")
	if out, err := exec(t, eng, model.ContainerName(shop, "app"), "timeout", "5", "wget", "-q", "-O", "-", "http://"+other+":8080/"); err == nil {
		t.Fatalf("isoshop's app reached isoblog's db by name: %q", out)
	}
	res, err := eng.Run(ctx, []string{"inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", other}, runtime.RunOptions{})
	ip := strings.TrimSpace(string(res.Stdout))
	if err != nil || ip == "" {
		t.Fatalf("ip of %s: %q %v", other, ip, err)
	}
	if out, err := exec(t, eng, model.ContainerName(shop, "app"), "timeout", "5", "wget", "-q", "-O", "-", "http://"+ip+":8080/"); err == nil {
		t.Fatalf("isoshop's app reached isoblog's db at %s: %q", ip, out)
	}

	// Removing one stack leaves the other running.
	if _, err := svc.DeleteStack(ctx, blog, engine.DeleteOptions{}, "isolation test"); err == nil || !strings.Contains(err.Error(), "still has containers") {
		t.Fatalf("deleting a running stack must be refused: %v", err)
	}
	if _, err := svc.DeleteStack(ctx, blog, engine.DeleteOptions{Force: true}, "isolation test"); err != nil {
		t.Fatal(err)
	}
	if cs, _ := eng.ListContainers(ctx, []string{model.LabelStack + "=" + blog}); len(cs) != 0 {
		t.Fatalf("isoblog containers left: %+v", cs)
	}
	cs, _ := eng.ListContainers(ctx, []string{model.LabelStack + "=" + shop})
	for _, c := range cs {
		if c.State != "running" {
			t.Fatalf("isoshop container %s is %s after isoblog was removed", c.Name, c.State)
		}
	}
	if len(cs) != 2 {
		t.Fatalf("isoshop containers: %+v", cs)
	}
	if out, err := exec(t, eng, model.ContainerName(shop, "app"), "timeout", "5", "wget", "-q", "-O", "-", "http://db:8080/"); err != nil || out != "db of "+shop {
		t.Fatalf("isoshop still works: %q %v", out, err)
	}
}
