import { describe, expect, it } from "vitest";
import { CERTIFICATION_SCHEMA } from "./certification-fixture";
import { MAX_SET, coerceContext, coerceProperties } from "./coerce";
import { schemaModelFromText, type SchemaModel } from "./schema-model";

function model(text: string): SchemaModel {
  const r = schemaModelFromText(text);
  if (!r.ok) throw new Error(r.errors.join("; "));
  return r.model;
}

const M = model(`
namespace Acme {
  type Meta = { level: Long, note?: String };
  entity team;
  entity Color enum ["red", "green"];
  entity thing = {
    s?: String, b?: Bool, n?: Long, tags?: Set<String>, meta?: Meta, owner?: team, members?: Set<team>,
    price?: decimal, ip?: ipaddr, when?: datetime, ttl?: duration, color?: Color,
  };
  entity strict = { name: String, age?: Long };
  action go appliesTo { principal: [thing], resource: [thing], context: { action: { soft?: Bool }, ticket?: String, level?: Long } };
  action bare appliesTo { principal: [thing], resource: [thing] };
}`);

const req = (props: unknown) => coerceProperties(M, "Acme", "thing", props, "request");
const codes = (r: { issues: { path: string; code: string }[] }) => r.issues.map((i) => `${i.path}:${i.code}`);

describe("coerceProperties: each Cedar type", () => {
  it("maps JSON to Cedar JSON by the declared type", () => {
    const r = req({
      s: "x",
      b: true,
      n: -42,
      tags: ["a", "b"],
      meta: { level: 3, note: "n" },
      owner: "platform",
      members: [{ type: "team", id: "a" }, { type: "Acme::team", id: "b" }, "c"],
      price: "12.5",
      ip: "10.0.0.0/8",
      when: "2026-12-07T10:00:00Z",
      ttl: "1h30m",
      color: "red",
    });
    expect(r.issues).toEqual([]);
    expect(r.dropped).toEqual([]);
    expect(r.value).toEqual({
      s: "x",
      b: true,
      n: -42,
      tags: ["a", "b"],
      meta: { level: 3, note: "n" },
      owner: { __entity: { type: "Acme::team", id: "platform" } },
      members: [
        { __entity: { type: "Acme::team", id: "a" } },
        { __entity: { type: "Acme::team", id: "b" } },
        { __entity: { type: "Acme::team", id: "c" } },
      ],
      price: { __extn: { fn: "decimal", arg: "12.5" } },
      ip: { __extn: { fn: "ipaddr", arg: "10.0.0.0/8" } },
      when: { __extn: { fn: "datetime", arg: "2026-12-07T10:00:00Z" } },
      ttl: { __extn: { fn: "duration", arg: "1h30m" } },
      color: { __entity: { type: "Acme::Color", id: "red" } },
    });
  });

  it("is idempotent: its own output (Cedar JSON) coerces to itself", () => {
    const once = req({ owner: "t", members: ["a"], price: 3, ip: "::1", meta: { level: 1 } });
    expect(once.issues).toEqual([]);
    expect(once.value.price).toEqual({ __extn: { fn: "decimal", arg: "3.0" } });
    const twice = coerceProperties(M, "Acme", "thing", once.value, "store");
    expect(twice).toEqual({ value: once.value, issues: [], dropped: [] });
  });

  it("accepts IPv4, IPv6 and prefixes; refuses malformed addresses", () => {
    for (const ip of ["192.168.0.1", "0.0.0.0/0", "::", "::1", "fe80::1/64", "2001:db8:0:0:0:0:2:1", "::ffff:10.0.0.1", "1:2:3:4:5:6:7::"]) {
      expect(codes(req({ ip })), ip).toEqual([]);
    }
    for (const ip of ["256.0.0.1", "10.0.0", "010.0.0.1", "10.0.0.0/33", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "::1/129", "x", ""]) {
      expect(codes(req({ ip })), ip).toEqual(["ip:wrong_type"]);
    }
  });

  it("a declared attribute of the wrong type is an issue, whatever the mode", () => {
    const wrong = {
      s: 1,
      b: "true",
      n: 1.5,
      tags: "a",
      meta: [],
      owner: { type: "thing", id: "x" },
      price: "1.23456",
      ip: 10,
      when: "yesterday",
      ttl: "",
      color: "blue",
    };
    const expected = ["s", "b", "n", "tags", "meta", "owner", "price", "ip", "when", "ttl", "color"].map((k) => `${k}:wrong_type`);
    expect(codes(req(wrong))).toEqual(expected);
    expect(codes(coerceProperties(M, "Acme", "thing", wrong, "store"))).toEqual(expected);
    expect(req(wrong).value).toEqual({});
  });

  it("refuses unsafe integers and numbers that are not exact decimals", () => {
    expect(codes(req({ n: 2 ** 53 }))).toEqual(["n:wrong_type"]);
    expect(codes(req({ n: Number.MAX_SAFE_INTEGER }))).toEqual([]);
    expect(codes(req({ price: 1e21 }))).toEqual(["price:wrong_type"]);
    expect(codes(req({ price: 0.12345 }))).toEqual(["price:wrong_type"]);
    expect(codes(req({ price: "922337203685477.5808" }))).toEqual(["price:wrong_type"]);
  });

  it("reports a wrong element of a set or a nested record at its path", () => {
    expect(codes(req({ tags: ["a", 2, "c"], meta: { level: "high" } }))).toEqual(["tags[1]:wrong_type", "meta.level:wrong_type"]);
  });

  it("a nested record is given whole: its required attributes must be there", () => {
    expect(codes(req({ meta: { note: "n" } }))).toEqual(["meta.level:missing"]);
  });

  it("sets hold at most 1,000 elements", () => {
    const big = Array.from({ length: MAX_SET + 1 }, (_, i) => `t${i}`);
    expect(codes(req({ tags: big }))).toEqual(["tags:too_large"]);
    expect(codes(req({ tags: big.slice(1) }))).toEqual([]);
  });

  it("values nest at most 8 levels deep", () => {
    // depth 1 is the attribute itself: r0 { r1 { ... } }, 9 records deep is refused.
    const nested = (levels: number): string => (levels === 0 ? "Long" : `{ x: ${nested(levels - 1)} }`);
    const deep = model(`namespace D { entity e = { r8?: ${nested(8)}, r9?: ${nested(9)}, s9?: Set<Set<Set<Set<Set<Set<Set<Set<Set<Long>>>>>>>>> }; }`);
    const value = (levels: number): unknown => (levels === 0 ? 1 : { x: value(levels - 1) });
    const set = (levels: number): unknown => (levels === 0 ? 1 : [set(levels - 1)]);
    const c = (props: unknown) => coerceProperties(deep, "D", "e", props, "request");
    expect(codes(c({ r8: value(8) }))).toEqual([]);
    expect(c({ r8: value(8) }).value.r8).toEqual(value(8));
    expect(codes(c({ r9: value(9) }))).toEqual(["r9.x.x.x.x.x.x.x.x:too_deep"]);
    expect(codes(c({ s9: set(9) }))).toEqual(["s9[0][0][0][0][0][0][0][0]:too_deep"]);
  });

  it("an entity reference must name the declared type", () => {
    expect(codes(req({ owner: { type: "team" } }))).toEqual(["owner:wrong_type"]);
    expect(codes(req({ owner: { type: "team", id: 7 } }))).toEqual(["owner:wrong_type"]);
    expect(codes(req({ owner: { type: "team", id: "x", extra: 1 } }))).toEqual(["owner:wrong_type"]);
    expect(codes(req({ owner: { __entity: { type: "Acme::team", id: "x" } } }))).toEqual([]);
  });
});

