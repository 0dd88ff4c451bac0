package compose

import (
	"regexp"
	"strings"
)

// volumeName is what docker accepts as a volume name (and compose as a top-level key).
var volumeName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

// namedVolume returns the named volume a short-syntax entry ("SOURCE:TARGET[:MODE]") mounts.
// The source is a host path, not a volume, when it starts with ".", "/", "~" or "$", or is a
// single letter followed by a path ("C:\dir:/x", "c:/dir:/x"), which compose reads as a
// Windows drive on every platform; an entry without a source ("/data") is an anonymous
// volume. Neither needs a top-level declaration.
func namedVolume(entry string) (string, bool) {
	src, target, ok := strings.Cut(entry, ":")
	if !ok || src == "" || target == "" {
		return "", false
	}
	if strings.ContainsAny(src[:1], "./~$") || len(src) == 1 && (target[0] == '\\' || target[0] == '/') {
		return "", false
	}
	return src, true
}
