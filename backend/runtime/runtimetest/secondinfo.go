package runtimetest

import (
	"time"

	"github.com/devarch/devarch/backend/runtime"
)

// SecondEngineInfo describes a running second engine (SecondEngine).
type SecondEngineInfo struct {
	// Context is the docker context that reaches it, in the config directory Env names.
	Context string
	// Host is the context's endpoint: tcp://127.0.0.1:PORT.
	Host string
	// Socket is dockerd's unix socket (a path), for a test that wants the Engine API path
	// (a context or DOCKER_HOST=unix://Socket).
	Socket string
	// TLS is true when Host requires TLS with client certificates (--tlsverify).
	TLS bool
	// CertDir holds ca.pem, cert.pem and key.pem (the client's), when TLS.
	CertDir string
	// Env is what a process needs to see Context: DOCKER_CONFIG=<private config dir>.
	Env []string
	// Engine is the detected engine for Context (runtime.Options{Context, Env}).
	Engine *runtime.Engine
	// Bridge is the default bridge of the second dockerd and Subnet its IPv4 subnet;
	// Pool is where it allocates the subnets of networks created without one (compose's).
	Bridge, Subnet, Pool string
	// Started is how long dockerd took to answer; Ready how long the whole setup took
	// (bridge, certificates, dockerd, context, detection, image load).
	Started, Ready time.Duration
}
