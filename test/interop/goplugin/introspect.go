package main

import (
	"context"
	"encoding/json"
	"os"
	"sort"
	"strings"

	"google.golang.org/grpc/metadata"
)

// introspect describes what the host gave this process, for tests of host
// options (SkipHostEnv, socket directory and group, multiplexing, trace
// context): the names of all environment variables, the values of go-plugin's
// PLUGIN_* variables (the client certificate only as present), and the call's
// traceparent metadata. The behaviour plugin (test/fixtures/plugins) answers
// the same shape.
func introspect(ctx context.Context) []byte {
	keys := []string{}
	pluginEnv := map[string]string{}
	for _, kv := range os.Environ() {
		key, value, _ := strings.Cut(kv, "=")
		keys = append(keys, key)
		if key == "PLUGIN_CLIENT_CERT" {
			value = "(set)"
		}
		if strings.HasPrefix(key, "PLUGIN_") {
			pluginEnv[key] = value
		}
	}
	sort.Strings(keys)
	traceparent := ""
	if md, ok := metadata.FromIncomingContext(ctx); ok && len(md.Get("traceparent")) > 0 {
		traceparent = md.Get("traceparent")[0]
	}
	body, _ := json.Marshal(map[string]interface{}{
		"path":        "introspect",
		"envKeys":     keys,
		"pluginEnv":   pluginEnv,
		"traceparent": traceparent,
	})
	return body
}
