//go:build !unix

package secrets

import "io/fs"

// On Windows the file's ACL, inherited from the user's profile directory, decides who may
// read or replace it; there are no owner or mode bits to check here.
func checkFileOwner(string, fs.FileInfo) error   { return nil }
func checkDir(string, string, fs.FileInfo) error { return nil }

// lockDir is a no-op outside unix: the process mutex still serializes one process's
// changes; several processes sharing one key file are not coordinated there.
func lockDir(string) (func(), error) { return func() {}, nil }
