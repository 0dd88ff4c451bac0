package plan

import (
	"fmt"
	"strings"
)

// String renders the plan for people, deterministically (golden tests compare it byte for
// byte, and a stored plan renders as it did when made):
//
//	DevArch will perform the following actions on stack shop (revision 7):
//
//	  -/+ replace web (devarch-shop-web)
//	      cause: config changed
//	      ~ environment.APP_ENV: "production" -> "local"
//
//	  + create db (devarch-shop-db)
//	      cause: new instance
//	      + image: "mysql:8.4"
//	      + ports: ["127.0.0.1:3306:3306"]
//
//	Plan: 1 to add, 0 to change, 1 to destroy.
//
// An empty plan is one line saying the stack is up to date. Diagnostics come first, warnings
// (they never block) before errors, each a block ended by a blank line (see writeDiagnostic);
// the actions follow, and with errors the last line says the plan cannot be applied.
func (p Plan) String() string {
	var b strings.Builder
	for _, d := range p.Diagnostics.Warnings() {
		writeDiagnostic(&b, d)
		b.WriteString("\n")
	}
	if p.Empty() {
		fmt.Fprintf(&b, "No changes. Stack %s is up to date.\n", p.Stack)
		writeStoppedInstances(&b, p)
		return b.String()
	}
	errs := p.Diagnostics.Errors()
	for _, d := range errs {
		writeDiagnostic(&b, d)
		b.WriteString("\n")
	}
	if len(p.Actions) > 0 {
		verb := "will"
		if p.Failed() {
			verb = "would"
		}
		fmt.Fprintf(&b, "DevArch %s perform the following actions on stack %s (revision %d):\n\n", verb, p.Stack, p.Revision)
		for _, a := range p.Actions {
			writeAction(&b, a)
			b.WriteString("\n")
		}
	}
	if p.Stopped && p.creates() {
		fmt.Fprintf(&b, "Stack %s is stopped: new and replaced containers are created without starting them (devarch start %s starts the stack).\n\n", p.Stack, p.Stack)
	}
	if len(p.StoppedInstances) > 0 {
		writeStoppedInstances(&b, p)
		b.WriteString("\n")
	}
	if p.Failed() {
		n := "the error"
		if len(errs) > 1 {
			n = fmt.Sprintf("the %d errors", len(errs))
		}
		fmt.Fprintf(&b, "Plan cannot be applied: fix %s above and plan again.\n", n)
		return b.String()
	}
	s := summarize(p.Actions)
	fmt.Fprintf(&b, "Plan: %s.\n", s)
	return b.String()
}

func writeAction(b *strings.Builder, a Action) {
	fmt.Fprintf(b, "  %s %s %s%s\n", a.Kind.Symbol(), a.Kind.verb(), a.subject(), a.onEngine())
	cause := a.Cause
	if a.Kind == Update {
		if a.State == "paused" {
			cause += ": will unpause"
		} else {
			cause += ": will start"
		}
	}
	fmt.Fprintf(b, "      cause: %s\n", cause)
	for _, f := range a.Config {
		fmt.Fprintf(b, "      + %s: %s\n", f.Path, f.Value)
	}
	for _, c := range a.Changes {
		fmt.Fprintf(b, "      ~ %s: %s -> %s\n", c.Path, c.Old, c.New)
	}
}

// subject names what the action acts on: "db (devarch-shop-db)", a network's name, or a bare
// container name when the container has no instance.
func (a Action) subject() string {
	switch {
	case a.Kind == CreateNetwork || a.Kind == RemoveNetwork:
		return a.Network
	case a.Instance == "":
		return a.Container
	case a.Container == "":
		return a.Instance
	}
	return a.Instance + " (" + a.Container + ")"
}

// Title is the action's first line as the rendered plan shows it, without the container
// name: "+ create web", "-/+ replace db", "+ create network devarch-shop-net".
func (a Action) Title() string {
	subject := a.Instance
	if subject == "" || a.Kind == CreateNetwork || a.Kind == RemoveNetwork {
		subject = a.subject()
	}
	return a.Kind.Symbol() + " " + a.Kind.verb() + " " + subject + a.onEngine()
}

// onEngine names the engine of an action that runs elsewhere than on the stack's engine
// (the removals of a move), "" otherwise.
func (a Action) onEngine() string {
	if a.Engine == "" {
		return ""
	}
	return " on engine " + a.Engine
}

// creates reports whether the plan makes any container.
func (p Plan) creates() bool {
	for _, a := range p.Actions {
		if a.Kind == Create || a.Kind == Replace {
			return true
		}
	}
	return false
}

// writeStoppedInstances says which instances are stopped on purpose (Plan.StoppedInstances)
// and how to start them: the plan leaves them alone, and says so rather than nothing.
func writeStoppedInstances(b *strings.Builder, p Plan) {
	if len(p.StoppedInstances) == 0 {
		return
	}
	names := strings.Join(p.StoppedInstances, ", ")
	verb := "is"
	if len(p.StoppedInstances) > 1 {
		verb = "are"
	}
	fmt.Fprintf(b, "Stopped on purpose: %s %s left stopped (devarch start %s %s starts %s).\n", names, verb, p.Stack,
		strings.Join(p.StoppedInstances, " "), map[bool]string{true: "it", false: "them"}[len(p.StoppedInstances) == 1])
}
