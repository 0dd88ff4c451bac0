// Package model holds DevArch's domain types and the error vocabulary every layer shares.
//
// It imports nothing internal, so the pure core (resolve, wiring, compose, plan), the store,
// the runtime and the UI bindings can all speak the same types without import cycles.
package model

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies a failure so that each side (CLI exit codes, UI toasts) can react to it
// without parsing messages. Values are explicit because they cross the UI boundary by name.
type Kind int

const (
	KindInternal          Kind = 0 // a bug or an unexpected failure; detail says what happened
	KindNotFound          Kind = 1 // the named thing does not exist
	KindConflict          Kind = 2 // the change collides with existing state (name taken, in use)
	KindInvalid           Kind = 3 // input broke a rule; Field names where
	KindLocked            Kind = 4 // another operation holds the lock
	KindStale             Kind = 5 // the plan no longer matches the stack
	KindEngineUnavailable Kind = 6 // docker/podman or compose cannot be used
	KindCanceled          Kind = 7 // the user or a deadline stopped the operation
	KindUnavailable       Kind = 8 // a dependency (database, keychain) cannot be used
)

var kindNames = map[Kind]string{
	KindInternal:          "internal",
	KindNotFound:          "not_found",
	KindConflict:          "conflict",
	KindInvalid:           "invalid",
	KindLocked:            "locked",
	KindStale:             "stale",
	KindEngineUnavailable: "engine_unavailable",
	KindCanceled:          "canceled",
	KindUnavailable:       "unavailable",
}

// String returns the stable snake_case name used in JSON and by the frontend.
func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is a user-facing problem: a one-line Summary, a Detail that says what to do, and
// optionally the Field (path or rule) that was wrong. Err keeps the cause for errors.Is/As
// but is never shown on its own: its text may hold internals the user cannot act on.
//
// One input can break several rules at once (an instance write setting a bad port and a
// reserved label). Such an error carries each broken rule in Problems (see JoinProblems),
// and its Summary and Detail already say everything a reader that ignores Problems needs.
type Error struct {
	Kind    Kind
	Summary string
	Detail  string
	Field   string
	Err     error
	// Problems are the individual problems of an error that stands for several, each with
	// its own Field, Summary and Detail, sorted by Field; nil for a single problem (the
	// error itself is then the one problem). Never nested: a problem has no Problems.
	Problems []*Error
}

func (e *Error) Error() string {
	msg := e.Summary
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// NewError builds an Error of the given kind.
func NewError(kind Kind, summary, detail string) *Error {
	return &Error{Kind: kind, Summary: summary, Detail: detail}
}

// Wrap builds an Error that keeps err as its cause.
func Wrap(kind Kind, err error, summary, detail string) *Error {
	return &Error{Kind: kind, Summary: summary, Detail: detail, Err: err}
}

// Invalid reports a broken rule on a field; detail names the rule or limit and the fix.
func Invalid(field, summary, detail string) *Error {
	return &Error{Kind: KindInvalid, Field: field, Summary: summary, Detail: detail}
}

// JoinProblems makes the one error an input that broke several rules returns, so that the
// user sees every problem at once instead of one per attempt. No problems give nil; one
// problem is returned as it is; several give an error whose Summary is summary followed by
// ": N problems", whose Detail lists each problem ("- FIELD: SUMMARY", its detail indented
// below it) in the order given, and whose Problems holds them (problems that carried
// Problems of their own are flattened). Its Kind is the problems' kind when they share one,
// else KindInvalid; Field is empty, since no one field is at fault.
func JoinProblems(summary string, problems []*Error) *Error {
	var flat []*Error
	for _, p := range problems {
		if p == nil {
			continue
		}
		if len(p.Problems) > 0 {
			flat = append(flat, p.Problems...)
			continue
		}
		flat = append(flat, p)
	}
	switch len(flat) {
	case 0:
		return nil
	case 1:
		return flat[0]
	}
	kind := flat[0].Kind
	var b strings.Builder
	for i, p := range flat {
		if p.Kind != kind {
			kind = KindInvalid
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("- ")
		if p.Field != "" {
			b.WriteString(p.Field + ": ")
		}
		b.WriteString(p.Summary)
		if p.Detail != "" {
			for _, line := range strings.Split(p.Detail, "\n") {
				b.WriteString("\n    " + line)
			}
		}
	}
	return &Error{Kind: kind, Summary: fmt.Sprintf("%s: %d problems", summary, len(flat)), Detail: b.String(), Problems: flat}
}

// KindOf returns the Kind of the first *Error in err's chain, or KindInternal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// AsError returns err as an *Error, wrapping unknown errors as internal ones.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: KindInternal, Summary: "unexpected error", Detail: err.Error(), Err: err}
}
