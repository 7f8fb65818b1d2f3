import { readJson } from "@/lib/api/body";
import { withAgent } from "@/lib/api/with-agent";
import { decisionDeps } from "@/lib/runtime";
import { evaluateOne } from "@/lib/services/authzen/evaluate";
import { authzenBody, parseEvaluation, unavailableDecision } from "@/lib/services/authzen/map";

// OpenID AuthZEN 1.0 Access Evaluation API (default path /access/v1/evaluation). The PEP
// authenticates as the agent, like the machine API. A deny is HTTP 200 with decision: false;
// mapping and shapes: lib/services/authzen/map.ts.
const MAX_BODY = 64 * 1024;

export const POST = withAgent(async ({ req, agent, meta }) => {
  const evaluation = parseEvaluation(await readJson(req, authzenBody, MAX_BODY));
  return evaluateOne({ ...(await decisionDeps()), agent, meta }, evaluation);
}, { unavailable: unavailableDecision });
