//go:build !unix

package composeimport

import "errors"

func mkfifo(string) error { return errors.ErrUnsupported }
