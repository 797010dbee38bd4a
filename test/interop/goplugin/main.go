// Command goplugin is a minimal Grafana backend plugin written directly
// against hashicorp/go-plugin and the pluginv2 protocol (no Grafana SDK). It
// is the peer our TypeScript host launches in interop tests, and the Go
// baseline for the QueryData benchmark, so it stays deliberately cheap.
package main

import (
	plugin "github.com/hashicorp/go-plugin"
)

func main() {
	// plugin.Serve checks the magic cookie, picks protocol version 2 from
	// PLUGIN_PROTOCOL_VERSIONS, prints the handshake line on stdout, and
	// registers the health and GRPCController (Shutdown) services for us.
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: plugin.HandshakeConfig{
			ProtocolVersion:  2,
			MagicCookieKey:   "grafana_plugin_type",
			MagicCookieValue: "datasource",
		},
		VersionedPlugins: map[int]plugin.PluginSet{
			2: {
				"diagnostics": servicePlugin{register: registerDiagnostics},
				"resource":    servicePlugin{register: registerResource},
				"data":        servicePlugin{register: registerData},
				"stream":      servicePlugin{register: registerStream},
			},
		},
		GRPCServer: plugin.DefaultGRPCServer,
	})
}
