// Command gohost launches a Grafana backend plugin exactly the way Grafana's
// pkg/plugins/backendplugin/grpcplugin does (hashicorp/go-plugin, protocol
// version 2, gRPC only), makes a few pluginv2 calls and prints one JSON line
// per call on stdout. It is test tooling for grafana-plugin-ts interop tests.
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
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	hclog "github.com/hashicorp/go-hclog"
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
	pluginPath  string
	autoMTLS    bool
	calls       []string
	queryJSON   string
	queryType   string
	callTimeout time.Duration
	benchN      int
	concurrency int
	warmup      int
	logLevel    string
}

func parseFlags() options {
	var o options
	var calls string
	flag.StringVar(&o.pluginPath, "plugin", "", "path of the plugin executable (required)")
	flag.BoolVar(&o.autoMTLS, "automtls", false, "let go-plugin negotiate mTLS (PLUGIN_CLIENT_CERT)")
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

	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  handshake,
		VersionedPlugins: map[int]plugin.PluginSet{2: v2PluginSet()},
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		Cmd:              exec.Command(o.pluginPath),
		Managed:          true,
		AutoMTLS:         o.autoMTLS,
		StartTimeout:     30 * time.Second,
		// JSON so a test can tell go-plugin's own records (and the plugin's
		// stderr, which go-plugin re-logs) apart from our stdout protocol.
		Logger: hclog.New(&hclog.LoggerOptions{
			Name:       "gohost",
			Output:     os.Stderr,
			Level:      hclog.LevelFromString(o.logLevel),
			JSONFormat: true,
		}),
	})
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
	emit(result{"call": "kill", "ok": true, "ms": msSince(start)})
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

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "gohost:", err)
	os.Exit(1)
}

func msSince(t time.Time) float64 {
	return float64(time.Since(t).Microseconds()) / 1000
}
