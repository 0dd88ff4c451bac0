//go:build !linux

package runtime

// StopStrayCompose finds nothing outside Linux: there is no /proc to search. DevArch's
// compose processes there end with DevArch through their process group and pipes.
func StopStrayCompose(project, projectDir string) []int { return nil }
