import { and, eq, inArray, sql } from "drizzle-orm";
import { isAuthorized } from "@cedar-policy/cedar-wasm/nodejs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as policyActivateRoute from "../../app/api/v1/policies/[id]/activate/route";
import * as policyDisableRoute from "../../app/api/v1/policies/[id]/disable/route";
import * as policyEnableRoute from "../../app/api/v1/policies/[id]/enable/route";
import * as policyVersionsRoute from "../../app/api/v1/policies/[id]/versions/route";
import * as policiesRoute from "../../app/api/v1/policies/route";
import * as validateRoute from "../../app/api/v1/policies/validate/route";
import * as schemaRoute from "../../app/api/v1/authz/schema/route";
import * as schemaValidateRoute from "../../app/api/v1/authz/schema/validate/route";
import * as activateRoute from "../../app/api/v1/authz/schema/versions/[version]/activate/route";
import { verifyAuditChain } from "../../lib/audit/verify";
import { rows } from "../../lib/db/client";
import { auditEvents, authzSchemaVersions, policies } from "../../lib/db/schema";
import type { PolicyRequest } from "../../lib/policy/cedar/request";
import { ensureGuardrails } from "../../lib/services/policies/guardrails";
import { loadActiveSet } from "../../lib/services/policies/policy-set";
import { CERTIFICATION_POLICIES, CERTIFICATION_SCHEMA } from "../authzen/certification-fixture";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "./db";
import { push } from "./policy-requests";
import { personWithToken, routeCaller, type RouteHandler } from "./route-helpers";

const leaks: string[] = [];
const call = routeCaller((text) => {
  for (const l of leaks) expect(text).not.toContain(l);
});
const H = (h: unknown) => h as RouteHandler;

const leak: PolicyRequest = { ...push, connector: { ...push.connector, name: "email", kind: "messaging" }, tool: "send", operation: "message", sensitivity: "restricted", destination: "email:x@partner.example", destinationExternal: true };
const quarantined: PolicyRequest = { ...push, agent: { ...push.agent, status: "quarantined" } };

// Without the `delete` action, cert-soft-delete no longer validates.
const WITHOUT_DELETE = CERTIFICATION_SCHEMA.replace('action "read", "write", "delete"', 'action "read", "write"');
// Without `status` on records every policy still validates (`resource has status` is simply
// false), but cert-archived-needs-admin can no longer match: a warning, not a refusal.
const WITHOUT_STATUS = CERTIFICATION_SCHEMA.replace('entity record = { "status"?: String };', "entity record;");
const BILLING = "namespace Billing {\n  entity account;\n  entity invoice in [account] = { amount: Long };\n  action pay appliesTo { principal: [account], resource: [invoice] };\n}\n";

