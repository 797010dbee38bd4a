/**
 * grafana-plugin-ts SDK: typed handlers over the generated pluginv2 bindings,
 * in the shape of grafana-plugin-sdk-go's backend packages. The only public
 * entry of runtime/sdk.
 */
export { createPlugin, disposePlugin, mergeHandlers, type PluginOptions } from "./plugin.js";
export type {
  AppInstanceSettings,
  DataSourceInstanceSettings,
  JsonDataParser,
  PluginContext,
  UserAgent,
} from "./context.js";
export { GrafanaConfig, GrafanaConfigKey } from "./grafana-config.js";
export { parseJsonBytes, parseUserAgent, pluginContextFromProto } from "./convert-from-protobuf.js";
export {
  dataResponseToProto,
  frameToStreamJSON,
  type FrameInclude,
} from "./convert-to-protobuf.js";
export type { RequestContext } from "./request-context.js";
export {
  createInstanceManager,
  defaultInstanceKey,
  type Disposable,
  type InstanceFactory,
  type InstanceLease,
  type InstanceManager,
  type InstanceManagerOptions,
} from "./instance-manager.js";
export {
  errorResponse,
  type DataQuery,
  type DataResponse,
  type QueryDataHandler,
  type QueryDataRequest,
  type QueryDataResponse,
  type TimeRange,
} from "./data.js";
export {
  DEFAULT_QUERY_CONCURRENCY,
  mapConcurrent,
  QueryTypeMux,
  type QueryContext,
  type QueryHandler,
  type QueryResult,
  type QueryTypeMuxOptions,
  type ChunkedQueryHandler,
} from "./query-type-mux.js";
export {
  createChunkedDataWriter,
  type ChunkedDataWriter,
  type QueryChunkedDataHandler,
  type QueryChunkedDataRequest,
} from "./chunked.js";
export { DataFrameFormat } from "../../output/pluginv2/backend.js";
export {
  HealthStatus,
  healthError,
  healthOk,
  type CheckHealthHandler,
  type CheckHealthRequest,
  type CheckHealthResult,
} from "./diagnostics.js";
export {
  jsonResponse,
  response,
  streamResponse,
  textResponse,
  type CallResourceHandler,
  type ResourceBody,
  type ResourceChunk,
  type ResourceRequest,
  type ResourceResponse,
} from "./resource.js";
export { ResourceRouter, type PathParams, type RouteHandler } from "./resource-router.js";
export {
  PublishStreamStatus,
  subscribeOk,
  SubscribeStreamStatus,
  type PublishStreamRequest,
  type PublishStreamResult,
  type RunStreamRequest,
  type StreamHandler,
  type StreamSender,
  type SubscribeStreamRequest,
  type SubscribeStreamResult,
} from "./stream.js";
export {
  describeError,
  downstreamError,
  errorSourceFromHttpStatus,
  PluginError,
  pluginError,
  toRpcError,
  type ErrorDescription,
  type ErrorSource,
  type PluginErrorOptions,
} from "./errors.js";
export {
  ACTIVE_INSTANCES,
  createMetrics,
  REQUEST_DURATION,
  REQUEST_TOTAL,
  type InstanceMetrics,
  type MetricsOptions,
  type PluginMetrics,
  type RequestMetrics,
} from "./metrics.js";
export type { Endpoint, HandlerCall, HandlerMiddleware } from "./middleware/handler-middleware.js";
export type { RequestOutcome, RequestStatus } from "./middleware/request-status.js";
export { currentLogger, currentRequestContext } from "./middleware/request-scope.js";
export * from "./tracing/index.js";
export { parseTraceparent, traceContextFrom, type TraceContext } from "./trace-context.js";
export { startTestServer, type TestServer } from "./testing.js";
export * from "./http/index.js";
export { errorSourceFromMetadata, errorSourceMetadata } from "./error-details.js";
