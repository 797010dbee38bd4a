//go:build goplugin_v1_8

package main

import (
	"os"
	"os/exec"
	"time"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-plugin/runner"
	"google.golang.org/grpc"
)

// goPluginVersion is the go-plugin release this build links (the offline
// GOPATH tree in ../shared/go-plugin-v1.8, the version grafana-plugin-sdk-go
// requires).
const goPluginVersion = "1.8.0"

// clientConfig is Grafana's newClientConfig (pkg/plugins/backendplugin/
// grpcplugin/client.go): Cmd with an explicit environment, VersionedPlugins
// {2: …}, gRPC only, a stats handler in GRPCDialOptions (Grafana's is
// otelgrpc's), a Logger; no AutoMTLS, no SyncStdout/SyncStderr. The flags
// turn on what Grafana or go-plugin offer besides:
//
//   - -skip-host-env: SkipHostEnv, the plugin gets only Cmd.Env and
//     go-plugin's variables (Grafana's pluginsSkipHostEnvVars);
//   - -runner: Grafana's runner mode, RunnerFunc with UnixSocketConfig
//     {TempDir}: go-plugin makes a socket directory, passes it in
//     PLUGIN_UNIX_SOCKET_DIR and removes it after Kill;
//   - -socket-group: UnixSocketConfig.Group (PLUGIN_UNIX_SOCKET_GROUP);
//   - -multiplex: GRPCBrokerMultiplex (PLUGIN_MULTIPLEX_GRPC);
//   - -automtls: AutoMTLS.
func clientConfig(o options) (*plugin.ClientConfig, *hostExtras, error) {
	rpcs := newRPCStats()
	extras := &hostExtras{rpcs: rpcs.snapshot}
	cfg := &plugin.ClientConfig{
		HandshakeConfig:     handshake,
		VersionedPlugins:    map[int]plugin.PluginSet{2: v2PluginSet()},
		AllowedProtocols:    []plugin.Protocol{plugin.ProtocolGRPC},
		GRPCDialOptions:     []grpc.DialOption{grpc.WithStatsHandler(rpcs)},
		Logger:              newLogger(o),
		SkipHostEnv:         o.skipHostEnv,
		AutoMTLS:            o.autoMTLS,
		GRPCBrokerMultiplex: o.multiplex,
		// Not Grafana's: the harness kills the plugin if a test runner
		// SIGTERMs it, and gives up sooner than go-plugin's default minute.
		Managed:      true,
		StartTimeout: 30 * time.Second,
	}
	if o.socketGroup != "" {
		cfg.UnixSocketConfig = &plugin.UnixSocketConfig{Group: o.socketGroup}
	}
	if !o.runner {
		cfg.Cmd = exec.Command(o.pluginPath, o.args...)
		cfg.Cmd.Env = o.env
		return cfg, extras, nil
	}
	// As Grafana's runner mode: a private TempDir for go-plugin's socket dir.
	tempDir, err := os.MkdirTemp("", "plugin")
	if err != nil {
		return nil, nil, err
	}
	if cfg.UnixSocketConfig == nil {
		cfg.UnixSocketConfig = &plugin.UnixSocketConfig{}
	}
	cfg.UnixSocketConfig.TempDir = tempDir
	extras.cleanup = func() { _ = os.RemoveAll(tempDir) }
	cfg.RunnerFunc = func(_ hclog.Logger, cmd *exec.Cmd, socketDir string) (runner.Runner, error) {
		extras.socketDir = socketDir
		return newExecRunner(o.pluginPath, o.args, cmd, o.env)
	}
	return cfg, extras, nil
}
