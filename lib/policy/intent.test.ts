import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "@/lib/audit/chain";
import type { Envelope } from "@/lib/db/schema/agents";
import type { ActionShape } from "@/lib/db/schema/decisions";
import type { Intent } from "@/lib/db/schema/sessions";
import { destinationMatches, globMatch } from "./globs";
import {
  actionHash, actionName, canonicalAction, checkAction, checkDelegation, checkIntentWithinEnvelope, compareIntents, effectiveSensitivity,
} from "./intent";
import { matchesAction } from "./patterns";
import { SENSITIVITIES, sensitivityRank, type Sensitivity } from "./sensitivity";

function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T,>(xs: readonly T[]) => xs[int(0, xs.length - 1)];
  const some = <T,>(xs: readonly T[], max = xs.length) => Array.from({ length: int(0, max) }, () => pick(xs));
  return { next, int, pick, some, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof rng>;

const intent = (over: Partial<Intent> = {}): Intent => ({
  goal: "Triage INC-1",
  actions: ["github:issues.read", "crm:contacts.*"],
  resources: ["repo:acme/*", "table:customers"],
  maxSensitivity: "confidential",
  destinations: ["internal:*", "email:*@acme.example"],
  ttlSeconds: 3600,
  ...over,
});
const call = (over: Partial<ActionShape> = {}): ActionShape => ({
  connector: "github", tool: "issues", operation: "read", resource: "repo:acme/api", sensitivity: "internal", ...over,
});
const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);

// ---- generators for the property loops ---------------------------------------------------------
const CONNECTORS = ["github", "crm", "slack"];
const TOOLS = ["issues", "contacts", "chat"];
const OPS = ["read", "write", "delete"];
const RESOURCES = ["repo:acme/api", "repo:acme/web", "repo:other/x", "table:customers", "table:orders", "s3://b/p/a", "s3://b/q/a"];
const RESOURCE_GLOBS = [...RESOURCES, "repo:acme/*", "repo:*", "s3://b/p/*", "table:*", "*"];
const DESTS = ["internal:slack/#x", "internal:s3", "email:a@acme.example", "email:a@gmail.com", "slack:#incidents", "external:paste"];
const DEST_GLOBS = [...DESTS, "internal:*", "email:*@acme.example", "email:*", "external:*", "*"];
const actionPattern = (r: Rng) => {
  const part = (xs: string[]) => (r.chance(0.25) ? "*" : r.pick(xs));
  return r.chance(0.05) ? "*" : r.chance(0.1) ? `${r.pick(CONNECTORS)}:*` : `${r.pick(CONNECTORS)}:${r.pick(TOOLS)}.${part(OPS)}`;
};
const randomIntent = (r: Rng): Intent => ({
  goal: `goal ${r.int(0, 9)}`,
  actions: Array.from({ length: r.int(0, 4) }, () => actionPattern(r)),
  ...(r.chance(0.6) ? { resources: r.some(RESOURCE_GLOBS, 3) } : {}),
  maxSensitivity: r.pick(SENSITIVITIES),
  ...(r.chance(0.8) ? { destinations: r.some(DEST_GLOBS, 3) } : {}),
  ttlSeconds: r.pick([300, 600, 1800, 3600]),
});
const randomCall = (r: Rng): ActionShape => ({
  connector: r.pick(CONNECTORS), tool: r.pick(TOOLS), operation: r.pick(OPS),
  ...(r.chance(0.85) ? { resource: r.pick(RESOURCES) } : {}),
  ...(r.chance(0.8) ? { sensitivity: r.pick(SENSITIVITIES) } : {}),
  ...(r.chance(0.5) ? { destination: r.pick(DESTS) } : {}),
});

