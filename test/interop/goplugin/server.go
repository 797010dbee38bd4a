package main

import (
	"context"
	"fmt"
	"time"

	"grafanaplugints/interop/pluginv2"
)

// server implements the four pluginv2 services. The Unimplemented* embeds
// answer the RPCs we skip (SubscribeStream, PublishStream) with Unimplemented,
// which is what Grafana expects from a plugin that lacks them.
type server struct {
	pluginv2.UnimplementedDiagnosticsServer
	pluginv2.UnimplementedDataServer
	pluginv2.UnimplementedResourceServer
	pluginv2.UnimplementedStreamServer
}

func (*server) CheckHealth(context.Context, *pluginv2.CheckHealthRequest) (*pluginv2.CheckHealthResponse, error) {
	return &pluginv2.CheckHealthResponse{
		Status:  pluginv2.CheckHealthResponse_OK,
		Message: "go plugin ok",
	}, nil
}

var metricsText = []byte("# HELP goplugin_up Always 1.\n# TYPE goplugin_up gauge\ngoplugin_up 1\n")

func (*server) CollectMetrics(context.Context, *pluginv2.CollectMetricsRequest) (*pluginv2.CollectMetricsResponse, error) {
	return &pluginv2.CollectMetricsResponse{
		Metrics: &pluginv2.CollectMetricsResponse_Payload{Prometheus: metricsText},
	}, nil
}

// framePrefix stands in for an Arrow-encoded frame. Encoding real Arrow would
// need the Arrow Go library (not packaged for offline builds); for protocol
// interop and a transport benchmark a small fixed payload is enough. The
// refId is appended so a caller can see its query was echoed.
var framePrefix = []byte("goplugin-frame:refId=")

func (*server) QueryData(_ context.Context, req *pluginv2.QueryDataRequest) (*pluginv2.QueryDataResponse, error) {
	res := &pluginv2.QueryDataResponse{Responses: make(map[string]*pluginv2.DataResponse, len(req.Queries))}
	for _, q := range req.Queries {
		frame := make([]byte, 0, len(framePrefix)+len(q.RefId))
		frame = append(append(frame, framePrefix...), q.RefId...)
		res.Responses[q.RefId] = &pluginv2.DataResponse{Frames: [][]byte{frame}, Status: 200}
	}
	return res, nil
}

var helloBody = []byte(`{"message":"hello from go"}`)

// CallResource answers path "introspect" with what this process was given
// (see introspect.go), any other path with helloBody.
func (*server) CallResource(req *pluginv2.CallResourceRequest, stream pluginv2.Resource_CallResourceServer) error {
	body := helloBody
	if req.Path == "introspect" {
		body = introspect(stream.Context())
	}
	return stream.Send(&pluginv2.CallResourceResponse{
		Code:    200,
		Headers: map[string]*pluginv2.StringList{"Content-Type": {Values: []string{"application/json"}}},
		Body:    body,
	})
}

// RunStream ticks every 10ms until Grafana (the host) cancels the call.
func (*server) RunStream(req *pluginv2.RunStreamRequest, stream pluginv2.Stream_RunStreamServer) error {
	ticker := time.NewTicker(10 * time.Millisecond)
	defer ticker.Stop()
	for n := 1; ; n++ {
		select {
		case <-stream.Context().Done():
			return nil
		case <-ticker.C:
			data := []byte(fmt.Sprintf(`{"path":%q,"n":%d}`, req.Path, n))
			if err := stream.Send(&pluginv2.StreamPacket{Data: data}); err != nil {
				return err
			}
		}
	}
}
