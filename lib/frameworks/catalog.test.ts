import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPORT_FRAMEWORKS } from "@/lib/frameworks/types";
import { FRAMEWORKS, getFramework, refFor, resolveRef } from "./catalog";

// The repository's copy of ../shared/reference/frameworks.json (see reference/README.md): the
// catalog must name every item exactly as the reference does, none missing and none extra.
type RefItem = { id: string; ref?: string | null; title: string; level?: string | null; parent?: string | null };
type RefFramework = { id: string; name: string; short_name: string; version: string; publisher: string; source_url: string; items: RefItem[] };
const reference: { frameworks: RefFramework[] } = JSON.parse(fs.readFileSync(path.join(__dirname, "reference", "frameworks.json"), "utf8"));

describe("framework catalog", () => {
  it("has exactly the report frameworks", () => {
    expect(FRAMEWORKS.map((f) => f.id)).toEqual([...REPORT_FRAMEWORKS]);
  });

  for (const id of REPORT_FRAMEWORKS) {
    it(`${id}: ids, refs, titles, levels and parents equal the reference`, () => {
      const ref = reference.frameworks.find((f) => f.id === id)!;
      const ours = getFramework(id)!;
      expect(ref).toBeDefined();
      expect({ name: ours.name, shortName: ours.shortName, version: ours.version, publisher: ours.publisher, sourceUrl: ours.sourceUrl }).toEqual({
        name: ref.name,
        shortName: ref.short_name,
        version: ref.version,
        publisher: ref.publisher,
        sourceUrl: ref.source_url,
      });
      const shape = (i: RefItem) => ({ id: i.id, ref: i.ref ?? null, title: i.title, level: i.level ?? null, parent: i.parent ?? null });
      expect(ours.items.map(shape)).toEqual(ref.items.map(shape));
      for (const item of ours.items) expect(item.summary.length, item.id).toBeGreaterThan(20);
    });
  }

  it("has the expected sizes", () => {
    const count = (id: string, level?: string) => getFramework(id)!.items.filter((i) => !level || i.level === level).length;
    expect(count("owasp-asi-2026")).toBe(10);
    expect(count("owasp-llm-top10-2025")).toBe(10);
    expect(count("owasp-nhi-top10-2025")).toBe(10);
    expect([count("nist-ai-rmf-1.0", "function"), count("nist-ai-rmf-1.0", "category"), count("nist-ai-rmf-1.0", "subcategory")]).toEqual([4, 19, 72]);
    expect(getFramework("csa-maestro")!.items.map((i) => i.id)).toEqual(["L1", "L2", "L3", "L4", "L5", "L6", "L7", "CROSS-LAYER"]);
    for (const i of getFramework("csa-maestro")!.items) expect(i.threats?.length, i.id).toBeGreaterThan(0);
  });

  it("NIST parents exist and sit one level up", () => {
    const nist = getFramework("nist-ai-rmf-1.0")!;
    const byId = new Map(nist.items.map((i) => [i.id, i]));
    for (const i of nist.items) {
      if (i.level === "function") expect(i.parent).toBeUndefined();
      else expect(byId.get(i.parent!)?.level).toBe(i.level === "category" ? "function" : "category");
    }
  });

  it("summaries are our own words, not the reference's", () => {
    const all = JSON.parse(fs.readFileSync(path.join(__dirname, "reference", "frameworks.json"), "utf8")) as { frameworks: { id: string; items: { id: string; summary: string }[] }[] };
    for (const f of FRAMEWORKS) {
      const theirs = new Map(all.frameworks.find((x) => x.id === f.id)!.items.map((i) => [i.id, i.summary]));
      for (const i of f.items) expect(i.summary, `${f.id} ${i.id}`).not.toBe(theirs.get(i.id));
    }
  });
});

describe("resolveRef", () => {
  it("resolves each notation", () => {
    expect(resolveRef("OWASP-ASI01")).toMatchObject({ framework: { id: "owasp-asi-2026" }, item: { id: "ASI01", title: "Agent Goal Hijack" } });
    expect(resolveRef("OWASP-LLM01")?.item.title).toBe("Prompt Injection");
    expect(resolveRef("OWASP-NHI7")?.item.title).toBe("Long-Lived Secrets");
    expect(resolveRef("NIST-AI-RMF:GOVERN-1.6")).toMatchObject({ framework: { id: "nist-ai-rmf-1.0" }, item: { id: "GOVERN 1.6", level: "subcategory" } });
    expect(resolveRef("NIST-AI-RMF:MANAGE-2")?.item.level).toBe("category");
    expect(resolveRef("NIST-AI-RMF:MAP")?.item.level).toBe("function");
    expect(resolveRef("CSA-MAESTRO:L7")?.item.title).toBe("Agent Ecosystem");
    expect(resolveRef("CSA-MAESTRO:CROSS-LAYER")?.item.id).toBe("CROSS-LAYER");
  });

  it("rejects refs that name nothing", () => {
    for (const bad of ["OWASP-ASI11", "OWASP-ASI1", "OWASP-NHI07", "OWASP-LLM1", "NIST-AI-RMF:GOVERN-1.8", "NIST-AI-RMF:GOVERN 1.6", "CSA-MAESTRO:L8", "ASI01", "", "OWASP-XYZ01"]) {
      expect(resolveRef(bad), bad).toBeNull();
    }
  });

  it("round-trips with refFor for every item", () => {
    for (const f of FRAMEWORKS) for (const i of f.items) expect(resolveRef(refFor(f.id, i.id))?.item.id).toBe(i.id);
  });
});
