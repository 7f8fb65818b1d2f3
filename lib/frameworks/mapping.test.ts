import { describe, expect, it } from "vitest";
import { GUARDRAILS } from "@/lib/policy/cedar/guardrails";
import { FINDING_REFS } from "@/lib/frameworks/finding-refs";
import { FRAMEWORKS, getItem, refFor, resolveRef } from "./catalog";
import { CONTROLS, DETECTORS, detectorControlId, getControl } from "./controls";
import { handMappedIds, MAPPING, mappedRefs } from "./mapping";

describe("FINDING_REFS", () => {
  it("every ref resolves to a real catalog item", () => {
    for (const [kind, refs] of Object.entries(FINDING_REFS)) for (const ref of refs) expect(resolveRef(ref), `${kind}: ${ref}`).not.toBeNull();
  });
  it("every finding kind has a detector control", () => {
    expect(Object.keys(DETECTORS).sort()).toEqual(Object.keys(FINDING_REFS).sort());
  });
});

describe("control mapping", () => {
  it("every hand-mapped item exists in the catalog and every mapped ref resolves", () => {
    for (const f of FRAMEWORKS) for (const id of handMappedIds(f.id)) expect(getItem(f.id, id), `${f.id} ${id}`).toBeDefined();
    for (const ref of mappedRefs()) expect(resolveRef(ref), ref).not.toBeNull();
  });

  it("uses only known controls, each with a one-sentence how", () => {
    for (const f of FRAMEWORKS)
      for (const [id, e] of Object.entries(MAPPING[f.id])) {
        expect(e.controls.length, `${f.id} ${id}`).toBeGreaterThan(0);
        for (const c of e.controls) {
          expect(getControl(c.control), `${f.id} ${id}: ${c.control}`).toBeDefined();
          expect(c.how).toMatch(/^[A-Z].{10,}\.$/);
        }
        const ids = e.controls.map((c) => c.control);
        expect(new Set(ids).size, `${f.id} ${id} lists a control twice`).toBe(ids.length);
      }
  });

  it("detectors map to exactly the items FINDING_REFS names", () => {
    for (const [kind, refs] of Object.entries(FINDING_REFS)) {
      const mapped: string[] = [];
      for (const f of FRAMEWORKS)
        for (const [id, e] of Object.entries(MAPPING[f.id])) if (e.controls.some((c) => c.control === detectorControlId(kind))) mapped.push(refFor(f.id, id));
      expect(mapped.sort(), kind).toEqual([...refs].sort());
    }
  });

  it("names every built-in guardrail except the baseline permit as a control", () => {
    for (const g of GUARDRAILS.filter((g) => g.id !== "baseline-permit")) expect(getControl(`guardrail.${g.id}`), g.id).toBeDefined();
    expect(new Set(CONTROLS.map((c) => c.id)).size).toBe(CONTROLS.length);
  });

  it("leaves what Warden does not address as gaps", () => {
    for (const gap of ["OWASP-ASI06", "OWASP-LLM04", "OWASP-LLM07", "OWASP-LLM08", "OWASP-LLM09", "NIST-AI-RMF:GOVERN-3.1", "NIST-AI-RMF:MEASURE-2.11", "NIST-AI-RMF:MANAGE-3.2", "CSA-MAESTRO:L1"]) {
      const r = resolveRef(gap)!;
      expect(MAPPING[r.framework.id][r.item.id], gap).toBeUndefined();
    }
  });

  it("maps NIST subcategories only (functions and categories roll up)", () => {
    for (const id of Object.keys(MAPPING["nist-ai-rmf-1.0"])) expect(getItem("nist-ai-rmf-1.0", id)?.level, id).toBe("subcategory");
  });
});