describe("checkAction", () => {
  it("lets a call that fits every dimension through", () => {
    expect(checkAction(intent(), call())).toEqual({ inside: true, reasons: [], diff: [] });
    expect(checkAction(intent(), call({ connector: "crm", tool: "contacts", operation: "write", resource: "table:customers", destination: "email:ops@acme.example" })).inside).toBe(true);
  });

  it("reports an undeclared operation", () => {
    const r = checkAction(intent(), call({ operation: "write" }));
    expect(r.inside).toBe(false);
    expect(r.reasons).toEqual([{ code: "intent.operation_not_declared", message: "github:issues.write is not among the actions the session declared" }]);
    expect(r.diff).toEqual([{ field: "action", declared: ["github:issues.read", "crm:contacts.*"], actual: "github:issues.write" }]);
  });

  it("reports a resource outside the declared ones, and only when the intent lists resources", () => {
    const r = checkAction(intent(), call({ resource: "repo:other/api" }));
    expect(r.reasons).toEqual([{ code: "intent.resource_not_declared", message: "repo:other/api is outside the declared resources" }]);
    expect(r.diff).toEqual([{ field: "resource", declared: ["repo:acme/*", "table:customers"], actual: "repo:other/api" }]);
    expect(checkAction(intent({ resources: undefined }), call({ resource: "repo:other/api" })).inside).toBe(true);
    expect(codes(checkAction(intent({ resources: [] }), call()))).toEqual(["intent.resource_not_declared"]);
  });

  it("fails closed when a resource-limited intent meets a call that names no resource", () => {
    for (const resource of [undefined, ""]) {
      const r = checkAction(intent(), call({ resource }));
      expect(codes(r)).toEqual(["intent.resource_not_declared"]);
      expect(r.diff[0]).toEqual({ field: "resource", declared: ["repo:acme/*", "table:customers"], actual: null });
      expect(r.reasons[0].message).toMatch(/names no resource/);
    }
    expect(checkAction(intent({ resources: undefined }), call({ resource: undefined })).inside).toBe(true);
  });

  it("reports sensitivity above the declared maximum, using the default when the call names none", () => {
    const r = checkAction(intent({ maxSensitivity: "internal" }), call({ sensitivity: "restricted" }));
    expect(r.reasons).toEqual([{ code: "intent.sensitivity_exceeded", message: "The data is restricted; the intent allows up to internal" }]);
    expect(r.diff).toEqual([{ field: "sensitivity", declared: "internal", actual: "restricted" }]);
    expect(checkAction(intent({ maxSensitivity: "internal" }), call({ sensitivity: undefined })).inside).toBe(true);
    expect(checkAction(intent({ maxSensitivity: "public" }), call({ sensitivity: undefined })).diff).toEqual([{ field: "sensitivity", declared: "public", actual: "internal" }]);
    expect(codes(checkAction(intent({ maxSensitivity: "internal" }), call({ sensitivity: undefined }), { defaultSensitivity: "confidential" }))).toEqual(["intent.sensitivity_exceeded"]);
    // A level the caller states wins over the connector default.
    expect(checkAction(intent({ maxSensitivity: "internal" }), call({ sensitivity: "public" }), { defaultSensitivity: "restricted" }).inside).toBe(true);
    expect(effectiveSensitivity({}, {})).toBe("internal");
    expect(effectiveSensitivity({ sensitivity: "" }, { defaultSensitivity: "public" })).toBe("public");
  });

  it("treats an unknown sensitivity as above restricted, and an unknown maximum as allowing nothing", () => {
    expect(codes(checkAction(intent({ maxSensitivity: "restricted" }), call({ sensitivity: "top-secret" })))).toEqual(["intent.sensitivity_exceeded"]);
    expect(codes(checkAction(intent({ maxSensitivity: "bogus" as Sensitivity }), call({ sensitivity: "public" })))).toEqual(["intent.sensitivity_exceeded"]);
    expect(codes(checkAction(intent({ maxSensitivity: "bogus" as Sensitivity }), call({ sensitivity: "bogus" })))).toEqual(["intent.sensitivity_exceeded"]);
  });

  it("allows a destination only when declared; none declared means nowhere", () => {
    const r = checkAction(intent(), call({ destination: "email:bob@gmail.com" }));
    expect(r.reasons).toEqual([{ code: "intent.destination_not_allowed", message: "email:bob@gmail.com is not a declared destination" }]);
    expect(r.diff).toEqual([{ field: "destination", declared: ["internal:*", "email:*@acme.example"], actual: "email:bob@gmail.com" }]);
    expect(checkAction(intent({ destinations: undefined }), call({ destination: "internal:slack/#x" })).diff).toEqual([{ field: "destination", declared: [], actual: "internal:slack/#x" }]);
    expect(checkAction(intent({ destinations: [] }), call({ destination: "internal:slack/#x" })).inside).toBe(false);
    expect(checkAction(intent({ destinations: undefined }), call({ destination: undefined })).inside).toBe(true);
    expect(checkAction(intent({ destinations: ["external:*"] }), call({ destination: "slack:#incidents" })).inside).toBe(true);
    expect(checkAction(intent({ destinations: ["external:*"] }), call({ destination: "internal:slack/#x" })).inside).toBe(false);
  });

  it("reports every exceeded dimension at once, in a stable order", () => {
    const r = checkAction(intent({ maxSensitivity: "public" }), call({ connector: "slack", tool: "chat", operation: "post", resource: "#general", sensitivity: "confidential", destination: "external:paste" }));
    expect(codes(r)).toEqual(["intent.operation_not_declared", "intent.resource_not_declared", "intent.sensitivity_exceeded", "intent.destination_not_allowed"]);
    expect(r.diff.map((d) => d.field)).toEqual(["action", "resource", "sensitivity", "destination"]);
  });

  it("never throws on odd input, and odd input is never inside", () => {
    const odd = [undefined, null, 7, "", "*", "a:b.c", "::", "github:issues.read\n", "ＧＩＴＨＵＢ"] as unknown as string[];
    for (const v of odd) {
      const weird = { connector: v, tool: v, operation: v, resource: v, sensitivity: v, destination: v } as ActionShape;
      expect(() => checkAction(intent(), weird)).not.toThrow();
      expect(checkAction(intent(), weird).inside).toBe(false);
      expect(() => checkAction(intent({ actions: [v] }), call())).not.toThrow();
      expect(() => actionHash(weird)).not.toThrow();
    }
    expect(checkAction(intent({ actions: undefined as unknown as string[] }), call()).inside).toBe(false);
    expect(checkAction(intent({ actions: ["GitHub:issues.read", "github:issues"] }), call()).inside).toBe(false);
  });

  it("property: whatever it calls inside matches a declared action, resource, level and destination", () => {
    const r = rng(11);
    let inside = 0;
    for (let n = 0; n < 4000; n++) {
      const i = randomIntent(r);
      const c = randomCall(r);
      const res = checkAction(i, c);
      expect(res.inside).toBe(res.reasons.length === 0);
      expect(res.diff.length).toBe(res.reasons.length);
      if (!res.inside) continue;
      inside++;
      expect(i.actions.some((p) => matchesAction(p, c))).toBe(true);
      if (i.resources) expect(i.resources.some((g) => globMatch(g, c.resource!))).toBe(true);
      expect(sensitivityRank((c.sensitivity ?? "internal") as Sensitivity)).toBeLessThanOrEqual(sensitivityRank(i.maxSensitivity));
      if (c.destination) expect((i.destinations ?? []).some((d) => destinationMatches(d, c.destination!))).toBe(true);
    }
    expect(inside).toBeGreaterThan(50); // the loop really exercised the "inside" side
  });

  it("property: an action inside an intent is inside any intent that contains it", () => {
    const r = rng(12);
    for (let n = 0; n < 3000; n++) {
      const parent = randomIntent(r);
      const child = randomIntent(r);
      if (!checkDelegation(child, parent).inside) continue;
      const c = randomCall(r);
      if (checkAction(child, c).inside) expect(checkAction(parent, c).inside, JSON.stringify({ parent, child, c })).toBe(true);
    }
  });
});

