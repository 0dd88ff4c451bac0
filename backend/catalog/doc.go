// Package catalog is DevArch's library of service templates: the built-in templates that
// ship inside the binary (builtin/*.yaml, embedded) and the YAML format in which every
// template, built-in or custom, is written, read and shown.
//
// A template document (FORMAT.md has the full reference) looks like:
//
//	name: mysql            # DNS label
//	version: 1             # built-ins only; bumped when the definition changes
//	category: database     # one of Categories()
//	description: MySQL 8.4 relational database
//	service:               # compose-named fields from model.ServiceFields only
//	  image: mysql:8.4
//	  environment: {MYSQL_DATABASE: app, MYSQL_USER: app, MYSQL_PASSWORD: app}
//	  volumes: ["data:/var/lib/mysql"]
//	provides:
//	  - contract: mysql
//	    values: {host: "${host}", port: "3306", user: "${env.MYSQL_USER}"}
//	consumes: []
//	generate: {MYSQL_PASSWORD: password}   # per-instance random password, as a secret
//
// In provides values, ${host} is the provider's service name on the stack network and
// ${env.NAME} one of its effective environment variables; consumes map a consumer's
// environment variable onto a provided value name (DB_HOST: host). generate names
// environment variables whose value the engine replaces, when an instance is added, by a
// reference to a random per-instance stack secret (instance db, suffix password: secret
// db_password); the template's own value is the default used when no key store exists.
//
// Parse is strict: unknown keys, unknown service fields, wrong types, nulls, aliases and
// custom tags are errors. Every error is a *model.Error of KindInvalid whose Field is the
// path of the offending value (service.ports, provides[0].contract) and whose Detail starts
// with "line L, column C" and says what to write instead. A document is at most MaxSize
// (256 KiB), and ParseContext's work, syntax-error location included (locate.go), is
// linear in its size and stops when its context ends: templates come from files and
// editors, and a bad one must cost milliseconds, not minutes.
//
// Parsed values take one canonical, JSON-like form so that a template read from YAML, from
// the database (JSONB) or from the UI compares equal: strings, bools, float64 for every
// number (as encoding/json decodes them), []any and map[string]any, and never nil. Strings
// follow the rules overrides follow (resolve.ValidateOverrides): a number or boolean where a
// string is expected is an error with a hint to quote it, except as the value of a keyed
// map (environment, labels, contract values), where it counts as written: PORT: 3306 is
// "3306".
//
// Built-in templates do not publish host ports for databases and caches: publishing the
// same host port from two stacks clashes, and inside a stack they are reachable by name.
// Services a person opens in a browser publish one default port each, all distinct, so any
// single stack of built-ins is free of clashes; overrides change or add ports.
package catalog
