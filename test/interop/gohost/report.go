package main

import (
	"fmt"
	"os"
	"strings"
	"syscall"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
)

// hostExtras is what a version's clientConfig knows besides the config: the
// socket directory go-plugin made (runner mode), the rpcs its stats handler
// counted, and what to remove at exit. Zero values where a version has none.
type hostExtras struct {
	socketDir string
	rpcs      func() map[string]int
	cleanup   func()
}

// stringList is a repeatable string flag (-arg, -env).
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, " ") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// newLogger is JSON so a test can tell go-plugin's own records (and the
// plugin's stderr, which go-plugin re-logs) apart from our stdout protocol.
func newLogger(o options) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{
		Name:       "gohost",
		Output:     os.Stderr,
		Level:      hclog.LevelFromString(o.logLevel),
		JSONFormat: true,
	})
}

// connectReport says what the host connected to: the negotiated version, the
// plugin's address and, for a unix socket, its mode and group (and those of
// the socket directory in runner mode).
func connectReport(client *plugin.Client, x *hostExtras) result {
	r := result{"call": "connect", "ok": true, "goPlugin": goPluginVersion, "version": client.NegotiatedVersion()}
	addr, err := client.Start() // already started: returns the handshake's address
	if err != nil {
		return failure(r, err)
	}
	r["network"], r["address"] = addr.Network(), addr.String()
	if addr.Network() == "unix" {
		r["socket"] = fileReport(addr.String())
	}
	if x.socketDir != "" {
		r["socketDir"] = x.socketDir
		r["socketDirStat"] = fileReport(x.socketDir)
	}
	return r
}

func fileReport(path string) result {
	info, err := os.Stat(path)
	if err != nil {
		return result{"error": err.Error()}
	}
	r := result{"mode": fmt.Sprintf("%04o", info.Mode().Perm())}
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		r["gid"] = st.Gid
	}
	return r
}

// killReport adds to the kill line whether go-plugin removed its socket
// directory (runner mode), which it does after the plugin has exited.
func killReport(r result, x *hostExtras) result {
	if x.socketDir != "" {
		_, err := os.Stat(x.socketDir)
		r["socketDirRemoved"] = os.IsNotExist(err)
	}
	return r
}
