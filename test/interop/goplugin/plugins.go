package main

import (
	"context"
	"errors"

	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"grafanaplugints/interop/pluginv2"
)

// servicePlugin adapts one pluginv2 service to go-plugin's GRPCPlugin: go-plugin
// calls GRPCServer once per entry of the plugin set, on the one shared server.
type servicePlugin struct {
	plugin.NetRPCUnsupportedPlugin
	register func(*grpc.Server)
}

func (p servicePlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	p.register(s)
	return nil
}

func (servicePlugin) GRPCClient(context.Context, *plugin.GRPCBroker, *grpc.ClientConn) (interface{}, error) {
	return nil, errors.New("goplugin only serves")
}

var impl = &server{}

func registerDiagnostics(s *grpc.Server) { pluginv2.RegisterDiagnosticsServer(s, impl) }
func registerData(s *grpc.Server)        { pluginv2.RegisterDataServer(s, impl) }
func registerResource(s *grpc.Server)    { pluginv2.RegisterResourceServer(s, impl) }
func registerStream(s *grpc.Server)      { pluginv2.RegisterStreamServer(s, impl) }
