// Package deskprefs holds the desktop's own preferences, kept in HOME/desktop.json (not in
// the database: the window needs them before the database is up, and they are per machine).
//
// Two processes read and write them: the window (closing it hides it into the tray when
// CloseToTray is on) and a tray running as its own process (`devarch tray`), whose menu has
// the checkbox. So every read goes to the file, never to a copy cached in memory: a change
// made in one process is what the other sees at its next read.
package deskprefs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"

	"github.com/devarch/devarch/backend/atomicfile"
)

// Prefs are the preferences of one data home.
type Prefs struct {
	mu   sync.Mutex
	path string // empty: no data home; defaults, nothing saved
}

type values struct {
	// CloseToTray: closing the window keeps DevArch running in the tray (when a tray host
	// shows the item). On by default.
	CloseToTray *bool `json:"closeToTray,omitempty"`
	// CloseToTrayNoticeShown: the one-time notice "DevArch keeps running in the tray" was shown.
	CloseToTrayNoticeShown bool `json:"closeToTrayNoticeShown,omitempty"`
}

// Load returns the preferences of data home home ("" gives defaults that are never saved).
func Load(home string) *Prefs {
	p := &Prefs{}
	if home != "" {
		p.path = filepath.Join(home, "desktop.json")
	}
	return p
}

// read returns the file's values; a missing or unreadable file gives the defaults (a broken
// file is replaced at the next change).
func (p *Prefs) read() values {
	var v values
	if p.path == "" {
		return v
	}
	if b, err := os.ReadFile(p.path); err == nil {
		_ = json.Unmarshal(b, &v)
	}
	return v
}

// CloseToTray reports whether closing the window keeps DevArch in the tray.
func (p *Prefs) CloseToTray() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	v := p.read()
	return v.CloseToTray == nil || *v.CloseToTray
}

// SetCloseToTray sets it.
func (p *Prefs) SetCloseToTray(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v := p.read()
	v.CloseToTray = &on
	p.save(v)
}

// NoticeOnce reports true the first time it is called for this data home.
func (p *Prefs) NoticeOnce() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	v := p.read()
	if v.CloseToTrayNoticeShown {
		return false
	}
	v.CloseToTrayNoticeShown = true
	p.save(v)
	return true
}

func (p *Prefs) save(v values) {
	if p.path == "" {
		return
	}
	b, _ := json.MarshalIndent(v, "", "  ")
	_ = atomicfile.Write(p.path, append(b, '\n'), 0o600)
}
