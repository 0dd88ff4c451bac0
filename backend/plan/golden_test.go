package plan_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

type goldenCase func(t testing.TB) (plan.Desired, plan.Observed)

// goldenCases are the plans kept in testdata/NAME.golden: every action kind and every cause.
func goldenCases() map[string]goldenCase {
	return map[string]goldenCase{
		// Nothing exists yet: the network, then every instance, providers first.
		"new_stack": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 1, svc("web", nginx("local", "8080:80"), "db"), svc("db", postgres()))
			return d, plan.Observed{}
		},
		// A stack made before subnets were assigned: its running network has no subnet
		// label, so compose recreates it with the stack's subnet once every container of the
		// stack is removed; each is created again (the stopped one too, instead of a start;
		// web's config change keeps its own cause first).
		"network_subnet_assigned": func(t testing.TB) (plan.Desired, plan.Observed) {
			old := desired(t, 3, svc("web", nginx("production", "8080:80"), "db"), svc("db", postgres()), svc("cache", redis()))
			o := upToDate(t, old)
			replaceContainer(&o, container(t, old, "cache", "exited"))
			d := desired(t, 4, svc("web", nginx("local", "8080:80"), "db"), svc("db", postgres()), svc("cache", redis()))
			d.Subnet = "10.200.7.0/24"
			return d, o
		},
		// The same stack once its network has the subnet: nothing to do.
		"network_subnet_kept": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 4, svc("web", nginx("local", "8080:80"), "db"), svc("db", postgres()))
			d.Subnet = "10.200.7.0/24"
			return d, upToDate(t, d)
		},
		// The stack's engine changed since it was applied (stack set --context): what runs on
		// the old engine is removed there first, and everything is made on the new one.
		"engine_move": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 5, svc("web", nginx("local", "8080:80"), "db"), svc("db", postgres()))
			old := upToDate(t, d)
			return d, plan.Observed{Move: &plan.Move{From: "default", To: "build-box", Containers: old.Containers,
				Networks: []string{model.NetworkName(d.Stack)}}}
		},
		// Both contexts reach the same daemon: the new engine sees the very containers and
		// network the move removes; they are still created again after it.
		"engine_move_same_daemon": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 5, svc("web", nginx("local", "8080:80"), "db"), svc("db", postgres()))
			old := upToDate(t, d)
			o := old
			o.Applied = map[string]plan.Applied{}
			o.Move = &plan.Move{From: "default", To: "desktop-linux", Containers: old.Containers, Networks: []string{model.NetworkName(d.Stack)}}
			return d, o
		},
		// The old engine cannot be asked: the plan says what is left there and goes on.
		"engine_move_unreachable": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 5, svc("web", nginx("local", "8080:80"), "db"), svc("db", postgres()))
			return d, plan.Observed{Move: &plan.Move{From: "build-box", To: "default", Unreachable: "Cannot connect to the Docker daemon at tcp://10.0.0.9:2376"}}
		},
		"up_to_date": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 4, svc("web", nginx("local", "8080:80"), "db"), svc("db", postgres()))
			return d, upToDate(t, d)
		},
		// One override changed a map key and a list: exactly one replace, with both fields.
		"config_changed": func(t testing.TB) (plan.Desired, plan.Observed) {
			old := desired(t, 6, svc("web", nginx("production", "8080:80"), "db"), svc("db", postgres()))
			d := desired(t, 7, svc("web", nginx("local", "8081:80"), "db"), svc("db", postgres()))
			return d, upToDate(t, old)
		},
		"image_changed": func(t testing.TB) (plan.Desired, plan.Observed) {
			oldSpec := redis()
			newSpec := redis()
			newSpec["image"] = "redis:7.4"
			old := desired(t, 2, svc("cache", oldSpec))
			return desired(t, 3, svc("cache", newSpec)), upToDate(t, old)
		},
		// A field holding a secret reference changed (another secret, a new key): values
		// hidden, presence shown.
		"sensitive_field_changed": func(t testing.TB) (plan.Desired, plan.Observed) {
			oldSpec := nginx("local", "8080:80")
			oldSpec["environment"] = map[string]any{"APP_ENV": "local", "DB_PASSWORD": "${secret:db_password}"}
			newSpec := nginx("local", "8080:80")
			newSpec["environment"] = map[string]any{"APP_ENV": "local", "DB_PASSWORD": "${secret:app_db_password}", "API_KEY": "key-${secret:api_key}"}
			newSpec["command"] = []any{"serve", "--token=${secret:api_key}"}
			old := desired(t, 8, svc("web", oldSpec))
			return desired(t, 9, svc("web", newSpec)), upToDate(t, old)
		},
		// The value of a secret changed: the config hash did not, the secret's version did.
		"secret_changed": func(t testing.TB) (plan.Desired, plan.Observed) {
			web := nginx("local", "8080:80")
			web["environment"] = map[string]any{"APP_ENV": "local", "DB_PASSWORD": "${secret:db_password}"}
			d := desired(t, 5, svc("web", web, "db"), svc("db", postgres()), svc("cache", redis()))
			o := upToDate(t, d)
			d = d.WithSecretVersions(map[string]int{"db_password": 2})
			o.Applied["web"] = withSecrets(o.Applied["web"], map[string]int{"db_password": 1})
			o.Applied["db"] = withSecrets(o.Applied["db"], map[string]int{"db_password": 1})
			return d, o
		},
		// Someone recreated web with another configuration (its hash is neither DevArch's
		// last nor the desired one), and api was never applied by this DevArch.
		"changed_outside": func(t testing.TB) (plan.Desired, plan.Observed) {
			old := desired(t, 1, svc("web", nginx("production", "8080:80")), svc("api", redis()))
			d := desired(t, 2, svc("web", nginx("local", "8080:80")), svc("api", redis()))
			o := upToDate(t, old)
			web := container(t, old, "web", "running")
			web.Labels[model.LabelConfigHash] = "0123456789abcdef"
			replaceContainer(&o, web)
			api := container(t, old, "api", "running")
			delete(api.Labels, model.LabelConfigHash)
			replaceContainer(&o, api)
			delete(o.Applied, "api")
			return d, o
		},
		"removed_outside": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 3, svc("web", nginx("local", "8080:80"), "db"), svc("db", postgres()))
			o := upToDate(t, d)
			removeContainer(&o, "devarch-shop-db")
			return d, o
		},
		// DevArch left them running: one was stopped, one paused, one is crash-looping
		// (restarting: no action) and one is unhealthy (no action).
		"stopped_outside": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 3, svc("web", nginx("local", "8080:80"), "db"), svc("db", postgres()),
				svc("cache", redis()), svc("worker", redis()), svc("mail", redis()))
			o := upToDate(t, d)
			replaceContainer(&o, container(t, d, "db", "exited"))
			replaceContainer(&o, container(t, d, "cache", "paused"))
			replaceContainer(&o, container(t, d, "worker", "restarting"))
			mail := container(t, d, "mail", "running")
			mail.Health = "unhealthy"
			replaceContainer(&o, mail)
			return d, o
		},
		// DevArch did not leave them running (or never started them).
		"not_running": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 3, svc("web", nginx("local", "8080:80")), svc("cache", redis()))
			o := upToDate(t, d)
			replaceContainer(&o, container(t, d, "web", "created"))
			replaceContainer(&o, container(t, d, "cache", "exited"))
			o.Applied["web"] = withRunning(o.Applied["web"], false)
			delete(o.Applied, "cache")
			return d, o
		},
		"dead": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 3, svc("cache", redis()))
			o := upToDate(t, d)
			replaceContainer(&o, container(t, d, "cache", "dead"))
			return d, o
		},
		"instance_removed": func(t testing.TB) (plan.Desired, plan.Observed) {
			old := desired(t, 4, svc("web", nginx("local", "8080:80")), svc("old", redis()))
			return desired(t, 5, svc("web", nginx("local", "8080:80"))), upToDate(t, old)
		},
		// Containers labelled with the stack that no instance owns: no instance label, an
		// instance DevArch never applied, and a second container for web.
		"orphan": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 2, svc("web", nginx("local", "8080:80")))
			o := upToDate(t, d)
			noLabel := model.Container{ID: "0123456789abcdef0123", Name: "devarch-shop-manual", State: "running",
				Labels: map[string]string{model.LabelStack: stackName}}
			ghost := model.Container{ID: "ghost-id", Name: "devarch-shop-ghost", State: "exited",
				Labels: map[string]string{model.LabelStack: stackName, model.LabelInstance: "ghost"}}
			dup := container(t, d, "web", "running")
			dup.ID, dup.Name, dup.Names = "dup-id", "web-copy", []string{"web-copy"}
			o.Containers = append(o.Containers, noLabel, ghost, dup)
			return d, o
		},
		// The last instance was removed: its container goes, then the network.
		"network_remove": func(t testing.TB) (plan.Desired, plan.Observed) {
			old := desired(t, 6, svc("web", nginx("local", "8080:80")))
			return desired(t, 7), upToDate(t, old)
		},
		// The network was removed behind DevArch's back while the stack was stopped: the
		// containers still point at the old network, so they are recreated, not started.
		"network_missing": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 3, svc("web", nginx("local", "8080:80"), "db"), svc("db", postgres()))
			o := upToDate(t, d)
			o.Networks = nil
			replaceContainer(&o, container(t, d, "web", "exited"))
			replaceContainer(&o, container(t, d, "db", "exited"))
			return d, o
		},
		// app waits for db and cache, worker for app, admin for worker: providers first,
		// ties by name, whatever the names' order.
		"dependency_order": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 1,
				svc("admin", redis(), "worker"),
				svc("worker", redis(), "app"),
				svc("app", nginx("local", "8080:80"), "db", "cache"),
				svc("db", postgres()),
				svc("cache", redis()),
			)
			return d, plan.Observed{}
		},
		// A gained dependency changes the hash and shows as depends_on.
		"depends_on_changed": func(t testing.TB) (plan.Desired, plan.Observed) {
			old := desired(t, 1, svc("app", redis(), "db"), svc("db", postgres()), svc("cache", redis()))
			d := desired(t, 2, svc("app", redis(), "db", "cache"), svc("db", postgres()), svc("cache", redis()))
			return d, upToDate(t, old)
		},
		// db was renamed to pg with its container gone (engine.RenameInstance refuses
		// otherwise): app's own depends_on entry followed the rename, so app is replaced
		// for that alone and the cause names the rename's effect; pg is created as new.
		"depends_on_renamed": func(t testing.TB) (plan.Desired, plan.Observed) {
			app := func(dep string) model.EffectiveService {
				spec := redis()
				spec["depends_on"] = map[string]any{dep: map[string]any{"condition": "service_healthy"}}
				return svc("app", spec, dep)
			}
			old := desired(t, 1, app("db"), svc("db", postgres()))
			o := upToDate(t, old)
			o.Containers = o.Containers[:1]
			delete(o.Applied, "db")
			return desired(t, 2, app("pg"), svc("pg", postgres())), o
		},
		// migrate and seed are jobs (app waits for their completion). migrate ran and exited
		// 0: done, nothing to do; seed exited 3: started again (it runs again); worker, not a
		// job, exited 0: stopped outside DevArch, started.
		"jobs_finished": func(t testing.TB) (plan.Desired, plan.Observed) {
			completed := map[string]any{"condition": "service_completed_successfully"}
			spec := redis()
			spec["depends_on"] = map[string]any{"migrate": completed, "seed": completed}
			d := desired(t, 3, svc("app", spec, "migrate", "seed"), svc("migrate", redis()), svc("seed", redis()), svc("worker", redis()))
			o := upToDate(t, d)
			for _, n := range []string{"migrate", "seed", "worker"} {
				c := container(t, d, n, "exited")
				if n == "seed" {
					c.ExitCode = 3
				}
				replaceContainer(&o, c)
			}
			return d, o
		},
		"cycle": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 2, svc("app", redis(), "worker"), svc("worker", redis(), "app"), svc("db", postgres()), svc("web", redis(), "app"))
			return d, plan.Observed{}
		},
		// Stack "a" + instance "b-c" needs the name stack "a-b" + instance "c" already holds.
		"name_clash": func(t testing.TB) (plan.Desired, plan.Observed) {
			d, err := plan.DesiredFrom(model.EffectiveStack{Name: "a", Services: []model.EffectiveService{svc("b-c", redis())}}, 1)
			if err != nil {
				t.Fatal(err)
			}
			other := model.Container{ID: "other", Name: "devarch-a-b-c", State: "running",
				Labels: map[string]string{model.LabelStack: "a-b", model.LabelInstance: "c"}}
			return d, plan.Observed{Containers: []model.Container{other}}
		},
		// The stack was stopped with devarch stop: its stopped containers stay stopped, a
		// configuration change replaces web without starting it, a new instance is created
		// stopped.
		"stack_stopped": func(t testing.TB) (plan.Desired, plan.Observed) {
			old := desired(t, 4, svc("web", nginx("production", "8080:80")), svc("db", postgres()))
			d := desired(t, 5, svc("web", nginx("local", "8080:80")), svc("db", postgres()), svc("cache", redis()))
			o := upToDate(t, old)
			replaceContainer(&o, container(t, old, "web", "exited"))
			replaceContainer(&o, container(t, old, "db", "exited"))
			o.Applied["web"] = withRunning(o.Applied["web"], false)
			o.Applied["db"] = withRunning(o.Applied["db"], false)
			d.Stopped = true
			return d, o
		},
		// The last apply failed: web came up unhealthy, worker crash-loops, api was created
		// but never started; cache failed before, but is healthy now. What is left undone is
		// planned again, with the reason.
		"last_apply_failed": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 8, svc("web", nginx("local", "8080:80")), svc("worker", redis()), svc("api", redis()), svc("cache", redis()))
			o := upToDate(t, d)
			web := container(t, d, "web", "running")
			web.Health = "unhealthy"
			replaceContainer(&o, web)
			replaceContainer(&o, container(t, d, "worker", "restarting"))
			replaceContainer(&o, container(t, d, "api", "created"))
			for inst, why := range map[string]string{"web": "unhealthy: HTTP 404", "worker": "crashed: exited with code 3 and restarted 2 times", "api": "not started", "cache": "unhealthy"} {
				a := o.Applied[inst]
				a.Failed = why
				o.Applied[inst] = a
			}
			return d, o
		},
		// The user asked to replace web and db (apply --replace), web stopped; cache's tag was
		// rebuilt (its container runs an older image id).
		"replace_requested": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 3, svc("web", nginx("local", "8080:80")), svc("db", postgres()), svc("cache", redis()))
			o := upToDate(t, d)
			replaceContainer(&o, container(t, d, "web", "exited"))
			cache := container(t, d, "cache", "running")
			cache.ImageID = "sha256:old"
			replaceContainer(&o, cache)
			o.ImageIDs = map[string]string{"redis:7": "sha256:new", "postgres:16": "sha256:pg"}
			d.Replace = []string{"web", "db"}
			return d, o
		},
		// A chain: each level waits for the previous one.
		"levels": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 1, svc("app", redis(), "db"), svc("db", postgres()), svc("web", nginx("local", "8080:80"), "app"), svc("cache", redis()))
			return d, plan.Observed{}
		},
		// Stack pa's running web holds 127.0.0.1:8080 (and its stopped api would hold 9090):
		// web's 8080 is an error naming pa and its instance; nothing is said of api's port,
		// which pa's stopped container does not hold and no definition of pa claims here.
		"port_held_by_other_stack": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 1, svc("web", nginx("local", "8080:80")), svc("api", nginx("local", "9090:80")))
			web := otherContainer("pa", "web", "running", model.HostPort{IP: "127.0.0.1", Port: 8080, Protocol: "tcp"})
			api := otherContainer("pa", "api", "exited", model.HostPort{IP: "127.0.0.1", Port: 9090, Protocol: "tcp"})
			return d, plan.Observed{Containers: []model.Container{web, api}}
		},
		// A process outside DevArch listens on 127.0.0.1:8080 (the engine's probe found it);
		// a udp port of the same number is another address.
		"port_in_use_outside": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 2, svc("web", nginx("local", "8080:80", "8080:53/udp")))
			return d, plan.Observed{PortsInUse: []model.HostPort{{IP: "127.0.0.1", Port: 8080, Protocol: "tcp"}}}
		},
		// Stack pa defines 0.0.0.0:8080 (all interfaces, so it overlaps 127.0.0.1:8080) but
		// is stopped: a warning, and the plan can be applied. Stack pb's udp 8080 is no clash.
		"port_defined_elsewhere": func(t testing.TB) (plan.Desired, plan.Observed) {
			d := desired(t, 3, svc("web", nginx("local", "8080:80")))
			o := plan.Observed{OtherPorts: []plan.PortClaim{claim(t, "pa", "site", "0.0.0.0:8080:80"), claim(t, "pb", "dns", "8080:53/udp")}}
			o.Containers = []model.Container{otherContainer("pa", "site", "exited", model.HostPort{IP: "0.0.0.0", Port: 8080, Protocol: "tcp"})}
			return d, o
		},
		// This stack's own running web holds 8080 and is replaced (config changed): no clash.
		// Another stack's definition of 8081 is a warning all the same.
		"port_held_by_own": func(t testing.TB) (plan.Desired, plan.Observed) {
			old := desired(t, 4, svc("web", nginx("production", "8080:80", "8081:81")))
			d := desired(t, 5, svc("web", nginx("local", "8080:80", "8081:81")))
			o := upToDate(t, old)
			web := container(t, old, "web", "running")
			web.Published = []model.HostPort{{IP: "127.0.0.1", Port: 8080, Protocol: "tcp"}, {IP: "127.0.0.1", Port: 8081, Protocol: "tcp"}}
			replaceContainer(&o, web)
			o.OtherPorts = []plan.PortClaim{claim(t, "blog", "web", "8081:80")}
			return d, o
		},
		// The example of the brief: every kind of instance action in one plan.
		"mixed": func(t testing.TB) (plan.Desired, plan.Observed) {
			old := desired(t, 6, svc("web", nginx("production", "8080:80")), svc("cache", redis()), svc("old", redis()))
			d := desired(t, 7, svc("web", nginx("local", "8081:80")), svc("db", postgres()), svc("cache", redis()))
			o := upToDate(t, old)
			replaceContainer(&o, container(t, old, "cache", "exited"))
			return d, o
		},
	}
}

