//go:build !unix

package appdir

import (
	"fmt"
	"path/filepath"

	"github.com/devarch/devarch/backend/model"
)

// checkHome on platforms without Unix ownership checks only the path's form: the user's
// profile directories are private by default there.
func checkHome(field, home string) error {
	if !filepath.IsAbs(home) {
		return model.Invalid(field, "the data home must be an absolute path",
			fmt.Sprintf("%q is relative. Use an absolute path.", home))
	}
	return nil
}