const envelope = (over: Partial<Envelope> = {}): Envelope => ({
  actions: ["github:*", "crm:contacts.*"],
  resources: ["repo:acme/*", "table:*"],
  maxSensitivity: "confidential",
  destinations: ["internal:*", "email:*@acme.example"],
  maxTtlSeconds: 7200,
  ...over,
});

describe("checkIntentWithinEnvelope", () => {
  it("accepts an intent that fits", () => {
    expect(checkIntentWithinEnvelope(intent(), envelope())).toEqual({ inside: true, reasons: [], diff: [] });
    expect(checkIntentWithinEnvelope(intent({ resources: ["repo:acme/api"], destinations: undefined, ttlSeconds: 7200 }), envelope()).inside).toBe(true);
    expect(checkIntentWithinEnvelope(intent({ resources: ["repo:other/x"] }), envelope({ resources: undefined })).inside).toBe(true);
  });

  it("names each dimension that leaves the envelope, with only the exceeding part as actual", () => {
    const r = checkIntentWithinEnvelope(
      intent({ actions: ["github:issues.read", "slack:chat.post", "crm:*"], resources: ["repo:acme/api", "s3://x/*"], maxSensitivity: "restricted", destinations: ["internal:*", "external:*"], ttlSeconds: 9000 }),
      envelope(),
    );
    expect(codes(r)).toEqual(["envelope.action_exceeded", "envelope.resource_exceeded", "envelope.sensitivity_exceeded", "envelope.destination_exceeded", "envelope.ttl_exceeded"]);
    expect(r.diff).toEqual([
      { field: "actions", declared: ["github:*", "crm:contacts.*"], actual: ["slack:chat.post", "crm:*"] },
      { field: "resources", declared: ["repo:acme/*", "table:*"], actual: ["s3://x/*"] },
      { field: "maxSensitivity", declared: "confidential", actual: "restricted" },
      { field: "destinations", declared: ["internal:*", "email:*@acme.example"], actual: ["external:*"] },
      { field: "ttlSeconds", declared: 7200, actual: 9000 },
    ]);
    expect(r.reasons[0].message).toContain('"slack:chat.post", "crm:*"');
    expect(r.reasons.every((x) => x.message.length > 10)).toBe(true);
  });

  it("treats an intent without resources as unlimited, which a resource-limited envelope refuses", () => {
    const r = checkIntentWithinEnvelope(intent({ resources: undefined }), envelope());
    expect(codes(r)).toEqual(["envelope.resource_exceeded"]);
    expect(r.diff[0]).toEqual({ field: "resources", declared: ["repo:acme/*", "table:*"], actual: null });
  });

  it("allows no destinations when the envelope lists none", () => {
    expect(codes(checkIntentWithinEnvelope(intent(), envelope({ destinations: undefined })))).toEqual(["envelope.destination_exceeded"]);
    expect(checkIntentWithinEnvelope(intent({ destinations: [] }), envelope({ destinations: undefined })).inside).toBe(true);
  });

  it("fails closed on malformed patterns, levels and TTLs", () => {
    expect(codes(checkIntentWithinEnvelope(intent({ actions: ["not a pattern"] }), envelope({ actions: ["*"] })))).toEqual(["envelope.action_exceeded"]);
    expect(codes(checkIntentWithinEnvelope(intent({ ttlSeconds: Number.NaN }), envelope()))).toEqual(["envelope.ttl_exceeded"]);
    expect(codes(checkIntentWithinEnvelope(intent({ ttlSeconds: Infinity }), envelope()))).toEqual(["envelope.ttl_exceeded"]);
    expect(codes(checkIntentWithinEnvelope(intent(), envelope({ maxTtlSeconds: undefined as unknown as number })))).toEqual(["envelope.ttl_exceeded"]);
    expect(codes(checkIntentWithinEnvelope(intent({ maxSensitivity: "secret" as Sensitivity }), envelope({ maxSensitivity: "restricted" })))).toEqual(["envelope.sensitivity_exceeded"]);
  });
});