describe("coerceProperties: undeclared attributes", () => {
  it("request mode drops them (AuthZEN's additional properties), nested ones too", () => {
    const r = req({ s: "x", department: "Sales", meta: { level: 1, color: "red" } });
    expect(r).toEqual({ value: { s: "x", meta: { level: 1 } }, issues: [], dropped: ["department", "meta.color"] });
  });

  it("store mode refuses them", () => {
    const r = coerceProperties(M, "Acme", "strict", { name: "n", department: "Sales" }, "store");
    expect(codes(r)).toEqual(["department:undeclared"]);
  });

  it("store mode requires the required attributes; request mode, being a partial override, does not", () => {
    expect(codes(coerceProperties(M, "Acme", "strict", { age: 3 }, "store"))).toEqual(["name:missing"]);
    expect(codes(coerceProperties(M, "Acme", "strict", { age: 3 }, "request"))).toEqual([]);
  });

  it("an unknown type and a non-object are issues", () => {
    expect(codes(coerceProperties(M, "Acme", "nope", {}, "request"))).toEqual([":unknown_type"]);
    expect(codes(coerceProperties(M, "Other", "thing", {}, "request"))).toEqual([":unknown_type"]);
    expect(codes(req([1, 2]))).toEqual([":wrong_type"]);
    expect(req(undefined)).toEqual({ value: {}, issues: [], dropped: [] });
  });

  it("an attribute named like an Object.prototype key stays data", () => {
    const r = req(JSON.parse(`{"__proto__": {"s": "x"}, "constructor": 1}`));
    expect(r.dropped.sort()).toEqual(["__proto__", "constructor"]);
    expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
    expect(r.value).toEqual({});
  });
});

describe("coerceContext", () => {
  const go = M.namespaces.get("Acme")!.actions.get("go")!;
  const bare = M.namespaces.get("Acme")!.actions.get("bare")!;

  it("puts the action's properties in context.action and the declared context keys beside it", () => {
    const r = coerceContext(M, "Acme", go, { soft: true, method: "GET" }, { ticket: "T-1", level: 2, time: "now" });
    expect(r).toEqual({ value: { ticket: "T-1", level: 2, action: { soft: true } }, issues: [], dropped: ["context.time", "action.properties.method"] });
  });

  it("context.action and context.approval from the PEP never reach Cedar", () => {
    const r = coerceContext(M, "Acme", go, undefined, { action: { soft: true }, approval: { id: "g" } });
    expect(r).toEqual({ value: { action: {} }, issues: [], dropped: [] });
  });

  it("a declared context key or action property of the wrong type is an issue", () => {
    const r = coerceContext(M, "Acme", go, { soft: "yes" }, { level: "2" });
    expect(codes(r)).toEqual(["context.level:wrong_type", "action.properties.soft:wrong_type"]);
    expect(codes(coerceContext(M, "Acme", go, [], "x"))).toEqual(["context:wrong_type", "action.properties:wrong_type"]);
  });

  it("an action without a context drops everything", () => {
    expect(coerceContext(M, "Acme", bare, { soft: true }, { ticket: "x" })).toEqual({ value: {}, issues: [], dropped: ["context.ticket", "action.properties.soft"] });
  });

  it("certification: delete with soft", () => {
    const cert = model(CERTIFICATION_SCHEMA);
    const del = cert.namespaces.get("Certification")!.actions.get("delete")!;
    expect(coerceContext(cert, "Certification", del, { soft: false }, undefined).value).toEqual({ action: { soft: false } });
  });
});
