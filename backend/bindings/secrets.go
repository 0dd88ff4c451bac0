package bindings

import (
	"context"
	"time"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/secrets"
)

// SecretSummary is one secret of a stack, without its value.
type SecretSummary struct {
	Name      string   `json:"name"`
	Set       bool     `json:"set"` // false: referenced but missing
	UsedBy    []string `json:"usedBy"`
	UpdatedAt string   `json:"updatedAt"`
}

// Secrets serves a stack's secrets panel. Values cross to the frontend only through
// Reveal, an explicit user action.
type Secrets struct{ host *Host }

// NewSecrets binds Secrets to host.
func NewSecrets(host *Host) *Secrets { return &Secrets{host: host} }

// List returns the stack's secrets: names, users, last change.
func (s *Secrets) List(stack string) ([]SecretSummary, error) {
	return call(s.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) ([]SecretSummary, error) {
		list, err := svc.Secrets(ctx, stack)
		if err != nil {
			return nil, err
		}
		out := []SecretSummary{}
		for _, x := range list {
			row := SecretSummary{Name: x.Name, Set: x.Version > 0, UsedBy: x.UsedBy}
			if row.UsedBy == nil {
				row.UsedBy = []string{}
			}
			if row.Set {
				row.UpdatedAt = x.UpdatedAt.UTC().Format(time.RFC3339)
			}
			out = append(out, row)
		}
		return out, nil
	})
}

// Set stores a value (encrypted at once; the string is not kept).
func (s *Secrets) Set(stack, name, value string) error {
	_, err := call(s.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (struct{}, error) {
		_, err := svc.SetSecret(ctx, stack, name, secrets.NewValue(value))
		return struct{}{}, err
	})
	return err
}

// Generate stores a strong random value; it is not returned (Reveal shows it).
func (s *Secrets) Generate(stack, name string) error {
	_, err := call(s.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (struct{}, error) {
		_, err := svc.SetSecret(ctx, stack, name, secrets.GenerateValue(32))
		return struct{}{}, err
	})
	return err
}

// Reveal decrypts one value for display: the explicit action behind the reveal toggle.
func (s *Secrets) Reveal(stack, name string) (string, error) {
	return call(s.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (string, error) {
		v, err := svc.RevealSecret(ctx, stack, name)
		return v.Reveal(), err
	})
}

// Delete deletes an unreferenced secret.
func (s *Secrets) Delete(stack, name string) error {
	_, err := call(s.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (struct{}, error) {
		return struct{}{}, svc.DeleteSecret(ctx, stack, name)
	})
	return err
}
