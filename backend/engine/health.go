package engine

import (
	"context"
	"fmt"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/secrets"
	"github.com/devarch/devarch/backend/store"
)

// SecretsHealth is what CheckSecrets found.
type SecretsHealth struct {
	// Where says where the master keys live ("OS keychain", "key file /path").
	Where string
	// Sealed is how many stored secrets the keys open.
	Sealed int
}

// CheckSecrets proves the stored secrets can be opened (devarch doctor): the master-key
// store resolves (the OS keychain, or the key file, which is refused when its mode, owner or
// content is wrong), and for every key version that seals a secret, this installation's key
// (or the legacy one not yet adopted) is there and opens one of them. It only reads: nothing
// is adopted, created or deleted, so running it never changes what a later command finds.
// With no secret stored it only resolves the key store. The error says what is wrong and
// what to do, as the commands that need the secrets would.
func (s *Service) CheckSecrets(ctx context.Context) (SecretsHealth, error) {
	kr, err := s.keyring(ctx)
	if err != nil {
		return SecretsHealth{}, err
	}
	h := SecretsHealth{Where: kr.keys.Describe()}
	versions, err := s.Store.KeyVersions(ctx)
	if err != nil {
		return h, err
	}
	for _, v := range versions {
		if v.Sealed == 0 {
			continue
		}
		k, err := kr.keys.Get(kr.entry(v.Version))
		if model.KindOf(err) == model.KindNotFound && v.Entry == store.KeyEntryLegacy {
			k, err = kr.keys.Get(secrets.Entry{Version: v.Version})
		}
		if model.KindOf(err) == model.KindNotFound {
			return h, s.missingKey(err, v.Version)
		}
		if err != nil {
			return h, err
		}
		x, ok, err := s.Store.SealedWith(ctx, v.Version)
		if err != nil {
			return h, err
		}
		if ok {
			if _, err := openWith(k, x); err != nil {
				return h, model.NewError(model.KindInvalid,
					fmt.Sprintf("master key v%d in the %s does not open the stored secrets", v.Version, h.Where),
					"The key was replaced or belongs to another data home. Restore it from a backup of the keychain or key file; if it is lost, set the secrets sealed with it again (devarch secret set).")
			}
		}
		h.Sealed += v.Sealed
	}
	return h, nil
}
