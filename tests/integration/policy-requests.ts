import type { PolicyRequest } from "../../lib/policy/cedar/request";

// Agent requests the policy tests evaluate directly (engine, guardrails), shared by the files
// that check policies and namespaces.

/** A medium-tier agent pushing to GitHub, inside its intent: the guardrails alone allow it. */
export const push: PolicyRequest = {
  agent: { name: "release-bot", riskTier: "medium", team: "devex", status: "active", identity: "spiffe://acme.internal/release-bot" },
  connector: { name: "github", managed: true, kind: "saas_api", sensitivity: "internal", environment: "production" },
  tool: "repo",
  operation: "push",
  access: "write",
  sensitivity: "internal",
  destinationExternal: false,
  intentMatch: true,
  sessionAgeSeconds: 30,
  escalationCount: 0,
  denialCount: 0,
};
