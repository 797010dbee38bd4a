package main

// Flags that shape the plugin context and headers every call sends, as
// Grafana would for a configured data source: its URL, jsonData and
// decrypted secureJsonData, and the HTTP headers Grafana forwards (OAuth
// identity, cookies, "http_"-prefixed ones). Registered in init so main.go
// stays as it is; flag.Parse in parseFlags reads them.

import (
	"flag"
	"strings"

	"google.golang.org/grpc/status"

	"grafanaplugints/interop/pluginv2"
)

var (
	dsURL      string
	dsJSONData string
	dsSecure   stringList
	headerArgs stringList
)

func init() {
	flag.StringVar(&dsURL, "ds-url", "", "DataSourceInstanceSettings.url")
	flag.StringVar(&dsJSONData, "ds-json", "{}", "DataSourceInstanceSettings.jsonData")
	flag.Var(&dsSecure, "ds-secure", "KEY=VALUE in decryptedSecureJsonData (repeatable)")
	flag.Var(&headerArgs, "header", "KEY=VALUE sent in the request's headers (repeatable)")
}

func applyDataSourceFlags(ds *pluginv2.DataSourceInstanceSettings) {
	ds.Url = dsURL
	ds.JsonData = []byte(dsJSONData)
	if len(dsSecure) > 0 {
		ds.DecryptedSecureJsonData = map[string]string{}
		for k, v := range pairs(dsSecure) {
			ds.DecryptedSecureJsonData[k] = v
		}
	}
}

// stringHeaders is QueryData/CheckHealth's headers map, keys as given (Grafana
// sends Authorization, X-ID-Token and Cookie as is, the rest "http_"-prefixed).
func stringHeaders() map[string]string { return pairs(headerArgs) }

// listHeaders is CallResource's headers: an "http_" prefix is dropped, since
// resource calls carry the incoming request's headers by their own names.
func listHeaders() map[string]*pluginv2.StringList {
	out := map[string]*pluginv2.StringList{}
	for k, v := range pairs(headerArgs) {
		out[strings.TrimPrefix(k, "http_")] = &pluginv2.StringList{Values: []string{v}}
	}
	return out
}

func pairs(list stringList) map[string]string {
	out := map[string]string{}
	for _, kv := range list {
		if i := strings.Index(kv, "="); i > 0 {
			out[kv[:i]] = kv[i+1:]
		}
	}
	return out
}

// errorSourceOf reads the google.rpc.ErrorInfo detail the Go SDK attaches to a
// failed call ({"errorSource": "plugin" | "downstream"}), as Grafana's
// ErrorSourceFromGrpcStatusError does; "" when there is none. The ErrorInfo
// bytes are decoded by hand (map field 3 of key 1 / value 2) so the host needs
// no errdetails package.
func errorSourceOf(err error) string {
	s, ok := status.FromError(err)
	if !ok {
		return ""
	}
	for _, detail := range s.Proto().GetDetails() {
		if detail.GetTypeUrl() != "type.googleapis.com/google.rpc.ErrorInfo" {
			continue
		}
		for _, entry := range lengthDelimited(detail.GetValue(), 3) {
			key := lengthDelimited(entry, 1)
			value := lengthDelimited(entry, 2)
			if len(key) == 1 && len(value) == 1 && string(key[0]) == "errorSource" {
				return string(value[0])
			}
		}
	}
	return ""
}

// lengthDelimited returns every length-delimited field `number` of a message.
func lengthDelimited(b []byte, number uint64) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		tag, n := varint(b)
		if n == 0 {
			return out
		}
		b = b[n:]
		switch tag & 7 {
		case 0:
			_, n = varint(b)
			b = b[n:]
		case 1:
			b = b[min(8, len(b)):]
		case 5:
			b = b[min(4, len(b)):]
		case 2:
			size, n := varint(b)
			if n == 0 || int(size) > len(b)-n {
				return out
			}
			if tag>>3 == number {
				out = append(out, b[n:n+int(size)])
			}
			b = b[n+int(size):]
		default:
			return out
		}
	}
	return out
}

func varint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}
