import type { NextRequest } from "next/server";
import { requestMeta } from "@/lib/api/with-person";

// AuthZEN 1.0 "Policy Decision Point Metadata" {#pdp-metadata}: unauthenticated GET at
// /.well-known/authzen-configuration. `policy_decision_point` (REQUIRED) is the base URL the
// well-known path was appended to, so it is this request's origin; `access_evaluation_endpoint`
// (REQUIRED) and `access_evaluations_endpoint` (OPTIONAL) are absolute URLs. The search endpoints
// are omitted: "the absence of any of these parameters is sufficient for the PEP to determine
// that the PDP is not capable", and parameters with no values (capabilities) MUST be omitted.
export const dynamic = "force-dynamic";

function pdpMetadata(origin: string) {
  return {
    policy_decision_point: origin,
    access_evaluation_endpoint: `${origin}/access/v1/evaluation`,
    access_evaluations_endpoint: `${origin}/access/v1/evaluations`,
  };
}

export async function GET(req: NextRequest) {
  const meta = requestMeta(req);
  return Response.json(pdpMetadata(new URL(req.url).origin), {
    status: 200,
    // Spec "Metadata Caching": normal HTTP caching applies; the document depends on the host.
    headers: { "cache-control": "public, max-age=300", vary: "host", "x-request-id": meta.requestId },
  });
}
