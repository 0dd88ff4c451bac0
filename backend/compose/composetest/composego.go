package composetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/schema"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// composeGoSchema is compose-go's own schema, compiled once: its loader compiles it on
// every load, which costs ~10 ms, too much for a fuzz iteration. LoadComposeGo validates
// with it as the loader would (the model as parsed, before interpolation), then loads with
// SkipValidation.
var composeGoSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(schema.Schema))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("compose-spec.json", doc); err != nil {
		return nil, err
	}
	c.RegisterFormat(&jsonschema.Format{Name: "duration", Validate: func(v any) error {
		s, ok := v.(string)
		if !ok {
			return errors.New("expected string")
		}
		_, err := time.ParseDuration(s)
		return err
	}})
	return c.Compile("compose-spec.json")
})

// LoadComposeGo reads a compose file the way `docker compose` v2 does before it talks to
// the engine: compose-go's schema, then its loader (interpolation with env, normalization,
// consistency checks). Nothing is read from disk: the file is given as content.
func LoadComposeGo(doc []byte, env map[string]string) (*types.Project, error) {
	sch, err := composeGoSchema()
	if err != nil {
		return nil, fmt.Errorf("compiling compose-go's schema: %w", err)
	}
	var model any
	if err := yaml.Unmarshal(doc, &model); err != nil {
		return nil, fmt.Errorf("yaml.v3 cannot read the file: %w", err)
	}
	if err := sch.Validate(model); err != nil {
		return nil, fmt.Errorf("compose-go's schema rejects the file: %w", err)
	}
	p, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  "/nonexistent/devarch-test", // nothing is read from it
		ConfigFiles: []types.ConfigFile{{Filename: "compose.yaml", Content: doc}},
		Environment: env,
	}, func(o *loader.Options) { o.SkipValidation = true })
	if err != nil {
		return nil, fmt.Errorf("compose-go cannot load the file: %w", err)
	}
	return p, nil
}
