package runtime

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"github.com/devarch/devarch/backend/model"
)

// Volume is one named volume as the engine lists it.
type Volume struct {
	Name   string
	Labels map[string]string
}

// ListVolumes lists the volumes that carry all the given labels ("key" or "key=value"), in
// one engine call, sorted by name.
func (e *Engine) ListVolumes(ctx context.Context, labels []string) ([]Volume, error) {
	args := []string{"volume", "ls"}
	args = append(args, labelFilterArgs(labels)...)
	args = append(args, "--format", e.listFormat())
	res, err := e.Run(ctx, args, RunOptions{})
	if err != nil {
		return nil, err
	}
	out, err := parseVolumes(res.Stdout)
	if err != nil {
		return nil, unexpectedOutput(e.Name+" volume ls", err, res.Stdout)
	}
	return out, nil
}

// parseVolumes reads docker's one JSON object per line (labels as "k=v,k=v") or podman's
// array (labels as an object).
func parseVolumes(data []byte) ([]Volume, error) {
	values, err := jsonValues(data)
	if err != nil {
		return nil, err
	}
	out := make([]Volume, 0, len(values))
	for _, raw := range values {
		var v struct {
			Name   string
			Labels json.RawMessage
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, err
		}
		vol := Volume{Name: v.Name, Labels: map[string]string{}}
		var asString string
		var asMap map[string]string
		switch {
		case json.Unmarshal(v.Labels, &asString) == nil:
			vol.Labels = parseLabelString(asString)
		case json.Unmarshal(v.Labels, &asMap) == nil && asMap != nil:
			vol.Labels = asMap
		}
		if strings.TrimSpace(vol.Name) != "" {
			out = append(out, vol)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// RemoveVolumes removes the named volumes (a missing one is not an error). A volume in use
// by a container is refused by the engine, and that error is returned.
func (e *Engine) RemoveVolumes(ctx context.Context, names []string) error {
	for _, n := range names {
		if _, err := e.Run(ctx, []string{"volume", "rm", n}, RunOptions{}); err != nil && model.KindOf(err) != model.KindNotFound {
			return err
		}
	}
	return nil
}

// ImageIDs returns the id each image reference points at now (references the engine does not
// have are left out), through the local Engine API when the CLI would use it, else one
// `image inspect` call.
func (e *Engine) ImageIDs(ctx context.Context, refs []string) (map[string]string, error) {
	out := map[string]string{}
	if len(refs) == 0 {
		return out, nil
	}
	if sock := e.apiSocket(); sock != "" {
		ok := true
		for _, ref := range refs {
			id, found, err := e.imageIDAPI(ctx, sock, ref)
			if err != nil {
				ok = false
				break
			}
			if found {
				out[ref] = id
			}
		}
		if ok {
			return out, nil
		}
	}
	res, err := e.Run(ctx, append([]string{"image", "inspect", "--format", "{{.Id}}"}, refs...), RunOptions{})
	if err != nil && model.KindOf(err) != model.KindNotFound {
		return nil, err
	}
	// One id per line for the references that exist, in order; a missing one prints nothing
	// (and makes the command fail), so pair them up only when every one answered.
	lines := strings.Fields(string(res.Stdout))
	if len(lines) == len(refs) {
		for i, ref := range refs {
			out[ref] = lines[i]
		}
	}
	return out, nil
}
