package engine_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/store"
	"github.com/devarch/devarch/backend/transfer"
)

// import --update: a teammate's changed devarch.yml brings the stack in line, as one diff
// and one transaction. A dry run lists the changes and writes nothing; the update writes
// them (the stack then exports as the file), keeps stored secrets, generates passwords for
// added databases, and a second run finds nothing to do. A bad file, an unknown stack and
// a stack changed meanwhile change nothing.
func TestImportUpdate(t *testing.T) {
	svc, pool := transferService(t)
	ctx := t.Context()
	if _, err := svc.CreateStack(ctx, "up", engine.StackOptions{Description: "first"}); err != nil {
		t.Fatal(err)
	}
	for _, add := range [][3]string{{"app", "node", ""}, {"db", "postgres", ""}, {"old", "redis", ""}} {
		if _, err := svc.AddInstance(ctx, "up", add[0], add[1], nil); err != nil {
			t.Fatal(err)
		}
	}
	dbPassword := reveal(t, svc, "up", "db_password")
	before, _, err := svc.Export(ctx, "up", engine.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}

	// The teammate's file: another description and x- key, old removed, cache and db2
	// added, app's APP_ENV overridden, app wired to db2 explicitly.
	d, err := transfer.Decode(before)
	if err != nil {
		t.Fatal(err)
	}
	d.Description = "second"
	d.Extensions = map[string]any{"x-team": map[string]any{"owner": "payments"}}
	var redis transfer.Instance
	d.Instances = slices.DeleteFunc(d.Instances, func(i transfer.Instance) bool {
		if i.Name == "old" {
			redis = i
			return true
		}
		return false
	})
	var pg transfer.Instance
	for i := range d.Instances {
		switch d.Instances[i].Name {
		case "app":
			d.Instances[i].Overrides = model.Spec{"environment": map[string]any{"APP_ENV": "dev"}}
		case "db":
			pg = d.Instances[i]
		}
	}
	db2 := transfer.Instance{Name: "db2", Template: pg.Template, Version: pg.Version, Overrides: model.Spec{"environment": map[string]any{"POSTGRES_PASSWORD": "${secret:db2_password}"}}}
	d.Instances = append(d.Instances, transfer.Instance{Name: "cache", Template: redis.Template, Version: redis.Version, Overrides: model.Spec{}}, db2)
	slices.SortFunc(d.Instances, func(a, b transfer.Instance) int { return strings.Compare(a.Name, b.Name) })
	d.Wires = []model.Wire{{Consumer: "app", Contract: "postgres", Provider: "db2"}}
	after, err := transfer.Encode(d)
	if err != nil {
		t.Fatal(err)
	}

	st, err := svc.Store.GetStack(ctx, "up")
	if err != nil {
		t.Fatal(err)
	}
	dry, err := svc.ImportUpdate(ctx, after, "up", engine.UpdateOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range dry.Changes {
		got = append(got, c.Action+" "+c.Subject+": "+strings.Join(c.Details, "; "))
	}
	want := []string{
		`~ description: "first" -> "second"`,
		`+ x-team: {"owner":"payments"}`,
		`~ instance app: overrides.environment.APP_ENV: (not set) -> "dev"`,
		`+ instance cache: template redis`,
		`+ instance db2: template postgres`,
		`- instance old: template redis`,
		`+ wire app postgres: -> db2`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("changes:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !slices.Equal(dry.SecretsGenerated, []string{"db2_password"}) || len(dry.MissingSecrets) != 0 || dry.Revision != st.Revision {
		t.Errorf("dry run: %+v", dry)
	}
	if now, _, _ := svc.Export(ctx, "up", engine.ExportOptions{}); !bytes.Equal(now, before) {
		t.Fatalf("a dry run wrote:\n%s", now)
	}

	// Bad files (a wire to an instance the file does not have; an override its template
	// refuses): refused, nothing written.
	counts := rowCounts(t, pool)
	bad := d
	bad.Wires = []model.Wire{{Consumer: "app", Contract: "postgres", Provider: "nosuch"}}
	badDoc, err := transfer.Encode(bad)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportUpdate(ctx, badDoc, "up", engine.UpdateOptions{}); err == nil || !strings.Contains(err.Error(), `no instance named "nosuch"`) {
		t.Fatalf("bad wire: %v", err)
	}
	bad = d
	bad.Wires = nil
	bad.Instances = slices.Clone(d.Instances)
	bad.Instances[0].Overrides = model.Spec{"ports": []any{"not a port"}}
	if badDoc, err = transfer.Encode(bad); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportUpdate(ctx, badDoc, "up", engine.UpdateOptions{}); err == nil || !strings.Contains(err.Error(), "instances.app.overrides.ports") || !strings.Contains(err.Error(), "Nothing was updated") {
		t.Fatalf("bad override: %v", err)
	}
	if _, err := svc.ImportUpdate(ctx, after, "nope", engine.UpdateOptions{}); model.KindOf(err) != model.KindNotFound {
		t.Fatalf("unknown stack: %v", err)
	}
	if now := rowCounts(t, pool); !equalCounts(now, counts) {
		t.Fatalf("a refused update wrote: %v -> %v", counts, now)
	}

	res, err := svc.ImportUpdate(ctx, after, "up", engine.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Revision != st.Revision+1 || len(res.Changes) != len(want) {
		t.Errorf("update: %+v", res)
	}
	if now, _, _ := svc.Export(ctx, "up", engine.ExportOptions{}); !bytes.Equal(now, after) {
		t.Errorf("the updated stack does not export as the file:\n%s\nwant\n%s", now, after)
	}
	if got := reveal(t, svc, "up", "db_password"); got != dbPassword {
		t.Error("the update changed a stored secret")
	}
	if got := reveal(t, svc, "up", "db2_password"); len(got) < 16 {
		t.Errorf("db2_password = %d characters", len(got))
	}

	// Nothing left to do: no change, no new revision.
	again, err := svc.ImportUpdate(ctx, after, "up", engine.UpdateOptions{})
	if err != nil || len(again.Changes) != 0 || again.Revision != res.Revision {
		t.Fatalf("second update: %+v %v", again, err)
	}

	// A stack that changed after the changes were computed: refused, nothing written.
	_, err = svc.Store.UpdateStackDefinition(ctx, store.StackUpdate{Name: "up", Revision: res.Revision - 1, Description: "stale"})
	if e := model.AsError(err); err == nil || e.Kind != model.KindConflict || !strings.Contains(e.Summary, "changed while the update was being prepared") {
		t.Fatalf("stale update: %v", err)
	}
	if now, _ := svc.Store.GetStack(ctx, "up"); now.Description != "second" {
		t.Errorf("a stale update wrote: %q", now.Description)
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
