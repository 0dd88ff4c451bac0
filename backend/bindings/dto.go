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
	// Status is "new" (no container: not applied yet), "stopped", "running", "partial", "degraded",
	// "unhealthy" or "unknown".
	Status    string `json:"status"`
	UpdatedAt string `json:"updatedAt"` // RFC 3339
	// Engine is the engine the stack belongs on: "default" or a docker context.
	Engine string `json:"engine"`
}

// Problem is the JSON an error carries across the Wails boundary: the promise rejects with
// this document as its message, and the frontend's one wrapper parses it back.
type Problem struct {
	Kind    string `json:"kind"`
	Summary string `json:"summary"`
	Detail  string `json:"detail,omitempty"`
	Field   string `json:"field,omitempty"`
	// Instance and Fix are set on a stack's port clash (StackDetail.Problems,
	// ComposePreview.Clashes): the instance of that stack whose field Field fixes it, offered
	// as a control ("edit-field"); Detail then leaves out the CLI command, Fix.Command.
	Instance string         `json:"instance,omitempty"`
	Fix      *DiagnosticFix `json:"fix,omitempty"`
	// Problems are the individual problems of a write refused for several reasons at once
	// (each with its field path), so the window can show each next to its field.
	Problems []Problem `json:"problems,omitempty"`
	// RunID and Results are set on a failed or canceled apply that ran: the recorded run and
	// what became of each action (done, failed with why, skipped), so the window shows what
	// the apply did before it stopped.
	RunID   int64          `json:"runId,omitempty"`
	Results []ActionResult `json:"results,omitempty"`
}

// TemplateSummary is one template in the catalog.
type TemplateSummary struct {
	Name        string         `json:"name"`
	Builtin     bool           `json:"builtin"`
	Version     int            `json:"version"`
	Category    string         `json:"category"`
	Description string         `json:"description"`
	Image       string         `json:"image"`
	Ports       []string       `json:"ports"`
	Provides    []string       `json:"provides"`
	Consumes    []ContractNeed `json:"consumes"`
	UsedBy      []string       `json:"usedBy"` // "stack/instance"
}

// ContractNeed is a contract a template consumes.
type ContractNeed struct {
	Contract string `json:"contract"`
	Required bool   `json:"required"`
}

// TemplateDetail is a template with its YAML definition (the editor's text).
type TemplateDetail struct {
	TemplateSummary
	YAML string `json:"yaml"`
}

// StackDetail is the stack page.
type StackDetail struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Revision    int64  `json:"revision"`
	Status      string `json:"status"`
	// Network is the stack's compose network (devarch-{stack}-net); Subnet its subnet from
	// DevArch's pool, "" until the stack has one (it gets one at its next plan).
	Network   string            `json:"network"`
	Subnet    string            `json:"subnet"`
	Instances []InstanceSummary `json:"instances"`
	// Root is the stack's project root, where its relative bind mounts and build contexts
	// resolve: the folder chosen at import or clone (--root), else DevArch's own folder for
	// the stack (RootChosen false).
	Root       string `json:"root"`
	RootChosen bool   `json:"rootChosen"`
	// Engine is the engine the stack belongs on ("default" or a docker context), with its
	// endpoint and whether it answered now (EngineError says why not). MovingFrom names the
	// engine its containers are still on when that differs: the next apply moves them.
	// PublishAddress is where the engine publishes host ports.
	Engine         string `json:"engine"`
	EngineEndpoint string `json:"engineEndpoint"`
	EngineHealthy  bool   `json:"engineHealthy"`
	EngineError    string `json:"engineError,omitempty"`
	MovingFrom     string `json:"movingFrom,omitempty"`
	PublishAddress string `json:"publishAddress"`
	// Problems are non-fatal findings (port clashes, resolution errors) to show on the page.
	Problems []Problem `json:"problems"`
}

// InstanceSummary is one row of a stack's instances.
type InstanceSummary struct {
	Name          string   `json:"name"`
	Template      string   `json:"template"`
	ContainerName string   `json:"containerName"`
	Image         string   `json:"image"`
	ImageOrigin   string   `json:"imageOrigin"` // template, override, default
	Ports         []string `json:"ports"`
	PortsOrigin   string   `json:"portsOrigin"`
	// URLs are the addresses to open its fixed TCP host ports at ("http://127.0.0.1:8080"),
	// on the stack's engine's publish address.
	URLs []string `json:"urls"`
	// Overridden lists the field paths the instance overrides ("image", "environment.APP_ENV").
	Overridden []string `json:"overridden"`
	Status     string   `json:"status"` // running, exited, created, unhealthy, "not created", unknown
}

// EffectiveField is one field of an instance's effective configuration.
type EffectiveField struct {
	Path   string `json:"path"`   // "image", "environment.APP_ENV"
	Kind   string `json:"kind"`   // scalar, argv, map, list, object (a map key: "map-key")
	Value  any    `json:"value"`  // JSON value
	Origin string `json:"origin"` // template, override, wiring, default
}

// InstanceDetail is the instance editor's data.
type InstanceDetail struct {
	Stack     string           `json:"stack"`
	Name      string           `json:"name"`
	Template  string           `json:"template"`
	Fields    []EffectiveField `json:"fields"`
	Overrides string           `json:"overrides"` // YAML of the stored delta ("{}" when none)
	Revision  int64            `json:"revision"`
}

// ComposePreview is the generated compose file of a stack.
type ComposePreview struct {
	Stack   string    `json:"stack"`
	YAML    string    `json:"yaml"`
	Path    string    `json:"path"`
	Written bool      `json:"written"` // the file on disk changed with this generation
	Clashes []Problem `json:"clashes"`
}
