// The framework catalog: the five frameworks a report can be run for, with their items exactly
// as identified in the reference (lib/frameworks/reference/frameworks.json), and summaries in
// our own words. Pure data and lookups, no I/O.
import type { CatalogItem, FrameworkDef, ReportFrameworkId } from "@/lib/frameworks/types";
import { FRAMEWORK_DATA } from "./catalog-data";

// The types live in ./types.ts, which the generated ./catalog-data.ts imports (no cycle).
export type { CatalogItem, FrameworkDef } from "./types";

export const FRAMEWORKS: readonly FrameworkDef[] = FRAMEWORK_DATA;

const byId = new Map(FRAMEWORKS.map((f) => [f.id, f]));
const itemIndex = new Map(FRAMEWORKS.map((f) => [f.id, new Map(f.items.map((i) => [i.id, i]))]));

export function getFramework(id: string): FrameworkDef | undefined {
  return byId.get(id as ReportFrameworkId);
}

export function getItem(frameworkId: ReportFrameworkId, itemId: string): CatalogItem | undefined {
  return itemIndex.get(frameworkId)?.get(itemId);
}

// The short notation used in findings' framework_refs and the mapping (lib/frameworks/finding-refs.ts).
// OWASP lists are prefixed by list; NIST and MAESTRO by framework, with spaces and dots in NIST
// ids written as hyphens ("GOVERN 1.6" -> "GOVERN-1.6").
const OWASP_PREFIX: Record<string, ReportFrameworkId> = { ASI: "owasp-asi-2026", LLM: "owasp-llm-top10-2025", NHI: "owasp-nhi-top10-2025" };

export type ResolvedRef = { framework: FrameworkDef; item: CatalogItem };

/**
 * "OWASP-ASI01" | "OWASP-LLM01" | "OWASP-NHI7" | "NIST-AI-RMF:GOVERN-1.6" | "NIST-AI-RMF:GOVERN-1" |
 * "CSA-MAESTRO:L7" | "CSA-MAESTRO:CROSS-LAYER" -> the catalog item, or null when the ref names
 * nothing real (a wrong ref is a bug, not a guess).
 */
export function resolveRef(ref: string): ResolvedRef | null {
  let frameworkId: ReportFrameworkId | undefined;
  let itemId: string | undefined;
  const owasp = /^OWASP-(ASI|LLM|NHI)(\d{1,2})$/.exec(ref);
  if (owasp) {
    frameworkId = OWASP_PREFIX[owasp[1]];
    itemId = `${owasp[1]}${owasp[2]}`;
  } else if (ref.startsWith("NIST-AI-RMF:")) {
    const m = /^(GOVERN|MAP|MEASURE|MANAGE)(?:-(\d+)(?:\.(\d+))?)?$/.exec(ref.slice("NIST-AI-RMF:".length));
    if (m) {
      frameworkId = "nist-ai-rmf-1.0";
      itemId = m[3] !== undefined ? `${m[1]} ${m[2]}.${m[3]}` : m[2] !== undefined ? `${m[1]} ${m[2]}` : m[1];
    }
  } else if (ref.startsWith("CSA-MAESTRO:")) {
    frameworkId = "csa-maestro";
    itemId = ref.slice("CSA-MAESTRO:".length);
  }
  if (!frameworkId || !itemId) return null;
  const item = getItem(frameworkId, itemId);
  return item ? { framework: byId.get(frameworkId)!, item } : null;
}

/** The inverse of resolveRef: the short notation for a catalog item. */
export function refFor(frameworkId: ReportFrameworkId, itemId: string): string {
  switch (frameworkId) {
    case "nist-ai-rmf-1.0":
      return `NIST-AI-RMF:${itemId.replace(" ", "-")}`;
    case "csa-maestro":
      return `CSA-MAESTRO:${itemId}`;
    default:
      return `OWASP-${itemId}`;
  }
}