describe("checkDelegation", () => {
  const parent = intent({ actions: ["github:*"], resources: ["repo:acme/*"], maxSensitivity: "confidential", destinations: ["internal:*"], ttlSeconds: 3600 });

  it("accepts a child that stays inside its parent", () => {
    const child = intent({ actions: ["github:issues.read"], resources: ["repo:acme/api"], maxSensitivity: "internal", destinations: ["internal:slack/*"], ttlSeconds: 600 });
    expect(checkDelegation(child, parent)).toEqual({ inside: true, reasons: [], diff: [] });
  });

  it("refuses a child that asks for more, dimension by dimension", () => {
    const child = intent({ actions: ["github:issues.read", "crm:contacts.read"], resources: ["repo:*"], maxSensitivity: "restricted", destinations: ["email:*@acme.example"], ttlSeconds: 7200 });
    const r = checkDelegation(child, parent);
    expect(codes(r)).toEqual(["delegation.action_exceeded", "delegation.resource_exceeded", "delegation.sensitivity_exceeded", "delegation.destination_exceeded", "delegation.ttl_exceeded"]);
    expect(r.diff[0]).toEqual({ field: "actions", declared: ["github:*"], actual: ["crm:contacts.read"] });
    expect(codes(checkDelegation(intent({ ...child, ...parent, resources: undefined }), parent))).toEqual(["delegation.resource_exceeded"]);
  });

  it("holds the child to the parent's remaining time when given the clock", () => {
    const child = intent({ ...parent, ttlSeconds: 1200 });
    const now = new Date("2026-03-18T12:00:00Z");
    expect(checkDelegation(child, parent, { now, parentExpiresAt: new Date(now.getTime() + 1800_000) }).inside).toBe(true);
    const r = checkDelegation(child, parent, { now, parentExpiresAt: new Date(now.getTime() + 900_000) });
    expect(r.diff).toEqual([{ field: "ttlSeconds", declared: 900, actual: 1200 }]);
    expect(r.reasons[0].message).toMatch(/remaining time/);
    expect(codes(checkDelegation(child, parent, { now: now.getTime(), parentExpiresAt: now.getTime() - 1 }))).toEqual(["delegation.ttl_exceeded"]);
    expect(codes(checkDelegation(child, parent, { now, parentExpiresAt: new Date("nonsense") }))).toEqual(["delegation.ttl_exceeded"]);
  });
});