describe.each(DB_KINDS)("general schema and namespaced policies on %s", (kind) => {
  let h: TestDatabase;
  // active-engine.ts re-checks its change marker at most every 500 ms: move the clock past it.
  const settle = () => h.clock.advance(600);
  let admin: string;
  let analyst: string;

  const post = (handler: unknown, path: string, body: unknown, token = admin, params: Record<string, string> = {}) => call(H(handler), { token, path, body, params });
  const get = (handler: unknown, path: string, token = admin) => call(H(handler), { token, path });
  const counts = async () => {
    const [v] = await h.db.select({ n: sql<number>`count(*)::int` }).from(authzSchemaVersions);
    const [p] = await h.db.select({ n: sql<number>`count(*)::int` }).from(policies);
    const [a] = await h.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents);
    return { versions: v.n, policies: p.n, audit: a.n };
  };
  const activeVersion = async () => (await h.db.select({ v: authzSchemaVersions.version }).from(authzSchemaVersions).where(eq(authzSchemaVersions.active, true)))[0]?.v ?? null;
  const agentView = async () => {
    const engine = await h.rt.policies.current();
    return { version: engine.version, decisions: [push, leak, quarantined].map((r) => engine.decide(r)) };
  };

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    await ensureGuardrails(h.db);
    admin = (await personWithToken(h.db, `admin-${kind}@example.com`, "admin")).token;
    analyst = (await personWithToken(h.db, `analyst-${kind}@example.com`, "analyst")).token;
    leaks.push(admin, analyst);
  });
  afterAll(async () => h?.close());

  it("has the shared security cases: no credentials 401, a bad token 401, a wrong role 403, an unknown version 404", async () => {
    expect((await call(H(schemaRoute.GET), { path: "/api/v1/authz/schema" })).status).toBe(401);
    expect((await call(H(schemaRoute.POST), { path: "/api/v1/authz/schema", body: { cedar: CERTIFICATION_SCHEMA } })).status).toBe(401);
    expect((await call(H(schemaValidateRoute.POST), { path: "/x", body: { cedar: CERTIFICATION_SCHEMA } })).status).toBe(401);
    expect((await get(schemaRoute.GET, "/api/v1/authz/schema", "wdn_pat_" + "x".repeat(43))).status).toBe(401);
    expect((await post(schemaRoute.POST, "/api/v1/authz/schema", { cedar: CERTIFICATION_SCHEMA }, analyst)).status).toBe(403);
    expect((await post(activateRoute.POST, "/x", { reason: "because" }, analyst, { version: "1" })).status).toBe(403);
    for (const version of ["1", "999", "0", "x", "1e3"]) {
      expect((await post(activateRoute.POST, "/x", { reason: "because" }, admin, { version })).status, version).toBe(404);
    }
    // Every role may read the schema, as every role reads policies.
    const read = await get(schemaRoute.GET, "/api/v1/authz/schema", analyst);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ active: null, versions: [], namespaces: [{ namespace: "Warden", builtIn: true }] });
  });

  it("refuses a syntax error at its line and column, a reserved namespace and a missing reason, writing nothing", async () => {
    const before = await counts();
    const broken = CERTIFICATION_SCHEMA.replace('entity record = { "status"?: String };', 'entity record = { "status"?: String ;');
    const syntax = await post(schemaRoute.POST, "/api/v1/authz/schema", { cedar: broken, activate: true, reason: "first schema" });
    expect(syntax.status).toBe(400);
    expect(syntax.body.error.code).toBe("validation_failed");
    expect(syntax.body.error.fields[0]).toMatchObject({ path: "cedar", message: expect.stringMatching(/^line 4, column \d+: /) });
    const unknownType = await post(schemaRoute.POST, "/api/v1/authz/schema", { cedar: CERTIFICATION_SCHEMA.replace('"role"?: String', '"role"?: Strng') });
    expect(unknownType.body.error.fields[0].message).toMatch(/^line 3, column 39: .*Strng/);
    const warden = await post(schemaRoute.POST, "/api/v1/authz/schema", { cedar: `${CERTIFICATION_SCHEMA}namespace Warden {\n  entity Agent;\n}\n` });
    expect(warden.status).toBe(400);
    expect(warden.body.error.fields[0].message).toMatch(/^line 9, column 1: .*reserved/);
    const noReason = await post(schemaRoute.POST, "/api/v1/authz/schema", { cedar: CERTIFICATION_SCHEMA, activate: true });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields[0].path).toBe("reason");
    // The editor's check gives the same positions, for any role, and writes nothing.
    const check = await post(schemaValidateRoute.POST, "/x", { cedar: broken }, analyst);
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ ok: false, errors: [{ line: 4, column: expect.any(Number) }], blocking: [] });
    expect((await post(schemaValidateRoute.POST, "/x", { cedar: CERTIFICATION_SCHEMA }, analyst)).body).toMatchObject({ ok: true, errors: [], namespaces: ["Certification"] });
    expect(await counts()).toEqual(before);
  });

  it("saves and activates the certification schema, auditing both in the change's own transaction", async () => {
    const saved = await post(schemaRoute.POST, "/api/v1/authz/schema", { cedar: CERTIFICATION_SCHEMA, comment: "AuthZEN certification", activate: true, reason: "load the certification fixture" });
    expect(saved.status).toBe(201);
    expect(saved.body.version).toMatchObject({ version: 1, active: true, namespaces: ["Certification"], comment: "AuthZEN certification" });
    const id = saved.body.version.id;

    const events = await h.db.select().from(auditEvents).where(and(eq(auditEvents.targetKind, "authz_schema"), eq(auditEvents.targetId, id)));
    expect(events.map((e) => e.action).sort()).toEqual(["authz_schema.activated", "authz_schema.version_added"]);
    expect(events.find((e) => e.action === "authz_schema.activated")?.detail).toMatchObject({
      version: 1,
      from: null,
      reason: "load the certification fixture",
      namespaces: { added: ["Certification"], removed: [], kept: [] },
    });
    // Same transaction: the schema row (inserted, then flagged active) and both audit rows carry
    // one transaction id.
    const [{ xmin: rowTx }] = rows<{ xmin: string }>(await h.db.execute(sql`select xmin::text as xmin from authz_schema_versions where id = ${id}`));
    const auditTx = rows<{ xmin: string }>(await h.db.execute(sql`select distinct xmin::text as xmin from audit_events where target_id = ${id}`));
    expect(auditTx).toEqual([{ xmin: rowTx }]);

    const read = await get(schemaRoute.GET, "/api/v1/authz/schema", analyst);
    expect(read.body.active).toMatchObject({ version: 1, cedar: CERTIFICATION_SCHEMA, namespaces: ["Certification"] });
    expect(read.body.namespaces.map((n: { namespace: string }) => n.namespace)).toEqual(["Warden", "Certification"]);
    expect(read.body.active.json).toBeUndefined();
    expect((await post(schemaRoute.POST, "/api/v1/authz/schema", { cedar: CERTIFICATION_SCHEMA })).status).toBe(409);
    expect((await post(activateRoute.POST, "/x", { reason: "again" }, admin, { version: "1" })).status).toBe(409);
  });

  it("validates general policies against their namespace, and refuses a namespace the schema lacks", async () => {
    const agentBefore = await agentView();
    for (const p of CERTIFICATION_POLICIES) {
      const created = await post(policiesRoute.POST, "/api/v1/policies", { namespace: "Certification", ...p });
      expect(created.status, p.name).toBe(201);
      expect(created.body.policy).toMatchObject({ name: p.name, namespace: "Certification", activeVersion: 1 });
    }
    const audit = await h.db.select().from(auditEvents).where(and(eq(auditEvents.action, "policy.created"), eq(auditEvents.targetId, (await h.db.select({ id: policies.id }).from(policies).where(eq(policies.name, "cert-read")))[0].id)));
    expect(audit[0].detail).toMatchObject({ name: "cert-read", namespace: "Certification" });

    // Agent vocabulary is unknown in Certification, and Certification's in Warden.
    const agentText = await post(policiesRoute.POST, "/api/v1/policies", { namespace: "Certification", name: "cert-agent", cedar: 'permit(principal,\n  action == Warden::Action::"read", resource);' });
    expect(agentText.status).toBe(400);
    expect(agentText.body.error.fields[0]).toMatchObject({ path: "cedar", message: expect.stringMatching(/^line 2, column \d+: /) });
    const generalInWarden = await post(policiesRoute.POST, "/api/v1/policies", { name: "warden-cert", cedar: CERTIFICATION_POLICIES[0].cedar });
    expect(generalInWarden.status).toBe(400);
    const missing = await post(policiesRoute.POST, "/api/v1/policies", { namespace: "Billing", name: "billing-pay", cedar: "permit(principal, action, resource);" });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields[0].path).toBe("namespace");
    expect((await post(policiesRoute.POST, "/api/v1/policies", { namespace: "not a namespace", name: "x-y", cedar: "permit(principal, action, resource);" })).status).toBe(400);

    // The editor validates against the namespace too.
    const check = await post(validateRoute.POST, "/api/v1/policies/validate", { namespace: "Certification", cedar: "permit(principal, action, resource)\nwhen { resource.colour == 1 };" }, analyst);
    expect(check.body).toMatchObject({ ok: false, errors: [{ line: 2 }] });
    expect((await post(validateRoute.POST, "/api/v1/policies/validate", { namespace: "Certification", cedar: CERTIFICATION_POLICIES[4].cedar }, analyst)).body.ok).toBe(true);
    expect((await post(validateRoute.POST, "/api/v1/policies/validate", { namespace: "Nope", cedar: "permit(principal, action, resource);" }, analyst)).status).toBe(400);

    // The list filters by namespace.
    const listed = await get(policiesRoute.GET, "/api/v1/policies?namespace=Certification&limit=50", analyst);
    expect(listed.body.items.map((p: { name: string }) => p.name).sort()).toEqual(CERTIFICATION_POLICIES.map((p) => p.name).sort());
    const warden = await get(policiesRoute.GET, "/api/v1/policies?namespace=Warden&limit=50", analyst);
    expect(warden.body.items.every((p: { namespace: string; name: string }) => p.namespace === "Warden" && !p.name.startsWith("cert-"))).toBe(true);
    expect(warden.body.items.length).toBeGreaterThan(0);

    // The agent engine did not even recompile: general policies are not in its set.
    settle();
    expect(await agentView()).toEqual(agentBefore);
  });

  it("checks a general policy's new versions, activation and enabling against its namespace", async () => {
    const agentBefore = await agentView();
    const [{ id }] = await h.db.select({ id: policies.id }).from(policies).where(eq(policies.name, "cert-read"));
    const agentWords = await post(policyVersionsRoute.POST, "/x", { cedar: 'permit(principal,\n  action == Warden::Action::"read", resource);' }, admin, { id });
    expect(agentWords.status).toBe(400);
    expect(agentWords.body.error.fields[0].message).toMatch(/^line 2, column \d+: /);
    const widened = await post(policyVersionsRoute.POST, "/x", { cedar: CERTIFICATION_POLICIES[0].cedar.replace('"read"', '"write"'), comment: "staff write" }, admin, { id });
    expect(widened.status).toBe(201);
    expect((await post(policyActivateRoute.POST, "/x", { version: 2, reason: "try writes" }, admin, { id })).status).toBe(200);
    expect((await post(policyActivateRoute.POST, "/x", { version: 1, reason: "back to reads" }, admin, { id })).status).toBe(200);
    const [activated] = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "policy.activated"), eq(auditEvents.targetId, id), eq(sql`${auditEvents.detail}->>'to'`, "2")));
    expect(activated.detail).toMatchObject({ name: "cert-read", namespace: "Certification", from: 1, to: 2 });

    const [soft] = await h.db.select({ id: policies.id }).from(policies).where(eq(policies.name, "cert-soft-delete"));
    const off = await post(policyDisableRoute.POST, "/x", { reason: "pause deletes" }, admin, { id: soft.id });
    expect(off.status).toBe(200);
    expect(off.body.warnings).toEqual([]); // other Certification permits remain; Warden's do not count
    expect((await post(policyEnableRoute.POST, "/x", { reason: "deletes again" }, admin, { id: soft.id })).status).toBe(200);
    settle();
    expect(await agentView()).toEqual(agentBefore);
  });

  it("refuses an activation that would break a policy in force, and keeps the active version", async () => {
    const before = await counts();
    const refused = await post(schemaRoute.POST, "/api/v1/authz/schema", { cedar: WITHOUT_DELETE, activate: true, reason: "drop delete" });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields[0]).toMatchObject({
      path: "policies",
      message: expect.stringMatching(/^namespace Certification, policy "cert-soft-delete" line 1, column \d+: .*delete/),
    });
    expect(await counts()).toEqual(before); // not even the version
    expect(await activeVersion()).toBe(1);
    const advice = await post(schemaValidateRoute.POST, "/x", { cedar: WITHOUT_DELETE }, analyst);
    expect(advice.body).toMatchObject({ ok: false, errors: [], blocking: [expect.stringContaining('"cert-soft-delete"')] });
    expect((await post(schemaValidateRoute.POST, "/x", { cedar: WITHOUT_STATUS }, analyst)).body).toMatchObject({ ok: true, notes: expect.arrayContaining([expect.stringContaining("\"cert-archived-needs-admin\" line 1, column 1: policy is impossible")]) });

    // Saved without activating, it is kept as a draft; activating it later is refused the same way.
    const draft = await post(schemaRoute.POST, "/api/v1/authz/schema", { cedar: WITHOUT_DELETE, comment: "draft" });
    expect(draft.status).toBe(201);
    expect(draft.body.version).toMatchObject({ version: 2, active: false });
    const later = await post(activateRoute.POST, "/x", { reason: "try it" }, admin, { version: "2" });
    expect(later.status).toBe(400);
    expect(later.body.error.fields[0].path).toBe("policies");
    expect(await activeVersion()).toBe(1);
    expect(await h.db.select().from(auditEvents).where(eq(auditEvents.targetId, draft.body.version.id))).toHaveLength(1); // version_added only

    // A change the validator accepts but that silently disarms a forbid is activated with a warning.
    const disarm = await post(schemaRoute.POST, "/api/v1/authz/schema", { cedar: WITHOUT_STATUS, activate: true, reason: "status moves elsewhere" });
    expect(disarm.status).toBe(201);
    expect(disarm.body.version).toMatchObject({ version: 3, active: true });
    expect(disarm.body.warnings.join("\n")).toContain('policy "cert-archived-needs-admin"');
    const back = await post(activateRoute.POST, "/x", { reason: "roll back: status is needed" }, admin, { version: "1" });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ version: { version: 1, active: true }, warnings: [] });
    const [event] = await h.db.select().from(auditEvents).where(and(eq(auditEvents.action, "authz_schema.activated"), eq(auditEvents.targetId, back.body.version.id), eq(sql`${auditEvents.detail}->>'from'`, "3")));
    expect(event.detail).toMatchObject({ version: 1, from: 3, reason: "roll back: status is needed" });
  });

  it("refuses removing a namespace that still holds policies, and removes an unused one", async () => {
    const withBilling = await post(schemaRoute.POST, "/api/v1/authz/schema", { cedar: CERTIFICATION_SCHEMA + BILLING, activate: true, reason: "add billing" });
    expect(withBilling.status).toBe(201);
    expect(withBilling.body.version).toMatchObject({ version: 4, active: true, namespaces: ["Billing", "Certification"] });

    const before = await counts();
    const dropCert = await post(schemaRoute.POST, "/api/v1/authz/schema", { cedar: BILLING, activate: true, reason: "drop certification" });
    expect(dropCert.status).toBe(400);
    expect(dropCert.body.error.fields[0]).toMatchObject({ path: "cedar", message: expect.stringContaining("namespace Certification is still used by 5 policies") });
    expect(await counts()).toEqual(before);

    const dropBilling = await post(schemaRoute.POST, "/api/v1/authz/schema", { cedar: `${CERTIFICATION_SCHEMA}// billing moved out\n`, activate: true, reason: "billing is unused" });
    expect(dropBilling.status).toBe(201);
    const [event] = await h.db.select().from(auditEvents).where(and(eq(auditEvents.action, "authz_schema.activated"), eq(auditEvents.targetId, dropBilling.body.version.id)));
    expect(event.detail).toMatchObject({ from: 4, namespaces: { added: [], removed: ["Billing"], kept: ["Certification"] } });
    // Back to the version with Billing, through the same checks.
    const back = await post(activateRoute.POST, "/x", { reason: "billing returns" }, admin, { version: "4" });
    expect(back.status).toBe(200);
    expect(await activeVersion()).toBe(4);
  });

  it("never lets a general policy reach agent decisions, nor the built-in baseline permit a general request", async () => {
    const agentBefore = await agentView();
    expect(agentBefore.decisions.map((d) => d.decision)).toEqual(["allow", "deny", "deny"]);
    // The widest possible general policies, both ways.
    expect((await post(policiesRoute.POST, "/api/v1/policies", { namespace: "Certification", name: "cert-permit-all", cedar: "permit(principal, action, resource);" })).status).toBe(201);
    expect((await post(policiesRoute.POST, "/api/v1/policies", { namespace: "Billing", name: "billing-forbid-all", cedar: "forbid(principal, action, resource);" })).status).toBe(201);
    settle();
    const agentAfter = await agentView();
    expect(agentAfter).toEqual(agentBefore);
    for (const d of agentAfter.decisions) expect(d.matched.map((m) => m.policyId).filter((id) => /^(cert|billing)-/.test(id))).toEqual([]);

    // The Certification set as a general engine loads it holds none of the agent guardrails;
    // evaluated the way Cedar would, baseline-permit (`permit(principal, action, resource)`)
    // would otherwise allow rule 8 (a hard delete), which the fixture says is false.
    const general = await h.db.transaction((tx) => loadActiveSet(tx, "Certification"));
    const warden = await h.db.transaction((tx) => loadActiveSet(tx, "Warden"));
    expect(general.map((r) => r.name)).not.toContain("baseline-permit");
    expect(warden.map((r) => r.name)).toContain("baseline-permit");
    expect(warden.map((r) => r.name).filter((n) => n.startsWith("cert-"))).toEqual([]);
    const hardDelete = (set: typeof general) =>
      isAuthorized({
        principal: { type: "Certification::user", id: "alice" },
        action: { type: "Certification::Action", id: "delete" },
        resource: { type: "Certification::record", id: "record-1" },
        context: { action: { soft: false } },
        policies: { staticPolicies: Object.fromEntries(set.filter((r) => r.name !== "cert-permit-all").map((r) => [r.name, r.cedar])) },
        entities: [
          { uid: { type: "Certification::group", id: "staff" }, attrs: {}, parents: [] },
          { uid: { type: "Certification::user", id: "alice" }, attrs: {}, parents: [{ type: "Certification::group", id: "staff" }] },
          { uid: { type: "Certification::record", id: "record-1" }, attrs: { status: "active" }, parents: [] },
        ],
      });
    const alone = hardDelete(general);
    expect(alone.type === "success" && alone.response.decision).toBe("deny");
    const mixed = hardDelete([...general, ...warden.filter((r) => r.name === "baseline-permit")]);
    expect(mixed.type === "success" && mixed.response.decision).toBe("allow");
  });

  it("keeps the audit chain intact", async () => {
    const names = (await h.db.select({ n: policies.name }).from(policies).where(inArray(policies.namespace, ["Certification", "Billing"]))).map((r) => r.n);
    expect(names).toHaveLength(CERTIFICATION_POLICIES.length + 2);
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });
});
