import { readJson } from "@/lib/api/body";
import { withAgent } from "@/lib/api/with-agent";
import { json } from "@/lib/api/with-person";
import { getDb } from "@/lib/db/client";
import { authorize } from "@/lib/services/decisions/authorize";
import { getDecisionRuntime } from "@/lib/services/decisions/runtime";
import { authorizeSchema } from "@/lib/services/decisions/schemas";

// Bodies hold one tool call; arguments are digested, so 64 KiB is plenty.
const MAX_BODY = 64 * 1024;

export const POST = withAgent(async ({ req, agent, meta }) => {
  const input = await readJson(req, authorizeSchema, MAX_BODY);
  const db = await getDb();
  const { writer, engine } = await getDecisionRuntime(db);
  try {
    return await authorize(db, writer, engine, agent, input, meta);
  } catch (err) {
    if ((err as { code?: string }).code === "not_found") throw err;
    // Fail closed: no decision could be recorded, so nothing is allowed.
    console.error(`[warden] decision ${meta.requestId} could not be recorded:`, err);
    return json({ decision: "deny", reasons: [{ code: "audit.unavailable", message: "The decision could not be recorded" }], decisionId: null }, 200, meta);
  }
}, { decision: true });
