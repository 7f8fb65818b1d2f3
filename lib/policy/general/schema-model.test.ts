import { schemaToJsonWithResolvedTypes } from "@cedar-policy/cedar-wasm/nodejs";
import { describe, expect, it } from "vitest";
import { CERTIFICATION_SCHEMA } from "./certification-fixture";
import { schemaModel, schemaModelFromText, type SchemaModel } from "./schema-model";

function model(text: string): SchemaModel {
  const r = schemaModelFromText(text);
  if (!r.ok) throw new Error(r.errors.join("; "));
  return r.model;
}

const RICH = `
namespace Acme {
  type Address = { city: String, zip?: String };
  type Meta = { level: Long, labels: Set<String>, home: Address };
  entity team;
  entity org;
  entity user in [team, org] = { name: String, "age"?: Long, admin: Bool, meta?: Meta, manager?: user, ip?: ipaddr, budget?: decimal };
  entity doc in [Shared::folder] = { owner: user, viewers: Set<user>, folderRef?: Shared::folder };
  entity Color enum ["red", "green"];
  action view, edit in [mutate] appliesTo { principal: [user], resource: [doc], context: { action: { dryRun?: Bool }, ticket?: String } };
  action mutate;
  action purge in [edit] appliesTo { principal: user, resource: doc };
}
namespace Shared { entity folder in [folder]; }
`;

describe("schemaModel", () => {
  it("reads entity types: attributes with their Cedar types, optional flags and allowed parents", () => {
    const m = model(RICH);
    const acme = m.namespaces.get("Acme")!;
    const user = acme.types.get("user")!;
    expect(user.qualified).toBe("Acme::user");
    expect(user.parents).toEqual(["Acme::team", "Acme::org"]);
    expect(user.attrs.get("name")).toEqual({ type: { kind: "String" }, required: true });
    expect(user.attrs.get("age")).toEqual({ type: { kind: "Long" }, required: false });
    expect(user.attrs.get("admin")).toEqual({ type: { kind: "Bool" }, required: true });
    expect(user.attrs.get("manager")).toEqual({ type: { kind: "Entity", type: "Acme::user" }, required: false });
    expect(user.attrs.get("ip")).toEqual({ type: { kind: "Extension", name: "ipaddr" }, required: false });
    expect(user.attrs.get("budget")).toEqual({ type: { kind: "Extension", name: "decimal" }, required: false });
    const doc = acme.types.get("doc")!;
    expect(doc.parents).toEqual(["Shared::folder"]);
    expect(doc.attrs.get("viewers")?.type).toEqual({ kind: "Set", element: { kind: "Entity", type: "Acme::user" } });
    expect(doc.attrs.get("folderRef")?.type).toEqual({ kind: "Entity", type: "Shared::folder" });
    expect(acme.types.get("Color")).toMatchObject({ enumIds: ["red", "green"], parents: [] });
    expect(m.entityTypes.get("Shared::folder")?.parents).toEqual(["Shared::folder"]);
  });

  it("resolves common types, nested ones included", () => {
    const meta = model(RICH).namespaces.get("Acme")!.types.get("user")!.attrs.get("meta")!;
    expect(meta.required).toBe(false);
    if (meta.type.kind !== "Record") throw new Error("meta must be a record");
    expect(meta.type.attrs.get("labels")?.type).toEqual({ kind: "Set", element: { kind: "String" } });
    const home = meta.type.attrs.get("home")!.type;
    if (home.kind !== "Record") throw new Error("home must be a record");
    expect(home.attrs.get("city")).toEqual({ type: { kind: "String" }, required: true });
    expect(home.attrs.get("zip")).toEqual({ type: { kind: "String" }, required: false });
  });

  it("reads actions: appliesTo, the context record, and groups transitively", () => {
    const acme = model(RICH).namespaces.get("Acme")!;
    const edit = acme.actions.get("edit")!;
    expect(edit.uid).toEqual({ type: "Acme::Action", id: "edit" });
    expect(edit.principals).toEqual(["Acme::user"]);
    expect(edit.resources).toEqual(["Acme::doc"]);
    expect(edit.groups).toEqual([{ type: "Acme::Action", id: "mutate" }]);
    expect([...edit.context.keys()].sort()).toEqual(["action", "ticket"]);
    const actionProps = edit.context.get("action")!.type;
    expect(actionProps.kind === "Record" && actionProps.attrs.get("dryRun")).toEqual({ type: { kind: "Bool" }, required: false });
    const purge = acme.actions.get("purge")!;
    expect(purge.groups.map((g) => g.id).sort()).toEqual(["edit", "mutate"]);
    expect(purge.context.size).toBe(0);
    expect(acme.actions.get("mutate")).toMatchObject({ principals: [], resources: [], groups: [] });
  });

  it("models the certification fixture", () => {
    const cert = model(CERTIFICATION_SCHEMA).namespaces.get("Certification")!;
    expect([...cert.types.keys()].sort()).toEqual(["group", "record", "user"]);
    expect(cert.types.get("user")).toMatchObject({ parents: ["Certification::group"] });
    const read = cert.actions.get("read")!;
    expect(read).toMatchObject({ principals: ["Certification::user"], resources: ["Certification::record"], groups: [] });
    expect(read.context.get("action")).toEqual({ type: { kind: "Record", attrs: new Map([["soft", { type: { kind: "Bool" }, required: false }]]) }, required: true });
  });

  it("gives the same model from the resolved-types JSON", () => {
    const resolved = schemaToJsonWithResolvedTypes(RICH);
    if (resolved.type !== "success") throw new Error("schema must parse");
    const a = schemaModel(resolved.json);
    if (!a.ok) throw new Error(a.errors.join("; "));
    const b = model(RICH);
    expect(a.model.entityTypes).toEqual(b.entityTypes);
    expect(a.model.namespaces.get("Acme")!.actions).toEqual(b.namespaces.get("Acme")!.actions);
  });

  it("refuses the Warden namespace, the empty one, tags and a reserved context attribute", () => {
    const refused = (text: string) => {
      const r = schemaModelFromText(text);
      return r.ok ? [] : r.errors;
    };
    expect(refused(`namespace Warden { entity Agent; }`)).toEqual([expect.stringContaining("reserved for Warden")]);
    expect(refused(`namespace Warden::Sub { entity Agent; }`)).toEqual([expect.stringContaining("reserved for Warden")]);
    expect(refused(`entity user; action read appliesTo { principal: user, resource: user };`)).toEqual([expect.stringContaining("namespace Name")]);
    expect(refused(`namespace A { entity user tags String; }`)).toEqual([expect.stringContaining("tags are not supported")]);
    expect(refused(`namespace A { entity u; action r appliesTo { principal: u, resource: u, context: { approval: String } }; }`)).toEqual([
      expect.stringContaining("context.approval is reserved"),
    ]);
    expect(refused(`namespace A { entity u; action r appliesTo { principal: u, resource: u, context: { action: String } }; }`)).toEqual([
      expect.stringContaining("must be a record"),
    ]);
    expect(refused(`namespace A { entity u; }`)).toEqual([]);
  });

  it("reports an unknown type name instead of guessing", () => {
    const json = { A: { entityTypes: { u: { shape: { type: "Record" as const, attributes: { x: { type: "EntityOrCommon" as const, name: "Nope" } } } } }, actions: {} } };
    const r = schemaModel(json);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([expect.stringContaining("unknown type Nope")]);
  });
});
