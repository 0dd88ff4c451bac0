#!/usr/bin/env bash
# Builds the Debian package build/package/devarch_VERSION_amd64.deb from build/bin/devarch (the
# command line) and build/bin/devarch-desktop (the window and the tray), which make package
# builds first, with nfpm, a Go tool of tools/go.mod.
# Version: the git tag (v1.2.3 -> 1.2.3), else 0.0.0~gitYYYYMMDD.HASH (sorts below any release).
set -euo pipefail
cd "$(dirname "$0")/.."
for b in devarch devarch-desktop; do
  [ -x "build/bin/$b" ] || { echo "package: build/bin/$b is missing: run make build" >&2; exit 1; }
done
tag=$(git describe --tags --exact-match 2>/dev/null || true)
if [[ "$tag" =~ ^v?([0-9][0-9A-Za-z.+~-]*)$ ]]; then
  version="${BASH_REMATCH[1]}"
else
  version="0.0.0~git$(git log -1 --format=%cd --date=format:%Y%m%d 2>/dev/null || date +%Y%m%d).$(git rev-parse --short HEAD 2>/dev/null || echo local)"
fi
mkdir -p build/package
rm -f build/package/devarch_*.deb
DEVARCH_DEB_VERSION="$version" go tool -modfile=tools/go.mod nfpm package \
  --config build/linux/nfpm.yaml --packager deb --target build/package/
ls build/package/devarch_*.deb
