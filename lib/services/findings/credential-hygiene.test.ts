import { describe, expect, it } from "vitest";
import { credentialFindings, type HygieneOptions } from "./credential-hygiene";

const now = new Date("2026-11-25T12:00:00Z");
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
const o: HygieneOptions = { maxStandingAgeDays: 90, unusedDays: 30, usageWindowDays: 30 };
const cred = (over: Partial<Parameters<typeof credentialFindings>[0][number]> = {}) => ({
  id: "c1",
  name: "deploy key",
  kind: "api_key",
  jit: false,
  agent_id: "a1",
  agent_name: "release-bot",
  connector_id: "k1",
  connector_name: "github",
  connector_managed: true,
  scope: {},
  issued_at: daysAgo(10),
  expires_at: daysAgo(-30),
  last_used_at: daysAgo(1),
  ...over,
});
const kinds = (c: ReturnType<typeof cred>, used = new Map<string, Set<string>>()) => credentialFindings([c], used, now, o).map((f) => f.kind).sort();

describe("credential hygiene findings", () => {
  it("finds nothing wrong with a young, expiring, used, managed credential", () => {
    expect(kinds(cred())).toEqual([]);
  });

  it("flags standing secrets that never expire or are older than the limit, but not JIT ones", () => {
    expect(kinds(cred({ expires_at: null }))).toEqual(["standing_secret"]);
    expect(credentialFindings([cred({ expires_at: null })], new Map(), now, o)[0].severity).toBe("high");
    expect(kinds(cred({ issued_at: daysAgo(120) }))).toEqual(["standing_secret"]);
    expect(kinds(cred({ jit: true, expires_at: null }))).toEqual([]);
  });

  it("flags a credential unused for longer than the limit, counting from issue when never used", () => {
    expect(kinds(cred({ last_used_at: daysAgo(45) }))).toEqual(["stale_credential"]);
    expect(kinds(cred({ last_used_at: null, issued_at: daysAgo(40) }))).toEqual(["stale_credential"]);
    expect(kinds(cred({ last_used_at: null, issued_at: daysAgo(5) }))).toEqual([]);
  });

  it("flags credentials for unmanaged connectors", () => {
    expect(kinds(cred({ connector_managed: false }))).toEqual(["unmanaged_connector_credential"]);
  });

  it("flags scope beyond what the agent used in the window, with wildcards in the scope", () => {
    const used = new Map([["a1|k1", new Set(["issues.read"])]]);
    const f = credentialFindings([cred({ scope: { operations: ["issues.read", "issues.write", "repo.*"] } })], used, now, o);
    expect(f.map((x) => x.kind)).toEqual(["over_scoped_credential"]);
    expect(f[0].detail.unused).toEqual(["issues.write", "repo.*"]);
    expect(kinds(cred({ scope: { operations: ["issues.*"] } }), used)).toEqual([]);
    // Too young for its use to say anything, and bootstrap keys are Warden's own.
    expect(kinds(cred({ issued_at: daysAgo(2), scope: { operations: ["x.y"] } }), used)).toEqual([]);
    expect(kinds(cred({ kind: "bootstrap_key", scope: { operations: ["warden:sessions.*"] } }), used)).toEqual([]);
  });
});
