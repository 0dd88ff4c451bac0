package resolve

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/devarch/devarch/backend/model"
)

// Value rules: what some fields' values must mean, beyond their type, so that a value
// DevArch stores is one compose loads and the engine accepts. Without them a bad value
// passes every check DevArch makes and fails only inside compose or the engine at apply
// (restart: sometimes), or, worse, is accepted there and quietly does something else (a
// healthcheck test starting with anything but CMD, CMD-SHELL or NONE is ignored by the
// engine, so the container never becomes healthy and apply waits in vain). Each rule is
// the narrower of what compose (compose-go, the loader of docker compose v2) and the Docker
// engine accept:
//
//   - restart: no, always, unless-stopped, on-failure or on-failure:N (N >= 0). Compose
//     splits at ':' and ignores a count it cannot read, and the engine refuses a count
//     with any other policy.
//   - pull_policy: always, never, missing, build, if_not_present, daily, weekly or
//     every_<duration> (the compose-spec pattern, anchored: every_12h, every_1w2d). Compose
//     reads any other word as missing.
//   - durations (stop_grace_period, healthcheck interval, timeout, start_period,
//     start_interval): Go's duration syntax (10s, 1m30s, 500ms), not negative; compose also
//     reads d and w units, which the compose file schema's duration format does not, so
//     they are refused with a hint. The engine refuses a healthcheck duration under 1ms other
//     than 0.
//   - build.args: NAME: text pairs or a list of strings; logging.options: NAME: text or
//     number pairs (compose refuses anything else there).
//   - healthcheck: a test is required unless disable is true (without one the engine
//     silently falls back to the image's own check, or to none); the test is a non-blank
//     string (run by the container's shell) or a list of strings starting with CMD or
//     CMD-SHELL and a command, or [NONE]; retries is not negative; start_interval comes
//     with a start_period (compose refuses it alone).
//
// Rules run only on values of the right type: a value of the wrong type is reported once,
// by the type check. A value holding a secret reference (${secret:NAME}, see package
// compose) is not judged: its text is only known at apply, when compose judges it (and
// plan warns that a secret is used outside environment).

// secretRef starts a secret reference in a value (compose.secretRefOpen).
const secretRef = "${secret:"

// plainText is val as text when it is a string without a secret reference: a value a rule
// can judge now.
func plainText(val any) (string, bool) {
	s, ok := val.(string)
	return s, ok && !strings.Contains(s, secretRef)
}

// fieldRules checks the value rules of one top-level field whose value is not nil.
func (v *validator) fieldRules(def model.FieldDef, val any) {
	switch def.Name {
	case "restart":
		if s, ok := plainText(val); ok {
			v.restart(s)
		}
	case "pull_policy":
		if s, ok := plainText(val); ok {
			v.pullPolicy(s)
		}
	case "stop_grace_period":
		if s, ok := plainText(val); ok {
			v.duration(def.Name, s, false)
		}
	case "healthcheck":
		if m, ok, badKey := asObject(val); ok && badKey == "" {
			v.healthcheck(m)
		}
	case "build":
		if m, ok, badKey := asObject(val); ok && badKey == "" && m["args"] != nil {
			v.buildArgs(m["args"])
		}
	case "logging":
		if m, ok, badKey := asObject(val); ok && badKey == "" && m["options"] != nil {
			v.loggingOptions(m["options"])
		}
	}
}

// buildArgs: build.args is NAME: value pairs of text, or a list of "NAME=value" strings,
// as compose reads them.
func (v *validator) buildArgs(args any) {
	const path = "build.args"
	const fix = `Write NAME: value pairs with text values, e.g. args: {VERSION: "1.2"}, or a list of "NAME=value" strings.`
	if items, ok := asList(args); ok {
		for i, item := range items {
			if _, isText := item.(string); !isText {
				v.add(fmt.Sprintf("%s[%d]", path, i), "must be a string", fmt.Sprintf("Got %s. %s", describe(item), fix))
			}
		}
		return
	}
	m, ok, badKey := asObject(args)
	if !ok || badKey != "" {
		v.add(path, "must be a map of names to text, or a list of strings", fmt.Sprintf("Got %s. %s", describe(args), fix))
		return
	}
	for _, k := range sortedKeys(m) {
		switch {
		case k == "":
			v.add(path, "has an empty key", "Every build argument needs a name. "+fix)
		case strings.HasPrefix(k, "x-"):
			v.add(path, fmt.Sprintf("key %s starts with x-", quoteShort(k)),
				"Compose reads keys starting with x- as extension fields and drops them, so the build would never get this one. Rename it.")
		default:
			if _, isText := m[k].(string); !isText && m[k] != nil {
				v.add(path+"."+k, "must be a string", fmt.Sprintf("Got %s; quote it. %s", describe(m[k]), fix))
			}
		}
	}
}