func withSecrets(a plan.Applied, versions map[string]int) plan.Applied {
	a.SecretVersions = versions
	return a
}

func withRunning(a plan.Applied, running bool) plan.Applied {
	a.Running = running
	return a
}

func TestCompute_Golden(t *testing.T) {
	for _, name := range slices.Sorted(maps.Keys(goldenCases())) {
		t.Run(name, func(t *testing.T) {
			got := plan.Compute(goldenCases()[name](t)).String()
			path := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run `go test ./backend/plan -update` to create it)", err)
			}
			if got != string(want) {
				t.Errorf("plan differs from %s (run with -update if the change is intended):\n--- got\n%s\n--- want\n%s", path, got, want)
			}
		})
	}
}

// TestCompute_GoldenFilesAreUsed keeps testdata free of goldens no case writes.
func TestCompute_GoldenFilesAreUsed(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.golden"))
	if err != nil {
		t.Fatal(err)
	}
	cases := goldenCases()
	for _, f := range files {
		if _, ok := cases[strings.TrimSuffix(filepath.Base(f), ".golden")]; !ok {
			t.Errorf("%s has no case", f)
		}
	}
}

// TestPlan_JSONRoundTrip: a stored plan is the plan. Every golden plan survives JSON with
// identical String(), identical value, and identical bytes when stored again.
func TestPlan_JSONRoundTrip(t *testing.T) {
	for _, name := range slices.Sorted(maps.Keys(goldenCases())) {
		t.Run(name, func(t *testing.T) {
			p := plan.Compute(goldenCases()[name](t))
			data, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			var back plan.Plan
			if err := json.Unmarshal(data, &back); err != nil {
				t.Fatalf("%v\n%s", err, data)
			}
			if back.String() != p.String() {
				t.Errorf("String() changed:\n--- after\n%s\n--- before\n%s", back, p)
			}
			if !reflect.DeepEqual(back, p) {
				t.Errorf("plan changed:\n%#v\n%#v", back, p)
			}
			again, err := json.Marshal(back)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, data) {
				t.Errorf("stored again differs:\n%s\n%s", again, data)
			}
			for _, a := range p.Actions {
				if !bytes.Contains(data, []byte(`"kind":"`+a.Kind.String()+`"`)) {
					t.Errorf("kind %v is not stored by name: %s", a.Kind, data)
				}
			}
		})
	}
}

