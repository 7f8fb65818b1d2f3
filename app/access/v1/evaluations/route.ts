import { readJson } from "@/lib/api/body";
import { withAgent } from "@/lib/api/with-agent";
import { decisionDeps } from "@/lib/runtime";
import { evaluateMany } from "@/lib/services/authzen/evaluate";
import { authzenBody, parseEvaluations, unavailableDecision } from "@/lib/services/authzen/map";

// OpenID AuthZEN 1.0 Access Evaluations (boxcarring) API (default path /access/v1/evaluations):
// at most MAX_EVALUATIONS (100) per request, every one validated before any is decided.
const MAX_BODY = 1024 * 1024;

export const POST = withAgent(async ({ req, agent, meta }) => {
  const parsed = parseEvaluations(await readJson(req, authzenBody, MAX_BODY));
  return evaluateMany({ ...(await decisionDeps()), agent, meta }, parsed);
}, { unavailable: unavailableDecision });
