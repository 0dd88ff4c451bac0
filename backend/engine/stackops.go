package engine

import (
	"context"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/store"
)

// StackDetail is a stack with its resolved instances and their live state.
type StackDetail struct {
	Resolved ResolvedStack
	Status   string
	// Containers maps instance name to its container's state ("running", "exited", ...);
	// absent when it has none.
	Containers map[string]runtime.Container
	EngineErr  error
	Clashes    []error
}

// The states an instance has without a container to report one (InstanceState.State).
const (
	// StateNotCreated: the instance has no container (never applied, or taken down).
	StateNotCreated = "not created"
	// StateUnknown: the engine could not be asked.
	StateUnknown = "unknown"
	// StateCompleted: a one-shot instance's container (model.LabelJob) ran and exited with
	// code 0: its work is done. One that exited with another code stays "exited".
	StateCompleted = "completed"
)

// InstanceState is an instance's live state as both faces show it: the container's state
// ("running", "exited", ...) or StateNotCreated / StateUnknown, and its healthcheck's verdict
// when it has one.
type InstanceState struct {
	State  string
	Health string
}

// Summary is the state in one word, a failing healthcheck winning over "running" (the
// window's badge).
func (st InstanceState) Summary() string {
	if st.Health == "unhealthy" {
		return "unhealthy"
	}
	return st.State
}

// InstanceState is the live state of one of the stack's instances: the one rule for it.
func (d StackDetail) InstanceState(instance string) InstanceState {
	if c, ok := d.Containers[instance]; ok {
		if JobCompleted(c) {
			return InstanceState{State: StateCompleted}
		}
		return InstanceState{State: c.State, Health: c.Health}
	}
	if d.EngineErr != nil {
		return InstanceState{State: StateUnknown}
	}
	return InstanceState{State: StateNotCreated}
}

// Stack returns a stack page's data: resolution, live state (one engine call) and port
// clashes.
func (s *Service) Stack(ctx context.Context, name string) (StackDetail, error) {
	rs, err := s.Resolve(ctx, name)
	if err != nil {
		return StackDetail{}, err
	}
	d := StackDetail{Resolved: rs, Containers: map[string]runtime.Container{}}
	cs, err := s.stackContainers(ctx, name)
	d.EngineErr = err
	for _, c := range cs {
		d.Containers[c.Labels[model.LabelInstance]] = c
	}
	d.Status = StackStatus(cs)
	if err != nil {
		d.Status = StatusUnknown
	}
	d.Clashes, err = s.portClashes(ctx, rs)
	return d, err
}

func (s *Service) stackContainers(ctx context.Context, name string) ([]runtime.Container, error) {
	eng, err := s.EngineFor(ctx, name)
	if err != nil {
		return nil, err
	}
	return eng.ListContainers(ctx, []string{model.LabelStack + "=" + name})
}

// StackOptions are the choices made when creating a stack.
type StackOptions struct {
	Description string
	// Root is the project root, an absolute directory that exists; "" for the stack's
	// folder under the data home.
	Root string
	// ReuseVolumes makes the new stack mount the named volumes a deleted stack of the same
	// name left behind, instead of starting with fresh ones: an explicit choice, since those
	// volumes hold the old stack's data (and its database passwords).
	ReuseVolumes bool
	// Context is the docker context the stack runs on ("" or "default": the default
	// engine); it must exist.
	Context string
}

// CreateStack validates and creates an empty stack. Invalid input is reported with the
// field and rule, and nothing is written.
func (s *Service) CreateStack(ctx context.Context, name string, opts StackOptions) (model.StackSummary, error) {
	if err := model.ValidateStackName(name); err != nil {
		return model.StackSummary{}, err
	}
	if err := model.ValidateDescription(opts.Description); err != nil {
		return model.StackSummary{}, err
	}
	if err := validRoot(opts.Root); err != nil {
		return model.StackSummary{}, err
	}
	dockerContext, err := s.checkContext(ctx, opts.Context)
	if err != nil {
		return model.StackSummary{}, err
	}
	prefix := ""
	if opts.ReuseVolumes {
		if prefix, err = s.leftVolumePrefix(ctx, name, dockerContext); err != nil {
			return model.StackSummary{}, err
		}
	}
	return s.Store.CreateStackOn(ctx, store.NewStack{Name: name, Description: opts.Description, Root: opts.Root, VolumePrefix: prefix, Context: dockerContext})
}

// validRoot checks a project root: "" (the default) or an absolute path to a directory.
func validRoot(root string) error {
	if root == "" {
		return nil
	}
	if !filepath.IsAbs(root) {
		return model.Invalid("root", fmt.Sprintf("the project root %q is not an absolute path", root), "Give the full path of the project's directory, e.g. /home/me/src/shop.")
	}
	fi, err := os.Stat(root)
	if err != nil || !fi.IsDir() {
		return model.Invalid("root", fmt.Sprintf("the project root %s is not a directory", root), "Create it first (mkdir -p "+root+"), or choose the directory your project is in.")
	}
	return nil
}

