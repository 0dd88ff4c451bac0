package compose

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/devarch/devarch/backend/model"
)

// hashFormat versions what ConfigHash covers and how. Bump it when a change to generation
// alters what compose receives for an unchanged spec, so that plans show those containers
// as changed instead of compose recreating them behind the plan's back.
const hashFormat = 1

// ConfigHash identifies a service's effective configuration: the first 16 hex digits of the
// SHA-256 of the canonical JSON of {format, spec, depends_on} (encoding/json sorts map keys;
// numbers in the same JSON form hash the same whatever their Go type; fields removed with
// nil are dropped). It is stored as the model.LabelConfigHash label, which the plan compares
// with the running container's to decide on a replace.
//
// It excludes DevArch's labels (it is one of them), and the stack, instance and template
// names (they are identity, carried by the other labels and the container name). Secret
// references count as written (${secret:NAME}), not by value: changing a secret's value does
// not change the hash.
func ConfigHash(svc model.EffectiveService) (string, error) { return configHash(svc, "", false) }

// configHash is ConfigHash that also covers root, the directory the service's relative
// paths resolve against: moving a stack's project root changes what its bind mounts
// mount, so the containers must be replaced. Services without relative paths pass "" and
// hash as ConfigHash does. It covers job too (a one-shot instance, see Jobs), only when
// true, so other services hash as before: an instance that becomes or stops being a job
// gets or loses the model.LabelJob label, which compose sees as a change, so the plan must
// see it too.
func configHash(svc model.EffectiveService, root string, job bool) (string, error) {
	spec := make(map[string]any, len(svc.Spec))
	for k, v := range svc.Spec {
		if v != nil {
			spec[k] = v
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(struct {
		Format    int             `json:"format"`
		Spec      map[string]any  `json:"spec"`
		DependsOn map[string]bool `json:"depends_on,omitempty"`
		Root      string          `json:"root,omitempty"`
		Job       bool            `json:"job,omitempty"`
	}{hashFormat, spec, svc.DependsOn, root, job})
	if err != nil {
		return "", model.Wrap(model.KindInternal, err, "cannot hash the configuration of instance "+svc.Instance, err.Error())
	}
	sum := sha256.Sum256(buf.Bytes())
	return hex.EncodeToString(sum[:])[:16], nil
}
