package bindings

// Check is one health probe as the UI shows it.
type Check struct {
	// Name is a stable identifier: "database", "engine", "compose", "keychain", "webview".
	Name string `json:"name"`
	// Status is "ok", "warning" or "error".
	Status  string `json:"status"`
	Summary string `json:"summary"`
	Detail  string `json:"detail,omitempty"`
	// Fix says what the user can do when Status is not "ok".
	Fix string `json:"fix,omitempty"`
}

// Health is what the status bar shows: the database and the container engine.
type Health struct {
	Database Check `json:"database"`
	Engine   Check `json:"engine"`
	// Ready is true once the database is migrated and the app can serve requests.
	Ready bool `json:"ready"`
}

// VersionInfo identifies the running build.
type VersionInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// StackSummary is one row of the stacks list.
type StackSummary struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Instances   int    `json:"instances"`
	Revision    int64  `json:"revision"`
	// Status is "stopped", "running", "partial", "unhealthy" or "unknown".
	Status    string `json:"status"`
	UpdatedAt string `json:"updatedAt"` // RFC 3339
}

// Problem is the JSON an error carries across the Wails boundary: the promise rejects with
// this document as its message, and the frontend's one wrapper parses it back.
type Problem struct {
	Kind    string `json:"kind"`
	Summary string `json:"summary"`
	Detail  string `json:"detail,omitempty"`
	Field   string `json:"field,omitempty"`
}