describe("compareIntents", () => {
  const base = intent();

  it("calls a goal-only change the same, but lists it", () => {
    expect(compareIntents(base, base)).toEqual({ kind: "same", widened: [], changes: [] });
    const r = compareIntents(base, { ...base, goal: "Something else" });
    expect(r).toEqual({ kind: "same", widened: [], changes: [{ field: "goal", before: base.goal, after: "Something else" }] });
    expect(compareIntents(base, { ...base, actions: [...base.actions].reverse(), destinations: [...base.destinations!, "internal:*"] }).kind).toBe("same");
  });

  it("calls a change where nothing grows a narrowing", () => {
    const r = compareIntents(base, { ...base, actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600, resources: ["repo:acme/api"], destinations: [] });
    expect(r.kind).toBe("narrowing");
    expect(r.widened).toEqual([]);
    expect(r.changes.map((c) => c.field)).toEqual(["actions", "resources", "maxSensitivity", "destinations", "ttlSeconds"]);
    // Adding an action the old patterns already cover grows nothing.
    expect(compareIntents(base, { ...base, actions: [...base.actions, "crm:contacts.read"] }).kind).toBe("narrowing");
    // Adding a resource limit where there was none narrows.
    expect(compareIntents({ ...base, resources: undefined }, base).kind).toBe("narrowing");
  });

  it("calls any growth a widening and says which dimension grew", () => {
    const grow: [Partial<Intent>, string, unknown][] = [
      [{ actions: [...base.actions, "slack:chat.post"] }, "actions", ["slack:chat.post"]],
      [{ actions: ["github:*"] }, "actions", ["github:*"]],
      [{ resources: [...base.resources!, "table:orders"] }, "resources", ["table:orders"]],
      [{ resources: undefined }, "resources", null],
      [{ maxSensitivity: "restricted" }, "maxSensitivity", "restricted"],
      [{ destinations: [...base.destinations!, "external:*"] }, "destinations", ["external:*"]],
      [{ ttlSeconds: 7200 }, "ttlSeconds", 7200],
    ];
    for (const [over, field, actual] of grow) {
      const r = compareIntents(base, { ...base, ...over });
      expect(r.kind, field).toBe("widening");
      expect(r.widened, field).toEqual([expect.objectContaining({ field, actual })]);
      expect(r.changes.map((c) => c.field)).toContain(field);
    }
    const both = compareIntents(base, { ...base, goal: "new", actions: ["*"], ttlSeconds: 100 });
    expect(both.kind).toBe("widening");
    expect(both.widened.map((d) => d.field)).toEqual(["actions"]);
    expect(both.changes.map((c) => c.field)).toEqual(["goal", "actions", "ttlSeconds"]);
  });

  it("does not call an unchanged malformed field a widening, but fails closed on a changed one", () => {
    const odd = { ...base, maxSensitivity: "bogus" as Sensitivity, ttlSeconds: Number.NaN };
    expect(compareIntents(odd, { ...odd, goal: "x" }).kind).toBe("same");
    expect(compareIntents(base, { ...base, maxSensitivity: "bogus" as Sensitivity }).kind).toBe("widening");
    expect(compareIntents(base, { ...base, ttlSeconds: Number.NaN }).kind).toBe("widening");
  });

  it("property: dropping actions, resources or destinations, lowering the level or the TTL is never a widening", () => {
    const r = rng(21);
    for (let n = 0; n < 3000; n++) {
      const before = randomIntent(r);
      const keep = <T,>(xs: T[]) => xs.filter(() => r.chance(0.6));
      const after: Intent = {
        ...before,
        goal: r.chance(0.5) ? before.goal : "changed",
        actions: keep(before.actions),
        ...(before.resources ? { resources: keep(before.resources) } : r.chance(0.3) ? { resources: r.some(RESOURCE_GLOBS, 2) } : {}),
        maxSensitivity: SENSITIVITIES[r.int(0, sensitivityRank(before.maxSensitivity))],
        ...(before.destinations ? { destinations: keep(before.destinations) } : {}),
        ttlSeconds: r.int(1, before.ttlSeconds),
      };
      const res = compareIntents(before, after);
      expect(res.kind, JSON.stringify({ before, after })).not.toBe("widening");
      expect(res.widened).toEqual([]);
      expect(compareIntents(before, before).kind).toBe("same");
    }
  });

  it("property: widening exactly when the new intent is not inside the old one", () => {
    const r = rng(22);
    let widenings = 0;
    for (let n = 0; n < 3000; n++) {
      const before = randomIntent(r);
      const after = r.chance(0.5) ? randomIntent(r) : { ...before, actions: [...before.actions, actionPattern(r)] };
      const res = compareIntents(before, after);
      expect(res.kind === "widening").toBe(!checkDelegation(after, before).inside);
      if (res.kind === "widening") widenings++;
      // Whatever the new intent allows, the old one allowed too, unless it widened.
      if (res.kind !== "widening") {
        for (let k = 0; k < 5; k++) {
          const c = randomCall(r);
          if (checkAction(after, c).inside) expect(checkAction(before, c).inside).toBe(true);
        }
      }
    }
    expect(widenings).toBeGreaterThan(100);
  });
});

