// Package model holds DevArch's domain types and the error vocabulary every layer shares.
//
// It imports nothing internal, so the pure core (resolve, wiring, compose, plan), the store,
// the runtime and the UI bindings can all speak the same types without import cycles.
package model

import (
	"errors"
	"fmt"
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
type Error struct {
	Kind    Kind
	Summary string
	Detail  string
	Field   string
	Err     error
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
