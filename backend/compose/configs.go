package compose

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/devarch/devarch/backend/model"
)

// Config files (the service field configs: absolute container path -> content) reach
// compose as project configs with inline content, mounted at their path: nothing is written
// to disk, so no file can be stale or raced on, and the content is part of the compose file
// and so of the service's configuration hash (a change replaces the container and shows in
// the plan).
//
// Content is rendered first: ${env.NAME} becomes the service's effective environment
// variable NAME (wired variables included, so an nginx site can name its fastcgi provider),
// or nothing when the service has no such variable (a wired variable of a need that is not
// wired: the template's config must still make sense without it). The result is then
// escaped like every other string: a literal $ stays literal ($$ in the file) and
// ${secret:NAME} becomes compose interpolation.

// envRef is a reference to the service's own environment in config content.
var envRef = regexp.MustCompile(`\$\{env\.([A-Za-z_][A-Za-z0-9_]*)\}`)

// configFiles converts the configs field of es.
func (b *builder) configFiles(es model.EffectiveService, v any) ([]ServiceConfig, error) {
	m, ok := asMap(v)
	if !ok {
		return nil, b.invalid("configs", "must be a mapping of container path to content, not "+typeName(v), `Write e.g. configs: {/etc/app.ini: "debug = 1"}.`)
	}
	env, _ := asMap(es.Spec["environment"])
	var out []ServiceConfig
	for _, target := range sortedKeys(m) {
		p := "configs." + target
		if err := b.utf8("configs", target); err != nil {
			return nil, err
		}
		if !strings.HasPrefix(target, "/") || path.Clean(target) != target || target == "/" {
			return nil, b.invalid(p, fmt.Sprintf("%q is not an absolute file path", target),
				"Key each config file by where it appears in the container, e.g. /etc/nginx/conf.d/default.conf (absolute, no .. or trailing /).")
		}
		raw, ok := m[target].(string)
		if !ok {
			return nil, b.invalid(p, "must be the file's content as a string, not "+typeName(m[target]), "Write the content as text (a YAML block scalar, |, keeps lines).")
		}
		rendered := envRef.ReplaceAllStringFunc(raw, func(ref string) string {
			s, _ := env[envRef.FindStringSubmatch(ref)[1]].(string)
			return s
		})
		content, err := b.text(p, rendered)
		if err != nil {
			return nil, err
		}
		name := ConfigName(es.Instance, target)
		if b.configs == nil {
			b.configs = Map[Config]{}
		}
		b.configs[name] = Config{Content: content}
		out = append(out, ServiceConfig{Source: name, Target: target})
	}
	return out, nil
}

// ConfigName is the project config of an instance's config file: the instance and a hash of
// the path (paths hold characters config names may not, and two paths must never share a
// name).
func ConfigName(instance, target string) string {
	h := sha256.Sum256([]byte(target))
	return instance + "-" + strings.TrimLeft(sanitizeConfig.ReplaceAllString(target, "_"), "_") + "-" + hex.EncodeToString(h[:4])
}

var sanitizeConfig = regexp.MustCompile(`[^A-Za-z0-9._-]`)
