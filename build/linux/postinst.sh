#!/bin/sh
# Refreshes the desktop's menu and icon caches after install and removal (both tools are
# optional: a system without them picks the entry up at next login).
set -e
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q /usr/share/applications || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
  gtk-update-icon-cache -q -t -f /usr/share/icons/hicolor || true
fi
