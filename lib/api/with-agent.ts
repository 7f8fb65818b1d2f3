import type { NextRequest } from "next/server";
import { getRuntime } from "@/lib/runtime";
import { authenticateAgent, type AgentCaller } from "@/lib/services/machine/authenticate";
import { DomainError } from "@/lib/errors";
import { checkQuery } from "./body";
import { errorResponse, json, requestMeta, type RequestMeta } from "./with-person";

export type AgentContext<P> = { req: NextRequest; agent: AgentCaller; params: P; meta: RequestMeta };
type RouteCtx = { params: Promise<Record<string, string | string[]>> };

/**
 * Wraps a machine-API handler for agents (bootstrap key or workload token). Fails closed, and a
 * failure says only that the credentials were not accepted: which check failed is for the
 * audit trail and findings, not for whoever holds the token.
 */
export function withAgent<P = Record<string, string>>(
  handler: (ctx: AgentContext<P>) => Promise<Response | object>,
  opts: { decision?: boolean } = {},
) {
  return async (req: NextRequest, routeCtx: RouteCtx) => {
    const meta = requestMeta(req);
    try {
      // Decisions may reuse a recent authentication (their commit re-checks credential and agent).
      const rt = await getRuntime();
      const authorization = req.headers.get("authorization");
      const agent = await (opts.decision ? rt.agentAuth.authenticate(authorization, meta.ip) : authenticateAgent(rt.db, authorization, meta.ip));
      if (!("id" in agent)) throw new DomainError("unauthenticated", "Agent credentials were not accepted");
      checkQuery(req.url);
      const params = ((await routeCtx?.params) ?? {}) as P;
      const out = await handler({ req, agent, params, meta });
      return out instanceof Response ? out : json(out, 200, meta);
    } catch (err) {
      const res = errorResponse(err, meta);
      // RFC 6750: a refused bearer credential names the scheme.
      if (res.status === 401) res.headers.set("www-authenticate", 'Bearer realm="warden"');
      return res;
    }
  };
}

/** The caller's kind decides which wrapper serves a path shared by people and agents. */
export function isAgentRequest(req: Request): boolean {
  const auth = req.headers.get("authorization") ?? "";
  return /^Bearer\s+(wdn_ak_|eyJ)/i.test(auth);
}
