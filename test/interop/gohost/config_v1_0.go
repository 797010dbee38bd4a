//go:build !goplugin_v1_8

package main

import (
	"errors"
	"os/exec"
	"time"

	plugin "github.com/hashicorp/go-plugin"
)

// goPluginVersion is the go-plugin release this build links (Debian's
// golang-github-hashicorp-go-plugin-dev, GOPATH mode).
const goPluginVersion = "1.0.1"

// clientConfig is the client Grafana's grpcplugin builds, as far as go-plugin
// 1.0.1 has it: no GRPCDialOptions, SkipHostEnv, RunnerFunc, UnixSocketConfig
// or broker multiplexing, so the flags for those are refused rather than
// silently ignored.
func clientConfig(o options) (*plugin.ClientConfig, *hostExtras, error) {
	for flag, set := range map[string]bool{
		"-skip-host-env": o.skipHostEnv,
		"-runner":        o.runner,
		"-socket-group":  o.socketGroup != "",
		"-multiplex":     o.multiplex,
		"-report-rpcs":   o.reportRPCs,
	} {
		if set {
			return nil, nil, errors.New(flag + " needs a gohost built against go-plugin 1.8 (this one links " + goPluginVersion + ")")
		}
	}
	cmd := exec.Command(o.pluginPath, o.args...)
	cmd.Env = o.env // go-plugin 1.0.1 always appends os.Environ() and its own variables
	return &plugin.ClientConfig{
		HandshakeConfig:  handshake,
		VersionedPlugins: map[int]plugin.PluginSet{2: v2PluginSet()},
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		Cmd:              cmd,
		Managed:          true,
		AutoMTLS:         o.autoMTLS,
		StartTimeout:     30 * time.Second,
		Logger:           newLogger(o),
	}, &hostExtras{}, nil
}
