import { describe, expect, it } from "vitest";
import { namespaceSchema, parseGeneralSchema } from "./schema-source";

// The certification fixture's schema (docs/authzen-pdp-plan.md, section 2).
const CERT = `namespace Certification {
  entity group;
  entity user in [group] = { "role"?: String };
  entity record = { "status"?: String };
  type ActionProperties = { "soft"?: Bool };
  type RequestContext = { "action": ActionProperties };
  action "read", "write", "delete" appliesTo { principal: [user], resource: [record], context: RequestContext };
}`;

const errorsOf = (text: string) => {
  const p = parseGeneralSchema(text);
  if (p.ok) throw new Error("expected a refusal");
  return p.errors;
};

describe("parseGeneralSchema", () => {
  it("accepts the certification schema and names its namespaces", () => {
    const p = parseGeneralSchema(`${CERT}\nnamespace Billing { entity invoice; }`);
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.namespaces).toEqual(["Billing", "Certification"]);
    expect(Object.keys(namespaceSchema(p.json, "Certification"))).toEqual(["Certification"]);
    expect(namespaceSchema(p.json, "Nope")).toEqual({});
  });

  it("accepts an empty document (no general namespace at all)", () => {
    expect(parseGeneralSchema("// nothing yet\n")).toMatchObject({ ok: true, namespaces: [] });
  });

  it("reports a syntax error at its line and column", () => {
    const [e] = errorsOf("namespace A {\n  entity x;\n}\n\nnamespace B {\n  entity y = { a: String\n}\n");
    expect(e).toMatchObject({ line: 7, column: 2 }); // just after the `}` that ended the document early
    expect(e.message).not.toMatch(/failed to parse/);
  });

  it("reports an unknown type where it is written, not at the start", () => {
    const [e] = errorsOf("namespace A {\n  entity x;\n  entity y = { owner: Strin };\n}");
    expect(e).toMatchObject({ line: 3, column: 23 });
    expect(e.message).toContain("Strin");
    const [a] = errorsOf('namespace A {\n  entity x;\n  action r in [q] appliesTo { principal: [x], resource: [x] };\n}');
    expect(a.message).toContain("undeclared action");
  });

  it("refuses the Warden namespace, top-level declarations and cross-namespace references", () => {
    expect(errorsOf("namespace Other { entity a; }\nnamespace Warden {\n  entity x;\n}")[0]).toMatchObject({ line: 2, column: 1, message: expect.stringContaining("reserved") });
    expect(errorsOf("namespace Warden::Extra { entity x; }")[0].message).toContain("reserved");
    expect(errorsOf("// types\nentity loose;\nnamespace A { entity x; }")[0]).toMatchObject({ line: 2, column: 1, message: expect.stringContaining("namespace") });
    expect(errorsOf('@doc("billing")\nnamespace A { entity x; }\nentity loose;')[0]).toMatchObject({ line: 3, column: 1 });
    const [cross] = errorsOf("namespace A {\n  entity x;\n}\nnamespace B {\n  entity y in [A::x];\n}");
    expect(cross).toMatchObject({ line: 5, column: 16, message: expect.stringContaining("namespace B must be self-contained") });
  });
});