// leftVolumePrefix finds the volume prefix of the named volumes a deleted stack of this name
// left behind on this engine: made by this installation (or, for stacks from before volume
// prefixes, named after the compose project), and used by no live stack.
func (s *Service) leftVolumePrefix(ctx context.Context, name, dockerContext string) (string, error) {
	eng, err := s.engineOn(ctx, dockerContext)
	if err != nil {
		return "", err
	}
	id, err := s.installationID(ctx)
	if err != nil {
		return "", err
	}
	vols, err := eng.ListVolumes(ctx, []string{model.LabelStack + "=" + name, model.LabelInstallation + "=" + id})
	if err != nil {
		return "", err
	}
	legacy, err := eng.ListVolumes(ctx, []string{"com.docker.compose.project=" + model.ProjectName(name)})
	if err != nil {
		return "", err
	}
	inUse, err := s.Store.VolumePrefixes(ctx)
	if err != nil {
		return "", err
	}
	prefixes := map[string]bool{}
	for _, v := range vols {
		if p := v.Labels[model.LabelVolumePrefix]; p != "" && strings.HasPrefix(v.Name, p) && !inUse[p] {
			prefixes[p] = true
		}
	}
	for _, v := range legacy {
		// A live stack's volumes (one renamed away from this name keeps its prefix) are never
		// another stack's to take.
		if p := model.ProjectName(name) + "_"; strings.HasPrefix(v.Name, p) && v.Labels[model.LabelVolumePrefix] == "" && !inUse[p] {
			prefixes[p] = true
		}
	}
	switch len(prefixes) {
	case 0:
		return "", model.Invalid("reuse-volumes", fmt.Sprintf("no volumes of an earlier stack named %s are left", name), "Create the stack without --reuse-volumes: it starts with fresh volumes.")
	case 1:
		for p := range prefixes {
			return p, nil
		}
	}
	var names []string
	for p := range prefixes {
		names = append(names, p+"*")
	}
	sort.Strings(names)
	return "", model.Invalid("reuse-volumes", fmt.Sprintf("several earlier stacks named %s left volumes (%s)", name, strings.Join(names, ", ")),
		"Remove the ones you do not want (docker volume rm NAME), then create the stack again with --reuse-volumes.")
}

// UpdateStack changes a stack's description and project root. A new root changes what the
// stack's relative bind mounts point at: the next plan replaces those containers.
func (s *Service) UpdateStack(ctx context.Context, name string, set store.StackSettings) (bool, error) {
	if set.Description != nil {
		if err := model.ValidateDescription(*set.Description); err != nil {
			return false, err
		}
	}
	if set.Root != nil {
		if err := validRoot(*set.Root); err != nil {
			return false, err
		}
	}
	if set.Context != nil {
		c, err := s.checkContext(ctx, *set.Context)
		if err != nil {
			return false, err
		}
		set.Context = &c
	}
	return s.Store.UpdateStack(ctx, name, set)
}

// SetEngineAddress sets where an engine ("default" or a docker context) publishes the host
// ports of its stacks: an IP address of that engine's host that this machine reaches ("" to
// go back to 127.0.0.1). The stacks on it get a new revision: their next plan replaces the
// containers that publish ports.
func (s *Service) SetEngineAddress(ctx context.Context, engine, address string) (bool, error) {
	if engine == "" {
		engine = DefaultEngine
	}
	if engine != DefaultEngine {
		if _, err := s.checkContext(ctx, engine); err != nil {
			return false, err
		}
	}
	if address != "" {
		ip, err := netip.ParseAddr(address)
		if err != nil || ip.Zone() != "" {
			return false, model.Invalid("address", fmt.Sprintf("%q is not an IP address", address),
				"Give the address of the engine's host that this machine reaches, e.g. 192.168.1.40 (a name is not accepted: ports bind to an address).")
		}
		if ip.IsUnspecified() {
			return false, model.Invalid("address", fmt.Sprintf("%s would publish ports on every interface of the engine's host", address),
				"Give one address of the engine's host, the one this machine reaches it by.")
		}
		address = ip.String()
	}
	return s.Store.SetEngineAddress(ctx, engine, address)
}

