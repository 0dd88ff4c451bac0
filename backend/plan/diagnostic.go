package plan

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Severity says whether a Diagnostic blocks applying. Its values are the only two there are,
// in one place (as terraform's tfdiags.Severity); JSON refuses any other, so a stored plan
// cannot turn an error into something apply would accept.
type Severity string

const (
	// Error: the plan must not be applied (apply refuses it, before touching anything).
	Error Severity = "error"
	// Warning: worth knowing, does not block applying.
	Warning Severity = "warning"
)

// MarshalJSON writes the severity's name; an unknown one is an error.
func (s Severity) MarshalJSON() ([]byte, error) {
	if s != Error && s != Warning {
		return nil, fmt.Errorf("cannot store plan diagnostic severity %q: want error or warning", string(s))
	}
	return json.Marshal(string(s))
}

// UnmarshalJSON reads a severity's name; an unknown one is an error.
func (s *Severity) UnmarshalJSON(data []byte) error {
	var v string
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("plan diagnostic severity must be a string: %w", err)
	}
	if Severity(v) != Error && Severity(v) != Warning {
		return fmt.Errorf("unknown plan diagnostic severity %q: want error or warning", v)
	}
	*s = Severity(v)
	return nil
}

// Subject is what a Diagnostic is about, as far as it is known: an instance of the plan's
// stack and, within it, a field path as the instance editor names fields ("ports",
// "environment.DB_PASSWORD", "depends_on"). Both are empty for a problem of the whole stack.
type Subject struct {
	Instance string `json:"instance,omitempty"`
	Path     string `json:"path,omitempty"`
}

// String is "instance web, field ports", "instance web", or "".
func (s Subject) String() string {
	switch {
	case s.Instance == "" && s.Path == "":
		return ""
	case s.Path == "":
		return "instance " + s.Instance
	case s.Instance == "":
		return "field " + s.Path
	}
	return "instance " + s.Instance + ", field " + s.Path
}

// Diagnostic is one problem of a plan, in the spirit of terraform's tfdiags: a severity, a
// one-line Summary (what is wrong), a Detail (why, and what to do: whole sentences), and the
// Subject it is about. Summary never repeats the subject's names as a prefix: faces show the
// subject next to it (the CLI on its own line, the desktop at the instance's row).
//
// Fix, when set, is the fix in a form a face can act on: the desktop offers it as a control
// (a button, a link to the field), the CLI prints its command. Detail then leaves that
// command out: String and the text plan append it (Fix.Sentence), so the CLI's text is
// unchanged while the window can show the control first and the command second.
type Diagnostic struct {
	Severity Severity `json:"severity"`
	Summary  string   `json:"summary"`
	Detail   string   `json:"detail,omitempty"`
	Subject  Subject  `json:"subject"`
	Fix      *Fix     `json:"fix,omitempty"`
}

// FixKind is what a Fix does. Its values are the only ones there are: a stored plan with
// another is refused (Decode), so a face never meets a fix it cannot show.
type FixKind string

const (
	// FixSetSecret: give the stack's secret Fix.Secret a value (`devarch secret set`).
	FixSetSecret FixKind = "set-secret"
	// FixEditField: change the Subject's field (its instance and path are both set), e.g.
	// publish another host port.
	FixEditField FixKind = "edit-field"
	// FixUseSecret: make the Subject's field reference the stack's secret Fix.Secret,
	// storing a strong generated value in it first when the stack has none (a template's
	// well-known default password).
	FixUseSecret FixKind = "use-secret"
)

// Fix is a diagnostic's fix, machine-readable: Kind, what it acts on (Secret for
// FixSetSecret; the diagnostic's Subject for FixEditField; both for FixUseSecret), and Command, the CLI command
// that does it ("" when there is none worth printing: the Detail says what to do).
type Fix struct {
	Kind    FixKind `json:"kind"`
	Secret  string  `json:"secret,omitempty"`
	Command string  `json:"command,omitempty"`
}

