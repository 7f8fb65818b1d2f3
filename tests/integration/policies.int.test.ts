import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as activateRoute from "../../app/api/v1/policies/[id]/activate/route";
import * as disableRoute from "../../app/api/v1/policies/[id]/disable/route";
import * as enableRoute from "../../app/api/v1/policies/[id]/enable/route";
import * as policyRoute from "../../app/api/v1/policies/[id]/route";
import * as versionsRoute from "../../app/api/v1/policies/[id]/versions/route";
import * as policiesRoute from "../../app/api/v1/policies/route";
import * as validateRoute from "../../app/api/v1/policies/validate/route";
import { verifyAuditChain } from "../../lib/audit/verify";
import { auditEvents, policies, policyVersions } from "../../lib/db/schema";
import type { PolicyRequest } from "../../lib/policy/cedar/request";
import { ensureGuardrails } from "../../lib/services/policies/guardrails";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "./db";
import { push } from "./policy-requests";
import { personWithToken, routeCaller, type RouteHandler } from "./route-helpers";

const leaks: string[] = [];
const call = routeCaller((text) => {
  for (const l of leaks) expect(text).not.toContain(l);
});
const H = (h: unknown) => h as RouteHandler;

const read: PolicyRequest = { ...push, tool: "issues", operation: "read", access: "read" };
const leak: PolicyRequest = { ...push, connector: { ...push.connector, name: "email", kind: "messaging" }, tool: "send", operation: "message", sensitivity: "restricted", destination: "email:x@partner.example", destinationExternal: true };