// loggingOptions: logging.options is NAME: value pairs of text or numbers (the compose
// file schema's rule).
func (v *validator) loggingOptions(opts any) {
	const path = "logging.options"
	const fix = `Write the driver's options as NAME: value pairs, e.g. options: {max-size: 10m, max-file: "3"}.`
	m, ok, badKey := asObject(opts)
	if !ok || badKey != "" {
		v.add(path, "must be a map of option names to values", fmt.Sprintf("Got %s. %s", describe(opts), fix))
		return
	}
	for _, k := range sortedKeys(m) {
		x := m[k]
		if _, isNum := asNumber(x); x == nil || isNum {
			continue
		}
		if _, isText := x.(string); !isText {
			v.add(path+"."+k, "must be text or a number", fmt.Sprintf("Got %s. %s", describe(x), fix))
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// restartPolicies are the policies restart takes, in the order messages list them.
var restartPolicies = []string{"no", "always", "on-failure", "unless-stopped"}

// restartAliases are swarm's names for the same policies (deploy.restart_policy), which
// compose maps but the restart field's documentation does not promise.
var restartAliases = map[string]string{"none": "no", "any": "always", "never": "no"}

func (v *validator) restart(s string) {
	if contains(restartPolicies, s) {
		return
	}
	if n, ok := strings.CutPrefix(s, "on-failure:"); ok {
		if _, err := strconv.ParseUint(n, 10, 31); err == nil && strings.Trim(n, "0123456789") == "" {
			return
		}
		v.add("restart", fmt.Sprintf("%s does not give a number of restarts", quoteShort(s)),
			"on-failure:N takes a whole number N >= 0 (the engine gives up after N restarts), e.g. on-failure:5; plain on-failure never gives up.")
		return
	}
	detail := ""
	if a, ok := restartAliases[strings.ToLower(s)]; ok {
		detail = fmt.Sprintf("Did you mean %q? ", a)
	} else if name, count, hasCount := strings.Cut(s, ":"); hasCount && contains(restartPolicies, name) {
		detail = fmt.Sprintf("Only on-failure takes a count (%s); %s takes none. ", quoteShort(count), name)
	} else if sug := suggest(s, restartPolicies); sug != "" {
		detail = fmt.Sprintf("Did you mean %q? ", sug)
	}
	v.add("restart", fmt.Sprintf("%s is not a restart policy", quoteShort(s)),
		detail+"Use one of: no, always, on-failure, on-failure:N (give up after N restarts), unless-stopped.")
}

// pullPolicies are the fixed pull_policy values; every_<duration> is the one pattern.
var pullPolicies = []string{"always", "never", "missing", "build", "if_not_present", "daily", "weekly"}

// pullEvery is the compose-spec's pattern for a refresh period, anchored (the schema's
// pattern is not, so the schema alone accepts any text containing "always").
var pullEvery = regexp.MustCompile(`^every_([0-9]+[wdhms])+$`)

func (v *validator) pullPolicy(s string) {
	if contains(pullPolicies, s) || pullEvery.MatchString(s) {
		return
	}
	detail := ""
	if strings.HasPrefix(s, "every_") {
		detail = "A refresh period is every_ then numbers with a unit w, d, h, m or s, e.g. every_12h or every_1w2d. "
	} else if sug := suggest(s, pullPolicies); sug != "" {
		detail = fmt.Sprintf("Did you mean %q? ", sug)
	}
	v.add("pull_policy", fmt.Sprintf("%s is not a pull policy", quoteShort(s)),
		detail+"Use one of: always, never, missing, build, if_not_present, daily, weekly, every_<duration> (e.g. every_12h).")
}

// durationSyntax says how to write a duration, for messages.
const durationSyntax = "Write a number with a unit, e.g. 10s, 1m30s or 500ms (units ns, us, ms, s, m, h)"

// duration checks a duration at path; healthcheck durations other than 0 must be at least
// 1ms (the engine's minimum).
func (v *validator) duration(path, s string, healthcheck bool) {
	d, err := time.ParseDuration(s)
	if err != nil {
		detail := durationSyntax + "."
		if trimmed := strings.TrimSpace(s); trimmed != "" && strings.ContainsAny(trimmed[len(trimmed)-1:], "dw") {
			detail = durationSyntax + ": days and weeks are written in hours (24h, 168h)."
		}
		v.add(path, fmt.Sprintf("%s is not a duration", quoteShort(s)), detail)
		return
	}
	switch {
	case d < 0:
		v.add(path, fmt.Sprintf("the duration %s is negative", quoteShort(s)), durationSyntax+", 0s or more.")
	case healthcheck && d > 0 && d < time.Millisecond:
		v.add(path, fmt.Sprintf("the duration %s is shorter than 1ms", quoteShort(s)),
			"The engine refuses healthcheck durations under 1ms; write 0s for the engine's default, or 1ms or more.")
	}
}

// healthcheckTestFix shows the forms of a healthcheck test.
const healthcheckTestFix = `Write test: [CMD, curl, -f, "http://localhost/"] to run a program, ` +
	`[CMD-SHELL, "curl -f http://localhost/ || exit 1"] or a plain string to run a shell command, or [NONE] to run no check.`

func (v *validator) healthcheck(m map[string]any) {
	test, hasTest := m["test"]
	if !hasTest {
		if m["disable"] != true {
			v.add("healthcheck.test", "is missing",
				`Without a test the engine uses the image's own check, if it has one, which DevArch cannot see. `+
					`Give one, e.g. test: [CMD, curl, -f, "http://localhost/"]; or write disable: true to turn checks off; or remove the healthcheck.`)
		}
	} else if test != nil {
		v.healthcheckTest(test)
	}
	for _, k := range []string{"interval", "timeout", "start_period", "start_interval"} {
		if s, ok := plainText(m[k]); ok {
			v.duration("healthcheck."+k, s, true)
		}
	}
	if _, hasInterval := m["start_interval"]; hasInterval {
		if _, hasPeriod := m["start_period"]; !hasPeriod {
			v.add("healthcheck.start_interval", "needs start_period",
				"The engine checks at start_interval only during the start period, and compose refuses start_interval without one: add start_period, e.g. start_period: 30s.")
		}
	}
	if n, ok := asNumber(m["retries"]); ok && n < 0 && n >= -maxExactInt && !tooBig(m["retries"]) {
		v.add("healthcheck.retries", fmt.Sprintf("%s is negative", formatNumber(m["retries"])),
			"retries is how many failed checks in a row make the container unhealthy: 1 or more (0 means the engine's default, 3).")
	}
}

func (v *validator) healthcheckTest(test any) {
	const path = "healthcheck.test"
	if s, ok := test.(string); ok {
		if strings.TrimSpace(s) == "" {
			v.add(path, "is empty", "An empty shell command always succeeds. "+healthcheckTestFix)
		}
		return
	}
	items, ok := asList(test)
	if !ok {
		v.add(path, "must be a string or a list of strings", fmt.Sprintf("Got %s. %s", describe(test), healthcheckTestFix))
		return
	}
	allText := true
	for i, item := range items {
		if _, isText := item.(string); !isText && item != nil {
			allText = false
			v.add(fmt.Sprintf("%s[%d]", path, i), "must be a string",
				fmt.Sprintf("Got %s; every item of a test is text: quote it.", describe(item)))
		}
	}
	if !allText {
		return
	}
	if len(items) == 0 {
		v.add(path, "is empty", "An empty test makes the engine fall back to the image's own check. "+healthcheckTestFix)
		return
	}
	first, _ := items[0].(string)
	if strings.Contains(first, secretRef) {
		return
	}
	switch first {
	case "CMD", "CMD-SHELL":
		if len(items) < 2 {
			v.add(path, fmt.Sprintf("%s names no command", first), healthcheckTestFix)
		}
	case "NONE":
	default:
		v.add(path, "must start with CMD, CMD-SHELL or NONE",
			fmt.Sprintf("It starts with %s, which compose refuses (and the engine ignores, so the container would never be healthy). %s",
				quoteShort(first), healthcheckTestFix))
	}
}
