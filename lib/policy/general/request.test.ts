import { describe, expect, it } from "vitest";
import { CERTIFICATION_ENTITIES, CERTIFICATION_SCHEMA } from "./certification-fixture";
import { MemoryEntities } from "./memory-entities";
import { cedarRequestOf, resolveGeneralRequest, toGeneralCedarRequest, type GeneralItem } from "./request";
import { schemaModelFromText, type SchemaModel } from "./schema-model";

function model(text: string): SchemaModel {
  const r = schemaModelFromText(text);
  if (!r.ok) throw new Error(r.errors.join("; "));
  return r.model;
}

const CERT = model(CERTIFICATION_SCHEMA);
const store = new MemoryEntities(CERTIFICATION_ENTITIES);
const item = (o: Partial<GeneralItem> = {}): GeneralItem => ({
  namespace: "Certification",
  subject: { type: "user", id: "alice" },
  action: { name: "read" },
  resource: { type: "record", id: "record-1" },
  ...o,
});
const staff = { type: "Certification::group", id: "staff" };

describe("toGeneralCedarRequest", () => {
  it("builds namespaced uids, stored attributes and parents, and context.action", () => {
    const r = toGeneralCedarRequest(CERT, store, item({ subject: { type: "user", id: "bob" }, action: { name: "delete", properties: { soft: true } } }));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.cedar).toEqual({
      principal: { type: "Certification::user", id: "bob" },
      action: { type: "Certification::Action", id: "delete" },
      resource: { type: "Certification::record", id: "record-1" },
      context: { action: { soft: true } },
      entities: [
        { uid: { type: "Certification::user", id: "bob" }, attrs: { role: "admin" }, parents: [staff] },
        { uid: { type: "Certification::record", id: "record-1" }, attrs: { status: "active" }, parents: [] },
      ],
    });
  });

  it("request properties override stored ones attribute by attribute; undeclared ones are dropped", () => {
    const r = toGeneralCedarRequest(
      CERT,
      store,
      item({
        subject: { type: "user", id: "bob", properties: { department: "Sales" } },
        action: { name: "read", properties: { method: "GET" } },
        resource: { type: "record", id: "record-1", properties: { status: "archived", owner: "bob" } },
      }),
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.cedar.entities.map((e) => e.attrs)).toEqual([{ role: "admin" }, { status: "archived" }]);
    expect(r.dropped).toEqual(["subject.properties.department", "resource.properties.owner", "action.properties.method"]);
  });

  it("an id the store does not hold has its request properties only, and no parents", () => {
    const r = resolveGeneralRequest(CERT, store, item({ subject: { type: "user", id: "mallory", properties: { role: "admin" } } }));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.request.principal).toEqual({ uid: { type: "Certification::user", id: "mallory" }, attrs: { role: "admin" }, ancestors: [] });
  });

  it("an unknown type or action, a wrong property type and an action that does not apply are issues with paths", () => {
    const issues = (i: GeneralItem) => {
      const r = resolveGeneralRequest(CERT, store, i);
      return r.ok ? [] : r.issues.map((x) => `${x.path}:${x.code}`);
    };
    expect(issues(item({ subject: { type: "robot", id: "r2" } }))).toEqual(["subject.type:unknown_type"]);
    expect(issues(item({ action: { name: "fly" } }))).toEqual(["action.name:unknown_action"]);
    expect(issues(item({ namespace: "Nope" }))).toEqual([":unknown_type"]);
    expect(issues(item({ subject: { type: "user", id: "alice", properties: { role: 1 } } }))).toEqual(["subject.properties.role:wrong_type"]);
    expect(issues(item({ action: { name: "delete", properties: { soft: "yes" } } }))).toEqual(["action.properties.soft:wrong_type"]);
    expect(issues(item({ resource: { type: "group", id: "staff" } }))).toEqual(["resource.type:not_applicable"]);
  });

  it("follows entity-typed attributes to stored entities (bounded), with their ancestors", () => {
    const m = model(`namespace D {
      entity team;
      entity user in [team] = { manager?: user, level?: Long };
      entity doc = { owner: user };
      action read appliesTo { principal: [user], resource: [doc] };
    }`);
    const s = new MemoryEntities([
      { namespace: "D", type: "team", id: "t", properties: {}, parents: [] },
      { namespace: "D", type: "user", id: "boss", properties: { level: 9 }, parents: [{ type: "D::team", id: "t" }] },
      { namespace: "D", type: "user", id: "ann", properties: { manager: { __entity: { type: "D::user", id: "boss" } } }, parents: [] },
      { namespace: "D", type: "doc", id: "d1", properties: { owner: { __entity: { type: "D::user", id: "ann" } } }, parents: [] },
    ]);
    const r = resolveGeneralRequest(m, s, { namespace: "D", subject: { type: "user", id: "zed" }, action: { name: "read" }, resource: { type: "doc", id: "d1" } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.request.related.map((e) => [e.uid.id, e.ancestors.map((a) => a.id)])).toEqual([
      ["ann", []],
      ["boss", ["t"]],
    ]);
  });

  it("the same entity on both sides is one Cedar entity", () => {
    const m = model(`namespace P { entity user = { name?: String, age?: Long }; action view appliesTo { principal: [user], resource: [user] }; }`);
    const s = new MemoryEntities([{ namespace: "P", type: "user", id: "u", properties: { name: "stored", age: 3 }, parents: [] }]);
    const r = resolveGeneralRequest(m, s, {
      namespace: "P",
      subject: { type: "user", id: "u", properties: { name: "subject" } },
      action: { name: "view" },
      resource: { type: "user", id: "u", properties: { age: 4 } },
    });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const cedar = cedarRequestOf(r.request);
    expect(cedar.entities).toEqual([{ uid: { type: "P::user", id: "u" }, attrs: { name: "subject", age: 4 }, parents: [] }]);
  });

  it("pruning keeps every entity and only the attributes and context keys a policy names", () => {
    const r = resolveGeneralRequest(CERT, store, item({ subject: { type: "user", id: "bob" }, action: { name: "delete", properties: { soft: true } } }));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const pruned = cedarRequestOf(r.request, new Set(["status", "permit", "resource"]));
    expect(pruned.context).toEqual({});
    expect(pruned.entities).toEqual([
      { uid: { type: "Certification::user", id: "bob" }, attrs: {}, parents: [staff] },
      { uid: { type: "Certification::record", id: "record-1" }, attrs: { status: "active" }, parents: [] },
    ]);
  });
});

describe("MemoryEntities", () => {
  it("gives every ancestor once, through cycles, and forgets them when an edge changes", () => {
    const g = (id: string) => ({ type: "N::g", id });
    const s = new MemoryEntities([
      { namespace: "N", type: "g", id: "a", properties: {}, parents: [g("b")] },
      { namespace: "N", type: "g", id: "b", properties: {}, parents: [g("c"), g("a")] },
      { namespace: "N", type: "g", id: "c", properties: {}, parents: [g("a"), g("missing")] },
    ]);
    expect(s.ancestors(g("a")).map((u) => u.id)).toEqual(["b", "c", "missing"]);
    expect(s.ancestors(g("c")).map((u) => u.id)).toEqual(["a", "missing", "b"]);
    expect(s.ancestors(g("nobody"))).toEqual([]);
    s.put({ namespace: "N", type: "g", id: "c", properties: {}, parents: [g("d")] });
    expect(s.ancestors(g("a")).map((u) => u.id)).toEqual(["b", "c", "d"]);
    s.delete("N", "g", "b");
    expect(s.ancestors(g("a")).map((u) => u.id)).toEqual(["b"]);
    expect(s.get("N", "g", "b")).toBeUndefined();
  });
});