describe.each(DB_KINDS)("policies as code on %s", (kind) => {
  let h: TestDatabase;
  // active-engine.ts re-checks the change marker at most every 500 ms: move the clock past it.
  const settle = () => h.clock.advance(600);
  let admin: string;
  let analyst: string;

  const decide = async (r: PolicyRequest) => (await h.rt.policies.current()).decide(r).decision;
  const post = (handler: unknown, path: string, body: unknown, token = admin, params: Record<string, string> = {}) => call(H(handler), { token, path, body, params });
  const counts = async () => {
    const [p] = await h.db.select({ n: sql<number>`count(*)::int` }).from(policies);
    const [v] = await h.db.select({ n: sql<number>`count(*)::int` }).from(policyVersions);
    const [a] = await h.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents);
    return { policies: p.n, versions: v.n, audit: a.n };
  };
  const auditOf = async (action: string, targetId: string) =>
    h.db.select().from(auditEvents).where(and(eq(auditEvents.action, action), eq(auditEvents.targetId, targetId)));
  const idOf = async (name: string) => (await h.db.select({ id: policies.id }).from(policies).where(eq(policies.name, name)))[0].id;

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    await ensureGuardrails(h.db);
    admin = (await personWithToken(h.db, `admin-${kind}@example.com`, "admin")).token;
    analyst = (await personWithToken(h.db, `analyst-${kind}@example.com`, "analyst")).token;
    leaks.push(admin, analyst);
  });
  afterAll(async () => h?.close());

  it("refuses a syntax or schema error naming line and column, and writes nothing", async () => {
    const before = await counts();
    const syntax = await post(policiesRoute.POST, "/api/v1/policies", { name: "broken", cedar: 'forbid(principal, action, resource)\nwhen { context.denialCount >= };' });
    expect(syntax.status).toBe(400);
    expect(syntax.body.error.code).toBe("validation_failed");
    expect(syntax.body.error.fields[0]).toMatchObject({ path: "cedar" });
    expect(syntax.body.error.fields[0].message).toMatch(/^line 2, column \d+: /);
    const schema = await post(policiesRoute.POST, "/api/v1/policies", { name: "broken", cedar: "forbid(principal, action, resource)\nwhen {\n  context.noSuchField == 1\n};" });
    expect(schema.status).toBe(400);
    expect(schema.body.error.fields[0].message).toMatch(/^line 3, column \d+: .*noSuchField/);
    expect(await counts()).toEqual(before);
    expect(await h.db.select().from(policies).where(eq(policies.name, "broken"))).toHaveLength(0);
  });

  it("answers the editor's validate call with positions, for any role, writing nothing", async () => {
    const before = await counts();
    const bad = await post(validateRoute.POST, "/api/v1/policies/validate", { cedar: "permit(principal, action, resource)\nwhen { principal.nope };" }, analyst);
    expect(bad.status).toBe(200);
    expect(bad.body.ok).toBe(false);
    expect(bad.body.errors[0]).toMatchObject({ line: 2, column: expect.any(Number), message: expect.stringContaining("nope") });
    const good = await post(validateRoute.POST, "/api/v1/policies/validate", { cedar: 'forbid(principal, action == Warden::Action::"write", resource);' }, analyst);
    expect(good.body).toMatchObject({ ok: true, errors: [] });
    expect(await counts()).toEqual(before);
  });

  it("refuses a duplicate name with 409 and bad bodies with 400", async () => {
    const dup = await post(policiesRoute.POST, "/api/v1/policies", { name: "baseline-permit", cedar: "permit(principal, action, resource);" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.fields[0].path).toBe("name");
    for (const body of [{}, { name: "Bad Name!", cedar: "permit(principal, action, resource);" }, { name: "ok-name", cedar: "   " }, { name: "ok-name", cedar: "permit(principal, action, resource);", onForbid: "maybe" }]) {
      expect((await post(policiesRoute.POST, "/api/v1/policies", body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it("creates, versions and activates a policy; the active engine decides differently once it is active", async () => {
    expect(await decide(push)).toBe("allow");
    const created = await post(policiesRoute.POST, "/api/v1/policies", {
      name: "github-repo-guard",
      description: "Deleting repositories needs nobody; pushing will need a person.",
      cedar: '@reason("repositories are never deleted by agents")\nforbid(principal, action == Warden::Action::"delete", resource == Warden::Tool::"github:repo");',
      comment: "first cut",
    });
    expect(created.status).toBe(201);
    const id = created.body.policy.id;
    expect(created.body).toMatchObject({ policy: { name: "github-repo-guard", enabled: true, builtIn: false, activeVersion: 1 }, version: { version: 1 } });
    settle();
    expect(await decide(push)).toBe("allow");
    expect(await decide({ ...push, operation: "delete", access: "delete" })).toBe("deny");

    const v2 = await post(
      versionsRoute.POST,
      `/api/v1/policies/${id}/versions`,
      { cedar: '@escalate("true")\n@reason("pushing to a repository needs a person")\nforbid(principal, action in Warden::Action::"mutate", resource == Warden::Tool::"github:repo");', comment: "pushes too" },
      admin,
      { id },
    );
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ active: false, version: { version: 2, comment: "pushes too" } });
    settle();
    expect(await decide(push)).toBe("allow"); // not in force until activated

    const badVersion = await post(versionsRoute.POST, `/api/v1/policies/${id}/versions`, { cedar: "forbid(principal, action, resource)\nwhen { resource.connector.nope };" }, admin, { id });
    expect(badVersion.status).toBe(400);
    expect(badVersion.body.error.fields[0].message).toMatch(/^line 2, column \d+: /);

    const engineBefore = (await h.rt.policies.current()).version;
    const act = await post(activateRoute.POST, `/api/v1/policies/${id}/activate`, { version: 2, reason: "pushes need review" }, admin, { id });
    expect(act.status).toBe(200);
    expect(act.body.policy.activeVersion).toBe(2);
    settle();
    expect((await h.rt.policies.current()).version).not.toBe(engineBefore);
    expect(await decide(push)).toBe("escalate");
    expect(await decide(read)).toBe("allow");

    expect((await post(activateRoute.POST, `/api/v1/policies/${id}/activate`, { version: 2, reason: "again" }, admin, { id })).status).toBe(409);
    expect((await post(activateRoute.POST, `/api/v1/policies/${id}/activate`, { version: 9, reason: "nope" }, admin, { id })).status).toBe(400);

    const [createdEvt] = await auditOf("policy.created", id);
    expect(createdEvt.detail).toMatchObject({ name: "github-repo-guard", version: 1, effects: { forbid: 1 }, diff: { added: 2, removed: 0 } });
    const [addedEvt] = await auditOf("policy.version_added", id);
    expect(addedEvt.detail).toMatchObject({ version: 2, diff: { against: 1, added: expect.any(Number), removed: expect.any(Number) } });
    const [activatedEvt] = await auditOf("policy.activated", id);
    expect(activatedEvt.detail).toMatchObject({ from: 1, to: 2, reason: "pushes need review", effects: { escalate: 1 } });

    const detail = await call(H(policyRoute.GET), { token: analyst, path: `/api/v1/policies/${id}`, params: { id } });
    expect(detail.status).toBe(200);
    expect(detail.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(detail.body.active.version).toBe(2);
  });

  it("disabling a guardrail removes its effect; enabling brings it back; both audited with the reason", async () => {
    const id = await idOf("restricted-data-stays-internal");
    settle();
    expect(await decide(leak)).toBe("deny");
    const off = await post(disableRoute.POST, `/api/v1/policies/${id}/disable`, { reason: "testing the exception path" }, admin, { id });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ policy: { enabled: false }, warnings: [] });
    settle();
    expect(await decide(leak)).toBe("allow");
    expect((await post(disableRoute.POST, `/api/v1/policies/${id}/disable`, { reason: "again" }, admin, { id })).status).toBe(409);
    expect((await post(disableRoute.POST, `/api/v1/policies/${id}/disable`, {}, admin, { id })).status).toBe(400);
    const on = await post(enableRoute.POST, `/api/v1/policies/${id}/enable`, { reason: "exception tested" }, admin, { id });
    expect(on.body.policy.enabled).toBe(true);
    settle();
    expect(await decide(leak)).toBe("deny");
    expect((await auditOf("policy.disabled", id))[0].detail).toMatchObject({ reason: "testing the exception path", to: "disabled" });
    expect((await auditOf("policy.enabled", id))[0].detail).toMatchObject({ reason: "exception tested", to: "enabled" });
  });

  it("allows disabling baseline-permit with a warning that nothing is permitted", async () => {
    const id = await idOf("baseline-permit");
    const off = await post(disableRoute.POST, `/api/v1/policies/${id}/disable`, { reason: "lockdown drill" }, admin, { id });
    expect(off.status).toBe(200);
    expect(off.body.warnings.join(" ")).toMatch(/denied/);
    settle();
    expect(await decide(read)).toBe("deny");
    expect((await auditOf("policy.disabled", id))[0].detail).toMatchObject({ warnings: [expect.stringMatching(/denied/)] });
    await post(enableRoute.POST, `/api/v1/policies/${id}/enable`, { reason: "drill over" }, admin, { id });
    settle();
    expect(await decide(read)).toBe("allow");
  });

  it("lets every role read, only admins change, and treats unknown ids as 404", async () => {
    const list = await call(H(policiesRoute.GET), { token: analyst, path: "/api/v1/policies" });
    expect(list.status).toBe(200);
    const guard = list.body.items.find((p: { name: string }) => p.name === "github-repo-guard");
    expect(guard).toMatchObject({ enabled: true, builtIn: false, activeVersion: 2, versionCount: 2, effects: { escalate: 1 } });
    expect(list.body.items.find((p: { name: string }) => p.name === "baseline-permit")).toMatchObject({ builtIn: true, effects: { permit: 1 } });
    const builtIns = await call(H(policiesRoute.GET), { token: analyst, path: "/api/v1/policies?builtIn=false" });
    expect(builtIns.body.items.map((p: { name: string }) => p.name)).toEqual(["github-repo-guard"]);

    const id = guard.id;
    const before = await counts();
    expect((await post(policiesRoute.POST, "/api/v1/policies", { name: "analyst-policy", cedar: "permit(principal, action, resource);" }, analyst)).status).toBe(403);
    expect((await post(versionsRoute.POST, `/x`, { cedar: "permit(principal, action, resource);" }, analyst, { id })).status).toBe(403);
    expect((await post(activateRoute.POST, `/x`, { version: 1, reason: "because" }, analyst, { id })).status).toBe(403);
    expect((await post(disableRoute.POST, `/x`, { reason: "because" }, analyst, { id })).status).toBe(403);
    expect((await post(enableRoute.POST, `/x`, { reason: "because" }, analyst, { id })).status).toBe(403);
    expect(await counts()).toEqual(before);
    expect((await call(H(policiesRoute.GET), { path: "/api/v1/policies" })).status).toBe(401);

    for (const unknown of [randomUUID(), "not-a-uuid"]) {
      expect((await call(H(policyRoute.GET), { token: analyst, params: { id: unknown } })).status).toBe(404);
      expect((await post(versionsRoute.POST, "/x", { cedar: "permit(principal, action, resource);" }, admin, { id: unknown })).status).toBe(404);
      expect((await post(activateRoute.POST, "/x", { version: 1, reason: "because" }, admin, { id: unknown })).status).toBe(404);
      expect((await post(disableRoute.POST, "/x", { reason: "because" }, admin, { id: unknown })).status).toBe(404);
    }
  });

  it("keeps the audit chain intact", async () => {
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });
});
