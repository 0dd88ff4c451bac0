//go:build !dev

package main

import "context"

// Outside development builds there is no browser dev server and no data home rule:
// these are the no-op counterparts of dev_build.go.

type devServer struct{}

func devBuildPreflight() error { return nil }

func startDevServer() (*devServer, error) { return &devServer{}, nil }

func (*devServer) attach(context.Context) {}

func (*devServer) close() {}

func (*devServer) proxiesFrontendDevServer() bool { return false }
