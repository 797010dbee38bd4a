//go:build goplugin_v1_8

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"

	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/stats"
)

// rpcStats stands in for the otelgrpc client handler Grafana passes in
// GRPCDialOptions. Like it, it puts a W3C traceparent in every call's
// metadata (TagRPC runs before the call's headers are written); it also
// counts the calls by method, so a test sees every rpc go-plugin itself makes
// (GRPCStdio, GRPCBroker, GRPCController) next to the plugin's.
type rpcStats struct {
	mu      sync.Mutex
	methods map[string]int
}

var _ stats.Handler = (*rpcStats)(nil)

func newRPCStats() *rpcStats { return &rpcStats{methods: map[string]int{}} }

func (s *rpcStats) TagRPC(ctx context.Context, info *stats.RPCTagInfo) context.Context {
	s.mu.Lock()
	s.methods[info.FullMethodName]++
	s.mu.Unlock()
	return metadata.AppendToOutgoingContext(ctx, "traceparent", newTraceparent())
}

func (*rpcStats) HandleRPC(context.Context, stats.RPCStats) {}
func (*rpcStats) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return ctx
}
func (*rpcStats) HandleConn(context.Context, stats.ConnStats) {}

func (s *rpcStats) snapshot() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.methods))
	for k, v := range s.methods {
		out[k] = v
	}
	return out
}

// newTraceparent is a sampled version-00 trace context with random ids.
func newTraceparent() string {
	var ids [24]byte
	_, _ = rand.Read(ids[:])
	return "00-" + hex.EncodeToString(ids[:16]) + "-" + hex.EncodeToString(ids[16:]) + "-01"
}