// Sentence is the fix as the CLI says it after the Detail ("Set it with: devarch secret set
// shop token"); "" without a command.
func (f *Fix) Sentence() string {
	switch {
	case f == nil || f.Command == "":
		return ""
	case f.Kind == FixSetSecret:
		return "Set it with: " + f.Command
	case f.Kind == FixUseSecret:
		return "Fix: " + f.Command + "."
	}
	return "Run: " + f.Command
}

// check is Decode's rule for a stored fix: a known kind with what it acts on.
func (f *Fix) check(subject Subject) error {
	switch f.Kind {
	case FixSetSecret:
		if f.Secret == "" {
			return fmt.Errorf("fix %q names no secret", f.Kind)
		}
	case FixEditField:
		if subject.Instance == "" || subject.Path == "" {
			return fmt.Errorf("fix %q needs the diagnostic's instance and field", f.Kind)
		}
	case FixUseSecret:
		if f.Secret == "" || subject.Instance == "" || subject.Path == "" {
			return fmt.Errorf("fix %q needs a secret and the diagnostic's instance and field", f.Kind)
		}
	default:
		return fmt.Errorf("unknown fix kind %q: want %s, %s or %s", f.Kind, FixSetSecret, FixEditField, FixUseSecret)
	}
	return nil
}

// Errorf and Warningf build a diagnostic about subject.
func Errorf(subject Subject, summary, detail string) Diagnostic {
	return Diagnostic{Severity: Error, Summary: summary, Detail: detail, Subject: subject}
}

// Warningf builds a warning about subject.
func Warningf(subject Subject, summary, detail string) Diagnostic {
	return Diagnostic{Severity: Warning, Summary: summary, Detail: detail, Subject: subject}
}

// String is the diagnostic in one paragraph, for messages that have no room for layout:
// "instance web, field ports: summary. Detail Fix".
func (d Diagnostic) String() string {
	s := d.Summary
	if subj := d.Subject.String(); subj != "" {
		s = subj + ": " + s
	}
	if detail := d.detail(); detail != "" {
		s += ". " + detail
	}
	return s
}

// detail is the Detail followed by the fix's sentence, as the text faces say it.
func (d Diagnostic) detail() string {
	fix := d.Fix.Sentence()
	switch {
	case fix == "":
		return d.Detail
	case d.Detail == "":
		return fix
	}
	return d.Detail + " " + fix
}

// Diagnostics is a plan's list of problems, errors and warnings together.
type Diagnostics []Diagnostic

// HasErrors reports a diagnostic that blocks applying.
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// Errors are the diagnostics of severity Error, in order.
func (ds Diagnostics) Errors() Diagnostics { return ds.of(Error) }

// Warnings are the diagnostics of severity Warning, in order.
func (ds Diagnostics) Warnings() Diagnostics { return ds.of(Warning) }

func (ds Diagnostics) of(s Severity) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// Err is every error as one sentence per line, for a refusal's detail; "" without errors.
func (ds Diagnostics) Err() string {
	var lines []string
	for _, d := range ds.Errors() {
		lines = append(lines, d.String())
	}
	return strings.Join(lines, "\n")
}

// writeDiagnostic renders one diagnostic for the text plan:
//
//	Error: host port 28080/tcp is in use by stack pa
//	  on instance web, field ports
//	  Stack pa's running container devarch-pa-web (instance web) holds 127.0.0.1:28080. ...
func writeDiagnostic(b *strings.Builder, d Diagnostic) {
	label := "Error"
	if d.Severity == Warning {
		label = "Warning"
	}
	fmt.Fprintf(b, "%s: %s\n", label, d.Summary)
	if subj := d.Subject.String(); subj != "" {
		fmt.Fprintf(b, "  on %s\n", subj)
	}
	if detail := d.detail(); detail != "" {
		fmt.Fprintf(b, "  %s\n", detail)
	}
}
