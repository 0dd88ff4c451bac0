package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"

	"github.com/devarch/devarch/backend/atomicfile"
)

// desktopPrefs are the window's own preferences, kept in HOME/desktop.json (not in the
// database: the window needs them before the database is up, and they are per machine).
type desktopPrefs struct {
	mu   sync.Mutex
	path string
	v    prefValues
}

type prefValues struct {
	// CloseToTray: closing the window keeps DevArch running in the tray (when a tray host
	// shows the item). On by default.
	CloseToTray *bool `json:"closeToTray,omitempty"`
	// CloseToTrayNoticeShown: the one-time notice "DevArch keeps running in the tray" was shown.
	CloseToTrayNoticeShown bool `json:"closeToTrayNoticeShown,omitempty"`
}

// loadPrefs reads the preferences of data home home; a missing or unreadable file gives the
// defaults (a broken file is replaced at the next change).
func loadPrefs(home string) *desktopPrefs {
	p := &desktopPrefs{}
	if home == "" {
		return p
	}
	p.path = filepath.Join(home, "desktop.json")
	if b, err := os.ReadFile(p.path); err == nil {
		_ = json.Unmarshal(b, &p.v)
	}
	return p
}

func (p *desktopPrefs) closeToTray() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.v.CloseToTray == nil || *p.v.CloseToTray
}

func (p *desktopPrefs) setCloseToTray(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.v.CloseToTray = &on
	p.save()
}

// noticeOnce reports true the first time it is called for this data home.
func (p *desktopPrefs) noticeOnce() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.v.CloseToTrayNoticeShown {
		return false
	}
	p.v.CloseToTrayNoticeShown = true
	p.save()
	return true
}

func (p *desktopPrefs) save() {
	if p.path == "" {
		return
	}
	b, _ := json.MarshalIndent(p.v, "", "  ")
	_ = atomicfile.Write(p.path, append(b, '\n'), 0o600)
}
