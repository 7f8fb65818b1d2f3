import { z } from "zod";
import { readJson } from "@/lib/api/body";
import { withAgent } from "@/lib/api/with-agent";
import { getDb } from "@/lib/db/client";
import { evaluateMany } from "@/lib/services/authzen/evaluate";
import { parseEvaluations } from "@/lib/services/authzen/map";
import { getDecisionRuntime } from "@/lib/services/decisions/runtime";

// OpenID AuthZEN 1.0 Access Evaluations (boxcarring) API (default path /access/v1/evaluations):
// at most MAX_EVALUATIONS (100) per request, every one validated before any is decided.
const MAX_BODY = 1024 * 1024;

export const POST = withAgent(async ({ req, agent, meta }) => {
  const parsed = parseEvaluations(await readJson(req, z.unknown(), MAX_BODY));
  const db = await getDb();
  const { writer, engine } = await getDecisionRuntime(db);
  return evaluateMany({ db, writer, engine, agent, meta }, parsed);
});
