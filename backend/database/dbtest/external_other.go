//go:build !linux

package dbtest

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5/pgxpool"
)

// externalServer is Linux-only: the harness ties the server's life to the test process
// with Pdeathsig, which other systems lack.
type externalServer struct{}

var external *externalServer

func startExternal(context.Context) (*externalServer, error) {
	return nil, errors.New(ExternalEnv + "=1 runs on Linux only")
}

func (s *externalServer) stop() {}

func (s *externalServer) newDatabase(context.Context) (string, error) {
	return "", errors.New("no external server")
}

func (s *externalServer) config(string) (*pgxpool.Config, error) {
	return nil, errors.New("no external server")
}

func (s *externalServer) dropDatabase(string) {}
