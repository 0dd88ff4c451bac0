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