// RenameStack renames a stack. It holds the stack's lock, like apply, and refuses while the
// stack has containers (in any state): they are named after the stack, and renaming would
// leave them running unmanaged. Take the stack down first; the next apply creates the
// containers under the new name. The stack's folder under the data home moves with it (the
// default project root, with any files of the user's in it); named volumes keep their names,
// so the data stays. Renaming to the same name changes nothing.
func (s *Service) RenameStack(ctx context.Context, name, newName, who string) error {
	if newName == name {
		if _, err := s.Store.GetStack(ctx, name); err != nil {
			return err
		}
		return nil
	}
	if err := model.ValidateStackName(newName); err != nil {
		return err
	}
	st, err := s.Store.GetStack(ctx, name)
	if err != nil {
		return err
	}
	for _, inst := range st.Instances {
		if err := model.ValidateInstanceName(newName, inst.Name); err != nil {
			return model.Invalid("name", fmt.Sprintf("stack name %q is too long for instance %q", newName, inst.Name), model.AsError(err).Detail)
		}
	}
	lock, err := s.lockStack(ctx, name, store.OpRename, who, nil)
	if err != nil {
		return err
	}
	finishCtx := context.WithoutCancel(ctx)
	fail := func(err error) error {
		_ = lock.Finish(finishCtx, store.Outcome{Status: store.RunFailed, Stderr: recordText(err)})
		return err
	}
	cs, err := s.stackContainers(ctx, name)
	if err != nil {
		return fail(model.Wrap(model.KindEngineUnavailable, err, "cannot tell whether the stack has containers", model.AsError(err).Summary+". Start the container engine and try again."))
	}
	if len(cs) > 0 {
		return fail(&model.Error{Kind: model.KindConflict, Field: "stack",
			Summary: fmt.Sprintf("stack %s has %d container%s (%s)", name, len(cs), plural(len(cs)), containerNames(cs)),
			Detail:  fmt.Sprintf("Containers are named after their stack. Take it down first (devarch down %s; volumes keep your data), rename, then apply: devarch apply %s", name, newName)})
	}
	oldDir, newDir := s.StackDir(name), s.StackDir(newName)
	if dirExists(oldDir) && pathExists(newDir) {
		return fail(model.Invalid("name", fmt.Sprintf("%s already exists", newDir), "DevArch would move the stack's folder there. Move that directory away, or choose another name."))
	}
	if err := s.Store.RenameStack(ctx, name, newName); err != nil {
		return fail(err)
	}
	if dirExists(oldDir) {
		if err := os.Rename(oldDir, newDir); err != nil {
			// The rename is recorded; say what to move by hand rather than failing it.
			_ = lock.Finish(finishCtx, store.Outcome{Status: store.RunSucceeded, Results: []ActionResult{{Action: "rename " + name + " to " + newName, Status: ResultDone, Error: "folder not moved: " + err.Error()}}})
			return model.Wrap(model.KindInternal, err, fmt.Sprintf("renamed, but %s could not be moved to %s", oldDir, newDir), err.Error()+". Move it by hand: its files are the stack's project root.")
		}
	}
	return lock.Finish(finishCtx, store.Outcome{Status: store.RunSucceeded, Results: []ActionResult{{Action: "rename " + name + " to " + newName, Status: ResultDone}}})
}

// Deleted is what deleting a stack left in place, for the user to see.
type Deleted struct {
	// KeptVolumes are the stack's named volumes still on the engine (its data).
	KeptVolumes []string
	// KeptFiles are files of the user's left in the stack's folder under the data home
	// (DevArch deletes only what it wrote there); KeptDir is that folder when it is kept.
	KeptFiles []string
	KeptDir   string
	// Unchecked is why the engine was not asked (it did not answer) when a forced delete
	// went ahead without it: any containers, network or volumes of the stack are left as
	// they are, unmanaged. Empty when the engine answered.
	Unchecked string
}

// DeleteOptions are the choices of a stack deletion.
type DeleteOptions struct {
	// Force takes the stack down first (its containers and network); without it a stack
	// that has any container or network is refused.
	Force bool
	// Volumes also removes the stack's named volumes: its data.
	Volumes bool
}

// DeleteStack deletes a stack's definition. It holds the stack's lock throughout, like apply,
// and refuses while any container or network of the stack exists, in any state (they would
// be left unmanaged): take it down first, or pass Force. DevArch deletes only files it wrote
// (the compose file copy); the user's files in the stack's folder stay, and so do named
// volumes unless Volumes: both are reported.
func (s *Service) DeleteStack(ctx context.Context, name string, opts DeleteOptions, who string) (Deleted, error) {
	st, err := s.Store.GetStack(ctx, name)
	if err != nil {
		return Deleted{}, err
	}
	lock, err := s.lockStack(ctx, name, store.OpDelete, who, nil)
	if err != nil {
		return Deleted{}, err
	}
	out, err := s.deleteLocked(ctx, st, opts)
	if err != nil {
		_ = lock.Finish(context.WithoutCancel(ctx), store.Outcome{Status: store.RunFailed, Stderr: recordText(err)})
		return out, err
	}
	// The run record went with the stack: releasing the lock is all that is left.
	lock.Release(ctx)
	return out, nil
}

