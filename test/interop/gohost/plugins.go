package main

import (
	"context"

	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"grafanaplugints/interop/pluginv2"
)

// Grafana registers one go-plugin "plugin" per pluginv2 service, all sharing
// the single gRPC connection go-plugin dials. Dispensing a name just wraps the
// conn in the generated client; nothing goes over the wire until a call.
// These are client-only: the host never serves them.

type diagnosticsPlugin struct{ plugin.NetRPCUnsupportedPlugin }

func (diagnosticsPlugin) GRPCServer(*plugin.GRPCBroker, *grpc.Server) error { return errHostOnly }
func (diagnosticsPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return pluginv2.NewDiagnosticsClient(c), nil
}

type dataPlugin struct{ plugin.NetRPCUnsupportedPlugin }

func (dataPlugin) GRPCServer(*plugin.GRPCBroker, *grpc.Server) error { return errHostOnly }
func (dataPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return pluginv2.NewDataClient(c), nil
}

type resourcePlugin struct{ plugin.NetRPCUnsupportedPlugin }

func (resourcePlugin) GRPCServer(*plugin.GRPCBroker, *grpc.Server) error { return errHostOnly }
func (resourcePlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return pluginv2.NewResourceClient(c), nil
}

type streamPlugin struct{ plugin.NetRPCUnsupportedPlugin }

func (streamPlugin) GRPCServer(*plugin.GRPCBroker, *grpc.Server) error { return errHostOnly }
func (streamPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return pluginv2.NewStreamClient(c), nil
}

// v2PluginSet mirrors grafana's getV2PluginSet (minus renderer/secretsmanager).
func v2PluginSet() plugin.PluginSet {
	return plugin.PluginSet{
		"diagnostics": diagnosticsPlugin{},
		"resource":    resourcePlugin{},
		"data":        dataPlugin{},
		"stream":      streamPlugin{},
	}
}

// clients holds the dispensed, typed service clients.
type clients struct {
	diagnostics pluginv2.DiagnosticsClient
	data        pluginv2.DataClient
	resource    pluginv2.ResourceClient
	stream      pluginv2.StreamClient
}

// dispense asks go-plugin for each service client, as grafana's newClientV2 does.
func dispense(rpc plugin.ClientProtocol) (*clients, error) {
	raw := map[string]interface{}{}
	for name := range v2PluginSet() {
		v, err := rpc.Dispense(name)
		if err != nil {
			return nil, err
		}
		raw[name] = v
	}
	return &clients{
		diagnostics: raw["diagnostics"].(pluginv2.DiagnosticsClient),
		data:        raw["data"].(pluginv2.DataClient),
		resource:    raw["resource"].(pluginv2.ResourceClient),
		stream:      raw["stream"].(pluginv2.StreamClient),
	}, nil
}
