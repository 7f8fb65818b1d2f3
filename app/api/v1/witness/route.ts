import { witnessOf } from "@/lib/api/audit-log";
import { getRuntime } from "@/lib/runtime";
import { witnessInfo } from "@/lib/services/witness/add-checkpoint";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/witness — what a log's operator configures to use this Warden as its witness: the
 * witness's name and public key (WARDEN_WITNESS_KEY on the log's side) and the logs it accepts.
 * Public, like any witness's key.
 */
export async function GET() {
  return Response.json(witnessInfo(await witnessOf(await getRuntime())), { headers: { "cache-control": "no-store" } });
}
