import { readJson } from "@/lib/api/body";
import { DomainError } from "@/lib/errors";
import { withAgent } from "@/lib/api/with-agent";
import { getDb } from "@/lib/runtime";
import { exportRequestSchema } from "@/lib/services/telemetry/otlp";
import { ingestTraces } from "@/lib/services/telemetry/ingest";

// OTLP/HTTP trace export (JSON encoding): point an agent's exporter at <warden>/api/v1/otel
// (OTEL_EXPORTER_OTLP_ENDPOINT; the exporter appends /v1/traces) with its Warden credentials as
// the bearer token. The answer is an ExportTraceServiceResponse.
const MAX_OTLP_BODY = 1024 * 1024;

export const POST = withAgent(async ({ req, agent, meta }) => {
  const type = req.headers.get("content-type") ?? "";
  if (/^application\/(x-)?protobuf\b/i.test(type)) {
    throw new DomainError("unsupported_media_type", "OTLP protobuf is not supported: export with the JSON encoding (OTEL_EXPORTER_OTLP_PROTOCOL=http/json, Content-Type: application/json)");
  }
  const encoding = (req.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity") throw new DomainError("unsupported_media_type", "Compressed bodies are not supported: export without compression (OTEL_EXPORTER_OTLP_COMPRESSION=none)");
  const body = await readJson(req, exportRequestSchema, MAX_OTLP_BODY);
  const r = await ingestTraces(await getDb(), agent, body, meta);
  return r.rejected ? { partialSuccess: { rejectedSpans: r.rejected, errorMessage: r.errors.slice(0, 5).join("; ") } } : {};
});