func (s *Service) deleteLocked(ctx context.Context, st model.Stack, opts DeleteOptions) (Deleted, error) {
	name := st.Name
	var out Deleted
	eng, engErr := s.engineOn(ctx, runsOn(st))
	var cs []runtime.Container
	var nets []runtime.Network
	if engErr == nil {
		if cs, engErr = eng.ListContainers(ctx, []string{model.LabelStack + "=" + name}); engErr == nil {
			nets, engErr = eng.ListNetworks(ctx, []string{model.LabelStack + "=" + name})
		}
	}
	if engErr != nil && !opts.Force {
		return out, model.Wrap(model.KindEngineUnavailable, engErr, "cannot tell whether the stack has containers",
			model.AsError(engErr).Summary+". Start the container engine, or delete with --force to delete the definition anyway.")
	}
	if engErr != nil {
		out.Unchecked = model.AsError(engErr).Summary
	}
	if (len(cs) > 0 || len(nets) > 0) && !opts.Force {
		what := containerNames(cs)
		if what == "" {
			what = "its network"
		}
		return out, &model.Error{Kind: model.KindConflict, Field: "stack",
			Summary: fmt.Sprintf("stack %s still has containers or a network (%s)", name, what),
			Detail:  fmt.Sprintf("Take it down first (devarch down %s), or delete with --force, which does that. Volumes (your data) stay unless you add --volumes.", name)}
	}
	if engErr == nil && (len(cs) > 0 || len(nets) > 0) {
		if _, err := eng.RunCompose(ctx, []string{"-p", model.ProjectName(name), "down", "--remove-orphans"}, runtime.RunOptions{}); err != nil {
			return out, composeFailure(name, err)
		}
	}
	if engErr == nil {
		vols, err := s.stackVolumes(ctx, eng, st)
		if err != nil {
			return out, err
		}
		if opts.Volumes {
			if err := eng.RemoveVolumes(ctx, vols); err != nil {
				return out, err
			}
		} else {
			out.KeptVolumes = vols
		}
	}
	if err := s.Store.DeleteStack(ctx, name); err != nil {
		return out, err
	}
	out.KeptDir, out.KeptFiles = s.removeOwnFiles(s.StackDir(name))
	return out, nil
}

// stackVolumes lists a stack's named volumes: those named with its volume prefix, labelled
// with it, or (stacks from before volume prefixes, whose prefix is compose's project name)
// with compose's project label.
func (s *Service) stackVolumes(ctx context.Context, eng *runtime.Engine, st model.Stack) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, label := range []string{model.LabelVolumePrefix + "=" + st.VolumePrefix, "com.docker.compose.project=" + strings.TrimSuffix(st.VolumePrefix, "_")} {
		vols, err := eng.ListVolumes(ctx, []string{label})
		if err != nil {
			return nil, err
		}
		for _, v := range vols {
			if strings.HasPrefix(v.Name, st.VolumePrefix) && !seen[v.Name] {
				seen[v.Name] = true
				out = append(out, v.Name)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// removeOwnFiles deletes what DevArch wrote in a stack's folder (the compose file copy and
// leftovers of its atomic writes) and the folder itself when nothing else is in it. It
// never deletes anything else: the folder is the default project root, and the user's code
// may live there. It returns the folder and the user's files when it keeps them.
func (s *Service) removeOwnFiles(dir string) (string, []string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", nil
	}
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && (n == compose.FileName || strings.HasPrefix(n, "."+compose.FileName+".") && strings.HasSuffix(n, ".tmp")) {
			_ = os.Remove(filepath.Join(dir, n))
		}
	}
	var kept []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			kept = append(kept, p)
		}
		return nil
	})
	if len(kept) == 0 {
		// Only empty directories are left (DevArch made the bind mount sources): remove them,
		// deepest first. os.Remove never removes a directory that is not empty.
		var dirs []string
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, p)
			}
			return nil
		})
		for i := len(dirs) - 1; i >= 0; i-- {
			_ = os.Remove(dirs[i])
		}
		if !pathExists(dir) {
			return "", nil
		}
	}
	return dir, kept
}

func containerNames(cs []runtime.Container) string {
	names := make([]string, 0, len(cs))
	for _, c := range cs {
		names = append(names, c.Name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func pathExists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func dirExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// lockStack takes a stack's lock for an operation. Holding it proves no live DevArch works on
// the stack, so a compose process a crashed one left behind is stopped first: it could
// otherwise still be changing the containers this operation is about to change.
func (s *Service) lockStack(ctx context.Context, stack string, op store.Operation, who string, planID *int64) (*store.StackLock, error) {
	lock, err := s.Store.LockStack(ctx, stack, op, who, planID)
	if err != nil {
		return nil, err
	}
	runtime.StopStrayCompose(model.ProjectName(stack), s.StackDir(stack))
	return lock, nil
}
