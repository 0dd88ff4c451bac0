package database

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/xi2/xz"
)

// maxExtractBytes bounds what one archive may unpack to (a PostgreSQL build is ~100 MB), so
// a corrupt or hostile archive cannot fill the disk.
const maxExtractBytes = 2 << 30

// extractArchive unpacks a portable PostgreSQL build (.txz: bin/, lib/, share/) into dir,
// atomically: into a fresh temporary directory next to dir, renamed into place at the end,
// so a half-unpacked tree is never taken for a usable one.
//
// The archive is untrusted input (it sits in a cache under the user's home). extractTar
// refuses absolute names and names with "..", symlinks whose target is absolute or leaves
// the tree, and any entry whose path goes through a symlink; files are created with
// O_EXCL|O_NOFOLLOW. Nothing is ever written outside dir. Entries other than directories,
// regular files and symlinks (hard links, devices) are skipped, as the library does.
func extractArchive(archive, dir string) error {
	f, err := openNoFollow(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	xr, err := xz.NewReader(f, 0)
	if err != nil {
		return err
	}
	return extractTar(xr, dir)
}

// extractTar unpacks a tar stream into dir (see extractArchive). dir must not exist.
func extractTar(r io.Reader, dir string) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, ".extract-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	var total int64
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		name, err := entryName(h.Name)
		if err != nil {
			return err
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if name == "" {
				continue
			}
			if _, err := mkdirIn(tmp, name); err != nil {
				return err
			}
		case tar.TypeReg: // the reader reports old-style TypeRegA entries as TypeReg
			if name == "" {
				return fmt.Errorf("archive entry %q is not a file name", h.Name)
			}
			total += h.Size
			if total > maxExtractBytes {
				return fmt.Errorf("the archive unpacks to more than %d bytes", int64(maxExtractBytes))
			}
			parentDir, err := mkdirIn(tmp, path.Dir(name))
			if err != nil {
				return err
			}
			mode := os.FileMode(0o644)
			if h.Mode&0o111 != 0 {
				mode = 0o755
			}
			out, err := os.OpenFile(filepath.Join(parentDir, path.Base(name)), os.O_CREATE|os.O_EXCL|os.O_WRONLY|noFollow, mode)
			if err != nil {
				return fmt.Errorf("archive entry %q: %w", h.Name, err)
			}
			if _, err := io.Copy(out, io.LimitReader(tr, h.Size)); err != nil {
				out.Close()
				return err
			}
			if err := out.Close(); err != nil {
				return err
			}
		case tar.TypeSymlink:
			if name == "" {
				return fmt.Errorf("archive entry %q is not a file name", h.Name)
			}
			if err := checkLinkTarget(name, h.Linkname); err != nil {
				return err
			}
			parentDir, err := mkdirIn(tmp, path.Dir(name))
			if err != nil {
				return err
			}
			if err := os.Symlink(h.Linkname, filepath.Join(parentDir, path.Base(name))); err != nil {
				return fmt.Errorf("archive entry %q: %w", h.Name, err)
			}
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		return err
	}
	syncDir(parent)
	return nil
}

// entryName validates a tar entry name and returns it cleaned and relative ("" for the
// archive's root). Absolute names and ".." components are refused rather than rewritten:
// an archive that has them was not made by a PostgreSQL build.
func entryName(name string) (string, error) {
	if name == "" || strings.HasPrefix(name, "/") || strings.ContainsRune(name, 0) || strings.ContainsRune(name, '\\') {
		return "", fmt.Errorf("archive entry %q: not a relative path", name)
	}
	var parts []string
	for _, p := range strings.Split(name, "/") {
		switch p {
		case "", ".":
		case "..":
			return "", fmt.Errorf("archive entry %q: \"..\" is not allowed", name)
		default:
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "/"), nil
}

// checkLinkTarget refuses a symlink whose target is absolute or resolves outside the tree
// (lexically, from the link's own directory). A link inside the tree, "../lib/x" included,
// is harmless: nothing is ever written through a link.
func checkLinkTarget(name, target string) error {
	if target == "" || strings.HasPrefix(target, "/") || strings.ContainsRune(target, 0) || strings.ContainsRune(target, '\\') {
		return fmt.Errorf("archive entry %q: link target %q is not a relative path", name, target)
	}
	resolved := path.Join(path.Dir(name), target)
	if resolved == ".." || strings.HasPrefix(resolved, "../") {
		return fmt.Errorf("archive entry %q: link target %q leaves the archive", name, target)
	}
	return nil
}

// mkdirIn creates rel (slash-separated, validated) under root, one component at a time,
// refusing to pass through anything that is not a real directory, and returns its path.
func mkdirIn(root, rel string) (string, error) {
	cur := root
	if rel == "." || rel == "" {
		return cur, nil
	}
	for _, p := range strings.Split(rel, "/") {
		cur = filepath.Join(cur, p)
		fi, err := os.Lstat(cur)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if err := os.Mkdir(cur, 0o755); err != nil {
				return "", err
			}
		case err != nil:
			return "", err
		case fi.Mode()&fs.ModeSymlink != 0:
			return "", fmt.Errorf("archive entry under %q goes through a symlink", rel)
		case !fi.IsDir():
			return "", fmt.Errorf("archive entry under %q goes through a file", rel)
		}
	}
	return cur, nil
}