describe("canonicalAction and actionHash", () => {
  it("keeps the identifying fields, fills in the effective sensitivity and drops the arguments", () => {
    const withArgs = { ...call({ destination: "internal:s3" }), arguments: { q: 1 } } as ActionShape;
    expect(canonicalAction(withArgs)).toEqual({ connector: "github", destination: "internal:s3", operation: "read", resource: "repo:acme/api", sensitivity: "internal", tool: "issues" });
    expect(canonicalAction(call({ resource: undefined, sensitivity: undefined }), { defaultSensitivity: "restricted" })).toEqual({ connector: "github", operation: "read", sensitivity: "restricted", tool: "issues" });
    expect(actionName(call())).toBe("github:issues.read");
  });

  it("is stable across key order, arguments and absent-vs-empty fields", () => {
    const a = call();
    const reordered = { sensitivity: "internal", resource: "repo:acme/api", operation: "read", tool: "issues", connector: "github" };
    expect(actionHash(reordered)).toBe(actionHash(a));
    expect(actionHash({ ...a, args: { x: 1 } } as ActionShape)).toBe(actionHash(a));
    expect(actionHash({ ...a, destination: "" })).toBe(actionHash(a));
    expect(actionHash({ ...a, sensitivity: undefined })).toBe(actionHash(a)); // default is internal
    expect(actionHash({ ...a, sensitivity: undefined }, { defaultSensitivity: "confidential" })).not.toBe(actionHash(a));
    expect(actionHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("binds to the exact action: any identifying field changes the hash", () => {
    const a = call({ destination: "internal:s3" });
    const variants: Partial<ActionShape>[] = [
      { connector: "gitlab" }, { tool: "pulls" }, { operation: "write" }, { resource: "repo:acme/web" }, { resource: undefined },
      { sensitivity: "confidential" }, { destination: "internal:s4" }, { destination: undefined },
      // No field boundary ambiguity: moving characters between fields is a different action.
      { connector: "github:issues", tool: "" }, { tool: "issues.read", operation: "" },
    ];
    const hashes = new Set([actionHash(a), ...variants.map((v) => actionHash({ ...a, ...v }))]);
    expect(hashes.size).toBe(variants.length + 1);
  });

  it("hashes the same bytes as the audit chain's canonical JSON (the seed's escalations rely on it)", () => {
    const r = rng(31);
    for (let n = 0; n < 200; n++) {
      const c = randomCall(r);
      const canonical = canonicalAction(c);
      expect(JSON.stringify(canonical)).toBe(canonicalJson(canonical));
      expect(actionHash(c)).toBe(createHash("sha256").update(canonicalJson(canonical)).digest("hex"));
    }
  });
});