// TestCompute_Deterministic: the order of every input slice is irrelevant.
func TestCompute_Deterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, name := range slices.Sorted(maps.Keys(goldenCases())) {
		t.Run(name, func(t *testing.T) {
			d, o := goldenCases()[name](t)
			want := plan.Compute(d, o)
			wantJSON, _ := json.Marshal(want)
			for i := range 30 {
				d, o := goldenCases()[name](t)
				shuffle(rng, d.Services)
				for j := range d.Services {
					shuffle(rng, d.Services[j].DependsOn)
					shuffle(rng, d.Services[j].Sensitive)
				}
				shuffle(rng, o.Containers)
				shuffle(rng, o.Networks)
				got := plan.Compute(d, o)
				gotJSON, _ := json.Marshal(got)
				if got.String() != want.String() || !bytes.Equal(gotJSON, wantJSON) {
					t.Fatalf("shuffle %d differs:\n%s\n--- want\n%s", i, got, want)
				}
			}
		})
	}
}

func shuffle[T any](rng *rand.Rand, s []T) {
	rng.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
}

// TestCompute_NeverShowsSecretReferences: no golden plan shows a secret reference, in text or
// as stored.
func TestCompute_NeverShowsSecretReferences(t *testing.T) {
	for name, c := range goldenCases() {
		p := plan.Compute(c(t))
		data, _ := json.Marshal(p)
		for _, out := range []string{p.String(), string(data)} {
			if strings.Contains(out, "secret:") || strings.Contains(out, "DEVARCH_SECRET") {
				t.Errorf("%s shows a secret reference:\n%s", name, out)
			}
		}
	}
}
