// Command gohost launches a Grafana backend plugin exactly the way Grafana's
// pkg/plugins/backendplugin/grpcplugin does (hashicorp/go-plugin, protocol
// version 2, gRPC only), makes a few pluginv2 calls and prints one JSON line
// per call on stdout. It is test tooling for grafana-plugin-ts interop tests.
// It builds against go-plugin 1.0.1 or, with the goplugin_v1_8 build tag,
// 1.8.0; the client configuration is per version (config_v1_*.go).
//
// Exit code is 0 whenever the plugin started, even if calls failed (failures
// are reported in the JSON lines); non-zero only for setup failures, with the
// go-plugin error on stderr.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	plugin "github.com/hashicorp/go-plugin"
)

var errHostOnly = errors.New("gohost only consumes plugins; it does not serve them")

// The handshake Grafana uses; the magic cookie values never change.
var handshake = plugin.HandshakeConfig{
	ProtocolVersion:  2,
	MagicCookieKey:   "grafana_plugin_type",
	MagicCookieValue: "datasource",
}

type options struct {
	pluginPath   string
	args         stringList
	env          stringList
	autoMTLS     bool
	calls        []string
	queryJSON    string
	queryType    string
	resourcePath string
	callTimeout  time.Duration
	benchN       int
	concurrency  int
	warmup       int
	logLevel     string
	// Reports (see report.go).
	reportConnect bool
	reportRPCs    bool
	// go-plugin 1.8 client options (see config_v1_8.go).
	skipHostEnv bool
	runner      bool
	socketGroup string
	multiplex   bool
}

func parseFlags() options {
	var o options
	var calls string
	flag.StringVar(&o.pluginPath, "plugin", "", "path of the plugin executable (required)")
	flag.Var(&o.args, "arg", "argument for the plugin executable (repeatable)")
	flag.Var(&o.env, "env", "KEY=VALUE for the plugin's explicit environment, Cmd.Env (repeatable)")
	flag.BoolVar(&o.autoMTLS, "automtls", false, "let go-plugin negotiate mTLS (PLUGIN_CLIENT_CERT)")
	flag.StringVar(&o.resourcePath, "resource-path", "hello", "CallResourceRequest.path for resource calls")
	flag.BoolVar(&o.reportConnect, "report-connect", false, "print a connect line: version, address, socket mode and group")
	flag.BoolVar(&o.reportRPCs, "report-rpcs", false, "after kill, print the rpcs the stats handler saw (go-plugin 1.8)")
	flag.BoolVar(&o.skipHostEnv, "skip-host-env", false, "SkipHostEnv: the plugin gets no os.Environ() (go-plugin 1.8)")
	flag.BoolVar(&o.runner, "runner", false, "start the plugin through a RunnerFunc, as Grafana's runner mode (go-plugin 1.8)")
	flag.StringVar(&o.socketGroup, "socket-group", "", "UnixSocketConfig.Group, PLUGIN_UNIX_SOCKET_GROUP (go-plugin 1.8)")
	flag.BoolVar(&o.multiplex, "multiplex", false, "GRPCBrokerMultiplex, PLUGIN_MULTIPLEX_GRPC (go-plugin 1.8)")
	flag.StringVar(&calls, "calls", "check-health,query,resource,stream",
		"comma-separated calls: check-health,query,resource,stream,metrics (empty for none)")
	flag.StringVar(&o.queryJSON, "query-json", "{}", "DataQuery.json for query calls")
	flag.StringVar(&o.queryType, "query-type", "", "DataQuery.queryType for query calls")
	flag.DurationVar(&o.callTimeout, "timeout", 10*time.Second, "deadline for each call")
	flag.IntVar(&o.benchN, "bench-query", 0, "if > 0, run N QueryData calls instead of -calls")
	flag.IntVar(&o.concurrency, "concurrency", 1, "goroutines for -bench-query")
	flag.IntVar(&o.warmup, "warmup", 20, "untimed QueryData calls before -bench-query")
	flag.StringVar(&o.logLevel, "log-level", "debug", "hclog level for go-plugin's own logging on stderr")
	flag.Parse()
	for _, c := range strings.Split(calls, ",") {
		if c = strings.TrimSpace(c); c != "" {
			o.calls = append(o.calls, c)
		}
	}
	return o
}

func main() {
	o := parseFlags()
	if o.pluginPath == "" {
		fatal(errors.New("-plugin is required"))
	}
	if !json.Valid([]byte(o.queryJSON)) {
		fatal(fmt.Errorf("-query-json is not valid JSON: %s", o.queryJSON))
	}
	for _, kv := range o.env {
		if !strings.Contains(kv, "=") {
			fatal(fmt.Errorf("-env %q: expected KEY=VALUE", kv))
		}
	}

	// The client config is per go-plugin version (config_v1_0.go, config_v1_8.go).
	cfg, extras, err := clientConfig(o)
	if err != nil {
		fatal(err)
	}
	if extras.cleanup != nil {
		atExit = extras.cleanup
		defer extras.cleanup()
	}
	client := plugin.NewClient(cfg)
	// Managed means plugin.CleanupClients kills it: we do that if a test
	// runner SIGTERMs us mid-call, so no plugin process outlives the host.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-signals
		plugin.CleanupClients()
		os.Exit(130)
	}()

	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		fatal(fmt.Errorf("starting plugin: %w", err))
	}
	// Grafana refuses anything older than v2 (grpc_plugin.go Start).
	if v := client.NegotiatedVersion(); v < 2 {
		client.Kill()
		fatal(fmt.Errorf("plugin negotiated protocol version %d, need 2", v))
	}
	c, err := dispense(rpc)
	if err != nil {
		client.Kill()
		fatal(fmt.Errorf("dispensing plugin clients: %w", err))
	}
	if o.reportConnect {
		emit(connectReport(client, extras))
	}

	if o.benchN > 0 {
		emit(benchQuery(c, o))
	} else {
		for _, name := range o.calls {
			emit(runCall(c, name, o))
		}
	}

	// Kill closes the gRPC client (which calls GRPCController.Shutdown), waits
	// up to 2s for the process to exit, then SIGKILLs it. ms tells which.
	start := time.Now()
	client.Kill()
	emit(killReport(result{"call": "kill", "ok": true, "ms": msSince(start)}, extras))
	if o.reportRPCs {
		emit(result{"call": "rpcs", "ok": true, "methods": extras.rpcs()})
	}
}

// result is one JSON line on stdout.
type result map[string]interface{}

func emit(r result) {
	b, err := json.Marshal(r)
	if err != nil {
		b, _ = json.Marshal(result{"call": r["call"], "ok": false, "error": err.Error()})
	}
	os.Stdout.Write(append(b, '\n'))
}

// atExit runs before a fatal exit, which skips deferred calls.
var atExit = func() {}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "gohost:", err)
	atExit()
	os.Exit(1)
}

func msSince(t time.Time) float64 {
	return float64(time.Since(t).Microseconds()) / 1000
}
