package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"google.golang.org/grpc/status"

	"grafanaplugints/interop/pluginv2"
)

// pluginContext is what Grafana sends for a datasource instance.
func pluginContext() *pluginv2.PluginContext {
	ds := &pluginv2.DataSourceInstanceSettings{
		Id:       1,
		Uid:      "ds-1",
		Name:     "interop",
		JsonData: []byte("{}"),
	}
	applyDataSourceFlags(ds) // -ds-url, -ds-json, -ds-secure (request_flags.go)
	return &pluginv2.PluginContext{
		OrgId:                      1,
		PluginId:                   "grafana-ts-example-datasource",
		DataSourceInstanceSettings: ds,
	}
}

func queryRequest(queryJSON string, queryType string) *pluginv2.QueryDataRequest {
	now := time.Now()
	return &pluginv2.QueryDataRequest{
		PluginContext: pluginContext(),
		Headers:       stringHeaders(),
		Queries: []*pluginv2.DataQuery{{
			RefId:         "A",
			QueryType:     queryType,
			MaxDataPoints: 100,
			IntervalMS:    1000,
			TimeRange: &pluginv2.TimeRange{
				FromEpochMS: now.Add(-time.Hour).UnixNano() / 1e6,
				ToEpochMS:   now.UnixNano() / 1e6,
			},
			Json: []byte(queryJSON),
		}},
	}
}

func runCall(c *clients, name string, o options) result {
	ctx, cancel := context.WithTimeout(context.Background(), o.callTimeout)
	defer cancel()
	var r result
	var err error
	switch name {
	case "check-health":
		r, err = checkHealth(ctx, c)
	case "query":
		r, err = query(ctx, c, o.queryJSON, o.queryType)
	case "query-chunked":
		r, err = queryChunked(ctx, c, o.queryJSON, o.queryType, pluginv2.DataFrameFormat_ARROW)
	case "query-chunked-json":
		r, err = queryChunked(ctx, c, o.queryJSON, o.queryType, pluginv2.DataFrameFormat_JSON)
	case "resource":
		r, err = resource(ctx, c, o.resourcePath)
	case "stream":
		r, err = runStream(ctx, c)
	case "metrics":
		r, err = metrics(ctx, c)
	default:
		err = fmt.Errorf("unknown call %q", name)
	}
	if err != nil {
		r = failure(r, err)
	} else {
		r["ok"] = true
	}
	r["call"] = name
	return r
}

// failure keeps whatever partial fields r had and adds the error and, for
// gRPC status errors, the code name (e.g. "Unimplemented").
func failure(r result, err error) result {
	if r == nil {
		r = result{}
	}
	r["ok"] = false
	r["error"] = err.Error()
	if s, ok := status.FromError(err); ok {
		r["code"] = s.Code().String()
	}
	if source := errorSourceOf(err); source != "" {
		r["errorSource"] = source
	}
	return r
}

func checkHealth(ctx context.Context, c *clients) (result, error) {
	res, err := c.diagnostics.CheckHealth(ctx, &pluginv2.CheckHealthRequest{
		PluginContext: pluginContext(),
		Headers:       stringHeaders(),
	})
	if err != nil {
		return nil, err
	}
	return result{"status": res.Status.String(), "message": res.Message}, nil
}

func query(ctx context.Context, c *clients, queryJSON string, queryType string) (result, error) {
	res, err := c.data.QueryData(ctx, queryRequest(queryJSON, queryType))
	if err != nil {
		return nil, err
	}
	responses := result{}
	for refID, dr := range res.Responses {
		sizes := []int{}
		for _, f := range dr.Frames {
			sizes = append(sizes, len(f))
		}
		r := result{"frames": len(dr.Frames), "frameBytes": sizes, "error": dr.Error}
		if dr.Error != "" {
			r["status"], r["errorSource"] = dr.Status, dr.ErrorSource
		}
		responses[refID] = r
	}
	return result{"responses": responses}, nil
}

// queryChunked collects every chunk of a QueryChunkedData answer, as Grafana
// reads them: refId, frame id, format, size, status, error and its source, and
// whether a JSON chunk carries the frame's schema.
func queryChunked(ctx context.Context, c *clients, queryJSON string, queryType string, format pluginv2.DataFrameFormat) (result, error) {
	q := queryRequest(queryJSON, queryType)
	stream, err := c.data.QueryChunkedData(ctx, &pluginv2.QueryChunkedDataRequest{
		PluginContext: q.PluginContext,
		Headers:       q.Headers,
		Queries:       q.Queries,
		Format:        format,
	})
	if err != nil {
		return nil, err
	}
	chunks := []result{}
	for {
		chunk, err := stream.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			return result{"chunks": chunks}, err
		}
		chunks = append(chunks, result{
			"refId":     chunk.RefId,
			"frameId":   chunk.FrameId,
			"format":    chunk.Format.String(),
			"bytes":     len(chunk.Frame),
			"status":    chunk.Status,
			"error":     chunk.Error,
			"source":    chunk.ErrorSource,
			"hasSchema": strings.Contains(string(chunk.Frame), `"schema"`),
		})
	}
	return result{"chunks": chunks}, nil
}

// resource collects the whole server stream: the first message carries the
// status, bodies may be chunked across messages (as Grafana concatenates them).
func resource(ctx context.Context, c *clients, path string) (result, error) {
	stream, err := c.resource.CallResource(ctx, &pluginv2.CallResourceRequest{
		PluginContext: pluginContext(),
		Path:          path,
		Method:        "GET",
		Url:           "/" + path,
		Headers:       listHeaders(),
	})
	if err != nil {
		return nil, err
	}
	var code int32
	var body []byte
	for i := 0; ; i++ {
		msg, err := stream.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if i == 0 {
			code = msg.Code
		}
		body = append(body, msg.Body...)
	}
	return result{"status": code, "body": string(body)}, nil
}

// runStream reads three packets and then cancels, the way Grafana ends a
// stream when the last subscriber leaves.
func runStream(ctx context.Context, c *clients) (result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.stream.RunStream(ctx, &pluginv2.RunStreamRequest{
		PluginContext: pluginContext(),
		Path:          "stream/1",
	})
	if err != nil {
		return nil, err
	}
	r := result{"packets": 0, "firstPacketBytes": 0}
	for n := 1; n <= 3; n++ {
		p, err := stream.Recv()
		if err == io.EOF {
			return r, fmt.Errorf("stream ended after %d packets", n-1)
		}
		if err != nil {
			return r, err
		}
		if n == 1 {
			r["firstPacketBytes"] = len(p.Data)
		}
		r["packets"] = n
	}
	return r, nil
}

func metrics(ctx context.Context, c *clients) (result, error) {
	res, err := c.diagnostics.CollectMetrics(ctx, &pluginv2.CollectMetricsRequest{PluginContext: pluginContext()})
	if err != nil {
		return nil, err
	}
	text := res.GetMetrics().GetPrometheus()
	return result{"prometheusBytes": len(text), "prometheus": string(text)}, nil
}
