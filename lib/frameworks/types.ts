// The catalog's types: which frameworks it carries (and a report can be run for) and the shape of
// each. Apart from catalog.ts so the generated catalog-data.ts imports no module that imports it,
// and apart from lib/reports so the catalog need not import the reports built on it.
/** The frameworks a report can be run for (ids as in ../shared/reference/frameworks.json). */
export const REPORT_FRAMEWORKS = ["owasp-asi-2026", "owasp-llm-top10-2025", "owasp-nhi-top10-2025", "nist-ai-rmf-1.0", "csa-maestro"] as const;
export type ReportFrameworkId = (typeof REPORT_FRAMEWORKS)[number];

export type CatalogItem = {
  /** As in the reference: "ASI01", "LLM01", "NHI7", "GOVERN 1.6", "L7", "CROSS-LAYER". */
  id: string;
  /** The official long form where there is one, e.g. "ASI01:2026". */
  ref?: string;
  title: string;
  /** NIST AI RMF only: function / category / subcategory. */
  level?: "function" | "category" | "subcategory";
  parent?: string;
  summary: string;
  /** CSA MAESTRO: the threats named for the layer. */
  threats?: string[];
};

export type FrameworkDef = {
  id: ReportFrameworkId;
  name: string;
  shortName: string;
  version: string;
  publisher: string;
  sourceUrl: string;
  items: CatalogItem[];
};
