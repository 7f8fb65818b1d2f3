import { withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { eventProof } from "@/lib/services/audit-log/proof";

/**
 * GET /api/v1/audit/{id}/proof — the event's inclusion proof against the newest signed checkpoint:
 * `{ leafIndex, treeSize, checkpoint, leafHash, proof[] }` (base64 hashes); 409
 * not_yet_checkpointed until a checkpoint covers it (docs/audit-log.md).
 */
export const GET = withPerson<{ id: string }>(async ({ params }) => eventProof(await getDb(), params.id), { can: "readAudit" });
