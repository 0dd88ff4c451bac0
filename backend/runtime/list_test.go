package runtime_test

import (
	"sort"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

func TestListContainers_ByLabel(t *testing.T) {
	t.Parallel()
	eng := runtimetest.RequireEngine(t)
	image := runtimetest.BusyboxImage(t)
	label := newRunLabel(t, eng)
	run := label[len(runLabelKey)+1:]
	before := time.Now().Add(-time.Minute)

	// web runs with a healthcheck; job has exited with code 3; both carry the run label and
	// a distinct role. Label values hold '=' and ',' like compose's own labels do.
	webArgs := append([]string{"run", "-d", "--name", "devarch-test-web-" + run,
		"--health-cmd", "true", "--health-interval", "1s", "--health-start-period", "0s"},
		labelArgs(label, "dev.devarch.test.role=web", "dev.devarch.test.note=a=b", "dev.devarch.test.files=/x/a.yml,/x/b.yml")...)
	webID := mustRun(t, eng, append(webArgs, image, "sleep", "60")...)
	jobArgs := append([]string{"run", "--name", "devarch-test-job-" + run}, labelArgs(label, "dev.devarch.test.role=job")...)
	_, _ = eng.Run(t.Context(), append(jobArgs, image, "sh", "-c", "exit 3"), runtime.RunOptions{})
	// An unrelated container of another run must not show up.
	other := newRunLabel(t, eng)
	mustRun(t, eng, append(append([]string{"create"}, labelArgs(other, "dev.devarch.test.role=web")...), image, "true")...)

	all, err := eng.ListContainers(t.Context(), []string{label})
	if err != nil {
		t.Fatalf("ListContainers: %v", err)
	}
	if len(all) != 2 {
		t.Fatalf("got %d containers for %s, want 2: %+v", len(all), label, all)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name > all[j].Name }) // web, job
	web, job := all[0], all[1]

	if web.ID != webID || web.Name != "devarch-test-web-"+run || web.Image != image {
		t.Errorf("web = %+v, want id %s, name devarch-test-web-%s, image %s", web, webID, run, image)
	}
	if web.State != "running" {
		t.Errorf("web.State = %q, want running", web.State)
	}
	wantLabels := map[string]string{
		"dev.devarch.test":       "1",
		runLabelKey:              run,
		"dev.devarch.test.role":  "web",
		"dev.devarch.test.note":  "a=b",
		"dev.devarch.test.files": "/x/a.yml,/x/b.yml",
	}
	for k, v := range wantLabels {
		if web.Labels[k] != v {
			t.Errorf("web.Labels[%q] = %q, want %q (all: %v)", k, web.Labels[k], v, web.Labels)
		}
	}
	if len(web.Labels) != len(wantLabels) {
		t.Errorf("web.Labels = %v, want exactly %v", web.Labels, wantLabels)
	}
	if web.CreatedAt.Before(before) || web.CreatedAt.After(time.Now().Add(time.Minute)) {
		t.Errorf("web.CreatedAt = %s, want about now", web.CreatedAt)
	}
	if job.State != "exited" || job.ExitCode != 3 || job.Health != "" || job.Labels["dev.devarch.test.role"] != "job" {
		t.Errorf("job = %+v, want exited with code 3, no health, role job", job)
	}

	// Several labels are ANDed.
	webs, err := eng.ListContainers(t.Context(), []string{label, "dev.devarch.test.role=web"})
	if err != nil || len(webs) != 1 || webs[0].ID != webID {
		t.Fatalf("by run and role: %+v, %v; want only web", webs, err)
	}

	// The healthcheck passes within a few seconds and shows up in the listing.
	waitFor(t, 20*time.Second, "web to become healthy", func() bool {
		cs, err := eng.ListContainers(t.Context(), []string{label, "dev.devarch.test.role=web"})
		return err == nil && len(cs) == 1 && cs[0].Health == "healthy"
	})

	none, err := eng.ListContainers(t.Context(), []string{runLabelKey + "=no-such-run"})
	if err != nil || len(none) != 0 {
		t.Errorf("no match: %+v, %v; want an empty list", none, err)
	}
}

func TestListNetworks_ByLabel(t *testing.T) {
	t.Parallel()
	eng := runtimetest.RequireEngine(t)
	label := newRunLabel(t, eng)
	run := label[len(runLabelKey)+1:]

	args := append([]string{"network", "create", "--internal"}, labelArgs(label, "dev.devarch.test.note=x=y")...)
	id := mustRun(t, eng, append(args, "devarch-test-net-"+run)...)

	nets, err := eng.ListNetworks(t.Context(), []string{label})
	if err != nil {
		t.Fatalf("ListNetworks: %v", err)
	}
	if len(nets) != 1 {
		t.Fatalf("got %d networks, want 1: %+v", len(nets), nets)
	}
	n := nets[0]
	if n.ID != id || n.Name != "devarch-test-net-"+run || !n.Internal || n.Driver != "bridge" {
		t.Errorf("network = %+v, want id %s, internal bridge devarch-test-net-%s", n, id, run)
	}
	if n.Labels["dev.devarch.test.note"] != "x=y" || n.Labels[runLabelKey] != run {
		t.Errorf("Labels = %v", n.Labels)
	}
	if n.CreatedAt.IsZero() {
		t.Error("CreatedAt is zero")
	}
}
